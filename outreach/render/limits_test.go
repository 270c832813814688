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

// doubling builds a string of start and doubles it n times in a variable,
// writing nothing: before functions were charged, twelve doublings of a
// megabyte held some 4 GB in memory.
func doubling(start string, n int) string {
	src := "---\nsubject: x\n---\n{{$x := " + start + "}}"
	for range n {
		src += `{{$x = printf "%s%s" $x $x}}`
	}
	return src + "Hi\n"
}

func TestStringsBuiltWithoutOutputStopAtTheTextLimit(t *testing.T) {
	// Each case makes a few megabytes at most without the limit, so the
	// test shows the difference without exhausting memory; only the
	// reported one would, and it is refused at its first printf.
	for name, src := range map[string]string{
		// The reported template; refused at its first printf.
		"reported":                doubling(`printf "%01000000d" 0`, 12),
		"doubling a short string": doubling(`"0123456789"`, 20),
		"print":                   "---\nsubject: x\n---\n{{$x := \"0123456789\"}}" + strings.Repeat("{{$x = print $x $x}}", 20) + "Hi\n",
		"println":                 "---\nsubject: x\n---\n{{$x := \"0123456789\"}}" + strings.Repeat("{{$x = println $x $x}}", 20) + "Hi\n",
		"html":                    "---\nsubject: x\n---\n{{$x := \"\\\"\\\"\"}}" + strings.Repeat("{{$x = html $x $x}}", 12) + "Hi\n",
		"js":                      "---\nsubject: x\n---\n{{$x := \"<<\"}}" + strings.Repeat("{{$x = js $x $x}}", 10) + "Hi\n",
		"urlquery":                "---\nsubject: x\n---\n{{$x := \"  \"}}" + strings.Repeat("{{$x = urlquery $x $x}}", 14) + "Hi\n",
		"upper":                   "---\nsubject: x\n---\n{{$x := \"ab\"}}" + strings.Repeat("{{$x = upper (print $x $x)}}", 20) + "Hi\n",
		"in a loop":               "---\nsubject: x\n---\n{{$x := \"ab\"}}{{range 20}}{{$x = print $x $x}}{{end}}Hi\n",
		"many small strings":      "---\nsubject: x\n---\n{{range 5000}}{{$x := printf \"%0100d\" 0}}{{end}}Hi\n",
		"in the subject":          "---\nsubject: x{{$x := \"0123456789\"}}" + strings.Repeat("{{$x = print $x $x}}", 20) + "\n---\nHi\n",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Parse(src)
			var le *LimitError
			require.True(t, errors.As(err, &le), "got %v", err)
		})
	}
}

func TestPrintfRefusesWideAndIndirectFormats(t *testing.T) {
	for name, src := range map[string]string{
		"wide":            "---\nsubject: x\n---\n{{$x := printf \"%01000000d\" 0}}Hi\n",
		"precise":         "---\nsubject: x\n---\n{{$x := printf \"%.1000000f\" 1.0}}Hi\n",
		"width from *":    "---\nsubject: x\n---\n{{$x := printf \"%0*d\" 1000000 0}}Hi\n",
		"argument by [n]": "---\nsubject: x\n---\n{{$x := printf \"%[1]s%[1]s\" \"a\"}}Hi\n",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Parse(src)
			var le *LimitError
			require.True(t, errors.As(err, &le), "got %v", err)
			require.Contains(t, err.Error(), "width or precision")
		})
	}
}

func TestCallIsRefused(t *testing.T) {
	_, err := Parse("---\nsubject: x\n---\n{{call .PartyName}}Hi\n")
	require.ErrorContains(t, err, "cannot use call")
}

func TestOrdinaryFunctionsStillRender(t *testing.T) {
	tpl, err := Parse("---\nsubject: {{upper .PartyName}} {{printf \"%05d\" 42}}\n---\n" +
		"{{printf \"%s, %q\" .PartyName .Reference}} {{print 1 2}} {{html \"<b>\"}} {{urlquery \"a b\"}} {{js \"'\"}} {{len .PartyName}} {{slice .PartyName 0 3}} {{index . \"Date\"}}\n")
	require.NoError(t, err)
	l, err := tpl.Render(tpl.Sample(), RenderOptions{SkipPDF: true})
	require.NoError(t, err)
	require.Equal(t, "EXAMPLE PARTY 00042", l.Subject)
	require.Contains(t, l.Text, `Example Party, "PGA/2029/0001" 1 2 &lt;b&gt; a+b '`)
	require.Contains(t, l.Text, "13 Exa 23 March 2029")
}
