package audits_test

import (
	"bytes"
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/internal/fixture"
	"github.com/campaignwatch/campaignwatch/outreach/parties"
)

// bboxDoc is pdftotext -bbox-layout's XHTML: pages of words with their
// boxes in points.
type bboxDoc struct {
	Pages []struct {
		Width  float64 `xml:"width,attr"`
		Height float64 `xml:"height,attr"`
		Flows  []struct {
			Blocks []struct {
				Lines []struct {
					Words []struct {
						XMin float64 `xml:"xMin,attr"`
						YMin float64 `xml:"yMin,attr"`
						XMax float64 `xml:"xMax,attr"`
						YMax float64 `xml:"yMax,attr"`
						Text string  `xml:",chardata"`
					} `xml:"word"`
				} `xml:"line"`
			} `xml:"block"`
		} `xml:"flow"`
	} `xml:"body>doc>page"`
}

// requirePDFLayout fails when two words on a page overlap or a word runs
// past the margins (marginPt points), and returns the words drawn.
func requirePDFLayout(t *testing.T, pdf []byte, marginPt float64) map[string]bool {
	t.Helper()
	in := filepath.Join(t.TempDir(), "report.pdf")
	require.NoError(t, os.WriteFile(in, pdf, 0o600))
	out, err := exec.Command("pdftotext", "-bbox-layout", in, "-").Output()
	require.NoError(t, err, "pdftotext (poppler-utils) is needed")
	var doc bboxDoc
	dec := xml.NewDecoder(bytes.NewReader(out))
	dec.Strict = false
	dec.Entity = xml.HTMLEntity
	require.NoError(t, dec.Decode(&doc))
	require.NotEmpty(t, doc.Pages)
	words := map[string]bool{}
	for pi, page := range doc.Pages {
		type box struct {
			x0, y0, x1, y1 float64
			text           string
		}
		var boxes []box
		for _, f := range page.Flows {
			for _, b := range f.Blocks {
				for _, l := range b.Lines {
					for _, w := range l.Words {
						boxes = append(boxes, box{w.XMin, w.YMin, w.XMax, w.YMax, w.Text})
						words[w.Text] = true
					}
				}
			}
		}
		for i, a := range boxes {
			require.GreaterOrEqual(t, a.x0, marginPt-1, "page %d: %q starts in the left margin", pi+1, a.text)
			require.LessOrEqual(t, a.x1, page.Width-marginPt+1, "page %d: %q runs into the right margin", pi+1, a.text)
			for _, b := range boxes[i+1:] {
				dx := min(a.x1, b.x1) - max(a.x0, b.x0)
				dy := min(a.y1, b.y1) - max(a.y0, b.y0)
				if dx > 0.5 && dy > 1.0 {
					require.Failf(t, "overlapping text", "page %d: %q at (%.1f,%.1f) overlaps %q at (%.1f,%.1f)", pi+1, a.text, a.x0, a.y0, b.text, b.x0, b.y0)
				}
			}
		}
	}
	return words
}

func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	cmd := exec.Command("pdftotext", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	out, err := cmd.Output()
	require.NoError(t, err, "pdftotext (poppler-utils) is needed")
	return string(out)
}

// TestPDFLayout renders a bilingual follow-up report and the summary and
// checks every page: no two words overlap, nothing runs past the
// margins, Welsh first, and nothing a party reads shows a code.
func TestPDFLayout(t *testing.T) {
	t.Parallel()
	e := newOutputsEnv(t)
	prog := e.programme(t)
	party := e.f.Party(fixture.PartyName("Plaid Gŵyr"), fixture.PartyContacts(parties.Contact{Name: "Ceri Jones", Position: "Swyddog",
		Email: "ceri@plaid.example.org", Role: parties.DefaultRole, Active: true, Language: strPtr("both")}))
	id := e.auditOf(t, prog, party.ID, priorities(6, 8, 5, 1), true)
	e.auditOf(t, prog, e.f.Party().ID, priorities(3, 3, 5, 1), false)
	rep, err := e.svc.FollowUpReport(e.ctx, id)
	require.NoError(t, err)
	require.Equal(t, []string{"cy", "en"}, rep.Languages)
	pdf, err := rep.PDF()
	require.NoError(t, err)
	words := requirePDFLayout(t, pdf, 18*72/25.4)
	for _, w := range []string{"Urgent", "Brys", "Completed", "R1", "Priority"} {
		require.True(t, words[w], "the report has %q", w)
	}
	text := pdfText(t, pdf)
	require.Less(t, strings.Index(text, "Adroddiad dilynol"), strings.Index(text, "Audit follow-up report"), "Welsh first")
	require.Contains(t, text, "Gŵyr", "the embedded Unicode font prints ŵ")
	require.Contains(t, text, "Article 13 of the UK GDPR")
	require.Contains(t, text, "Erthygl 13 o GDPR y DU")
	require.NotRegexp(t, internalID, text)

	sum, err := e.svc.Summary(e.ctx, prog)
	require.NoError(t, err)
	pdf, err = sum.PDF("en")
	require.NoError(t, err)
	words = requirePDFLayout(t, pdf, 18*72/25.4)
	require.True(t, words["Party"])
	text = pdfText(t, pdf)
	require.Contains(t, text, "Plaid Gŵyr")
	require.Contains(t, text, sum.Headline("en"))
	require.NotRegexp(t, internalID, text)
}
