package render

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// hostile is the 90-byte template that produced 5 MB of PDF: a header and
// two nested loops.
const hostile = "---\nsubject: x\n---\n{{range 2000}}{{range 2000}}Lorem ipsum dolor sit. {{end}}\n\n{{end}}\n"

func TestHostileTemplateStopsAtTheTextLimit(t *testing.T) {
	require.LessOrEqual(t, len(hostile), 90)
	_, err := Parse(hostile)
	var le *LimitError
	require.True(t, errors.As(err, &le), "got %v", err)
	require.Contains(t, err.Error(), "more than 100 KB of text")
}

func TestNestedLoopsThatWriteNothingStopAtTheStepLimit(t *testing.T) {
	for name, src := range map[string]string{
		"nested ranges":    "---\nsubject: x\n---\nHello {{range 100000}}{{range 100000}}{{range 100000}}{{end}}{{end}}{{end}}\n",
		"range in subject": "---\nsubject: x{{range 1000000000}}{{end}}\n---\nHello\n",
		"recursion":        "---\nsubject: x\n---\n{{define \"a\"}}{{template \"a\" .}}{{template \"a\" .}}{{end}}Hi {{template \"a\" .}}\n",
		"loop in else":     "---\nsubject: x\n---\n{{range 0}}{{else}}{{range 100000000}}{{end}}{{end}}Hi\n",
		"loop in if":       "---\nsubject: x\n---\n{{if true}}{{with 1}}{{range 100000000}}{{end}}{{end}}{{end}}Hi\n",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Parse(src)
			var le *LimitError
			require.True(t, errors.As(err, &le), "got %v", err)
			require.Contains(t, err.Error(), "repeats itself more than 10000 times")
		})
	}
}

func TestSmallLoopsStillRender(t *testing.T) {
	tpl, err := Parse("---\nsubject: {{.PartyName}}\n---\n{{range 3}}* item\n{{end}}\n")
	require.NoError(t, err)
	l, err := tpl.Render(tpl.Sample(), RenderOptions{})
	require.NoError(t, err)
	require.Equal(t, 3, strings.Count(l.Text, "item"))
}

func TestManyShortParagraphsStopAtThePageLimit(t *testing.T) {
	// Under the text limit, but one PDF row per paragraph: hundreds of
	// pages.
	tpl, err := Parse("---\nsubject: x\n---\n{{range 9000}}a\n\n{{end}}")
	require.NoError(t, err, "the text itself is within limits")
	_, err = tpl.Render(tpl.Sample(), RenderOptions{})
	var le *LimitError
	require.True(t, errors.As(err, &le), "got %v", err)
	require.Contains(t, err.Error(), "PDF of more than 40 pages")
}
