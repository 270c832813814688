package render

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func load(t *testing.T, name string) *Template {
	t.Helper()
	b, err := os.ReadFile("../../templates/letters/" + name + ".md")
	require.NoError(t, err)
	tpl, err := Parse(string(b))
	require.NoError(t, err, name)
	return tpl
}

func TestShippedTemplatesRenderAllThreeForms(t *testing.T) {
	for _, name := range []string{"election-reminder", "election-reminder-briefing", "audit-follow-up", "complaints-follow-up"} {
		tpl := load(t, name)
		v := tpl.Sample()
		v["PartyName"] = "Sinn Féin_*x*"
		l, err := tpl.Render(v, RenderOptions{})
		require.NoError(t, err, name)
		require.Contains(t, l.Subject, v["Reference"])
		require.Contains(t, l.Text, "Sinn Féin_*x*", name)
		require.Contains(t, l.HTML, "Sinn Féin_*x*", name)
		require.NotContains(t, l.HTML, "<em>", name)
		require.Contains(t, l.HTML, `style="`)
		require.True(t, bytes.HasPrefix(l.PDF, []byte("%PDF-")), name)
		again, err := tpl.Render(v, RenderOptions{})
		require.NoError(t, err)
		require.Equal(t, l.HTML+l.Text, again.HTML+again.Text, "rendering is deterministic")
		if name == "election-reminder" {
			require.Equal(t, 5, strings.Count(l.Text, "☐"))
		}
	}
}

func TestFieldValuesCannotInjectHTML(t *testing.T) {
	tpl := load(t, "election-reminder")
	v := tpl.Sample()
	v["RecipientName"] = `<script>alert(1)</script> [x](javascript:alert(1))`
	l, err := tpl.Render(v, RenderOptions{SkipPDF: true})
	require.NoError(t, err)
	require.NotContains(t, l.HTML, "<script>")
	require.NotContains(t, l.HTML, `href="javascript`)
}

func TestParseErrorsNameTheLine(t *testing.T) {
	cases := map[string]struct {
		src  string
		line int
		msg  string
	}{
		"unknown field":  {"---\nsubject: Hi {{.PartyName}}\n---\nDear {{.RecipientName}},\n\nThe {{.Colour}} one.\n", 6, `unknown field "Colour"`},
		"parse error":    {"---\nsubject: Hi\n---\nDear\n\nThe {{if}} x\nmore\n", 6, "missing value for if"},
		"subject field":  {"---\nsubject: Hi {{.Nope}}\n---\nbody\n", 2, `unknown field "Nope"`},
		"bad header":     {"---\nsubject: x\ncolour: red\n---\nbody\n", 3, "unknown header"},
		"markdown field": {"---\nsubject: x\nfields: A\nmarkdown: A, B\n---\nbody\n", 4, `the markdown field "B" must be declared`},
		"no header":      {"Dear all\n", 1, "header"},
		"unclosed":       {"---\nsubject: x\n", 3, "closing"},
	}
	for name, c := range cases {
		_, err := Parse(c.src)
		var le *LineError
		require.True(t, errors.As(err, &le), "%s: %v", name, err)
		require.Equal(t, c.line, le.Line, "%s: %v", name, err)
		require.Contains(t, le.Message, c.msg, name)
	}
}

func TestMarkdownFieldsKeepTheirStructureAndOthersAreEscaped(t *testing.T) {
	tpl, err := Parse("---\nsubject: x\nfields: Asks, Note\nmarkdown: Asks\n---\nWe ask:\n\n{{.Asks}}\n\n{{.Note}}\n")
	require.NoError(t, err)
	l, err := tpl.Render(map[string]string{"Asks": "1. Stop *now*.\r\n2. Tell us.\n\n<script>x</script>[a](javascript:alert(1))", "Note": "1. *not* a list\n# nor a heading"}, RenderOptions{SkipPDF: true})
	require.NoError(t, err)
	require.Regexp(t, `<ol[^>]*>\s*<li[^>]*>Stop <em>now</em>.</li>`, l.HTML)
	require.NotContains(t, l.HTML, "<script>")
	require.NotContains(t, l.HTML, "javascript:")
	require.Contains(t, l.Text, "1. *not* a list # nor a heading")
	require.NotContains(t, l.HTML, "<h1")
	require.Equal(t, 1, strings.Count(l.HTML, "<ol"), "a value is never a list")
	for _, v := range []string{"- x", "+ x", "=== x", "12) x", "3. x"} {
		l, err := tpl.Render(map[string]string{"Asks": "a", "Note": v}, RenderOptions{SkipPDF: true})
		require.NoError(t, err)
		require.NotRegexp(t, `<(ul|ol|h1|h2)`, l.HTML, v)
		require.Contains(t, l.Text, v, v)
	}
}

func TestDeclaredFieldsAreAccepted(t *testing.T) {
	tpl, err := Parse("---\nsubject: {{.Topic}}\nfields: Topic\n---\nAbout {{.Topic}}.\n")
	require.NoError(t, err)
	l, err := tpl.Render(map[string]string{"Topic": "cookies"}, RenderOptions{SkipPDF: true})
	require.NoError(t, err)
	require.Equal(t, "cookies", l.Subject)
	_, err = tpl.Render(map[string]string{}, RenderOptions{SkipPDF: true})
	require.Error(t, err, "a missing value is an error, not an empty gap")
}

func BenchmarkRenderLetter(b *testing.B) {
	src, _ := os.ReadFile("../../templates/letters/election-reminder.md")
	tpl, err := Parse(string(src))
	if err != nil {
		b.Fatal(err)
	}
	v := tpl.Sample()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		if _, err := tpl.Render(v, RenderOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "letters/s")
}

// BenchmarkRenderLetterBilingual renders the Welsh and English versions
// of the election reminder as one letter: the Welsh needs the embedded
// Unicode font, the slow path.
func BenchmarkRenderLetterBilingual(b *testing.B) {
	var vs []Version
	for _, lang := range []string{"cy", "en"} {
		p := "../../templates/letters/election-reminder.md"
		if lang == "cy" {
			p = "../../templates/letters/cy/election-reminder.md"
		}
		src, _ := os.ReadFile(p)
		tpl, err := Parse(string(src))
		if err != nil {
			b.Fatal(err)
		}
		vs = append(vs, Version{Template: tpl, Lang: lang, Values: tpl.Sample()})
	}
	start := time.Now()
	for i := 0; i < b.N; i++ {
		if _, err := RenderLetter(vs, RenderOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "letters/s")
}
