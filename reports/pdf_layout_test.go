package reports_test

import (
	"bytes"
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/reports"
)

// bboxDoc is pdftotext -bbox-layout's XHTML: pages of blocks of lines of
// words, each with its box in points.
type bboxDoc struct {
	Pages []struct {
		Width  float64 `xml:"width,attr"`
		Height float64 `xml:"height,attr"`
		Flows  []struct {
			Blocks []struct {
				Lines []bboxLine `xml:"line"`
			} `xml:"block"`
		} `xml:"flow"`
	} `xml:"body>doc>page"`
}

type bboxLine struct {
	XMin  float64 `xml:"xMin,attr"`
	YMin  float64 `xml:"yMin,attr"`
	XMax  float64 `xml:"xMax,attr"`
	YMax  float64 `xml:"yMax,attr"`
	Words []struct {
		XMin float64 `xml:"xMin,attr"`
		YMin float64 `xml:"yMin,attr"`
		XMax float64 `xml:"xMax,attr"`
		YMax float64 `xml:"yMax,attr"`
		Text string  `xml:",chardata"`
	} `xml:"word"`
}

// requirePDFLayout lays pdf out with poppler's pdftotext and fails when two
// words on a page overlap (text drawn over text, as column headers that do
// not wrap are) or a word runs past the page's margins (marginPt points).
func requirePDFLayout(t *testing.T, pdf []byte, marginPt float64) map[string]bool {
	t.Helper()
	dir := t.TempDir()
	in := filepath.Join(dir, "report.pdf")
	require.NoError(t, os.WriteFile(in, pdf, 0o600))
	out, err := exec.Command("pdftotext", "-bbox-layout", in, "-").Output()
	require.NoError(t, err, "pdftotext (poppler-utils) is needed")
	var doc bboxDoc
	dec := xml.NewDecoder(bytesReader(out))
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
					}
				}
			}
		}
		for _, b := range boxes {
			words[b.text] = true
		}
		for i, a := range boxes {
			require.GreaterOrEqual(t, a.x0, marginPt-1, "page %d: %q starts in the left margin", pi+1, a.text)
			require.LessOrEqual(t, a.x1, page.Width-marginPt+1, "page %d: %q runs into the right margin", pi+1, a.text)
			require.LessOrEqual(t, a.y1, page.Height-5, "page %d: %q runs off the page", pi+1, a.text)
			for _, b := range boxes[i+1:] {
				// Boxes overlap when they share more than a sliver both
				// ways (glyph boxes of neighbouring lines touch).
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

// popplerText is the text pdftotext reads from pdf, whatever its fonts.
func popplerText(t *testing.T, pdf []byte) string {
	t.Helper()
	cmd := exec.Command("pdftotext", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	out, err := cmd.Output()
	require.NoError(t, err, "pdftotext (poppler-utils) is needed")
	return string(out)
}

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }

// TestPDFLayout renders the election overview and a bilingual party
// report for a seeded election and checks every page: no two words
// overlap and nothing runs past the margins.
func TestPDFLayout(t *testing.T) {
	t.Parallel()
	b := setup(t, 300)
	over, err := b.store.ElectionReport(b.ctx, b.election)
	require.NoError(t, err)
	pdf, err := over.PDF()
	require.NoError(t, err)
	words := requirePDFLayout(t, pdf, 15*72/25.4)
	// Every header is there: a word pushed off the page is not drawn
	// over another, but it is lost.
	for _, w := range []string{"Party", "Complaints", "scope", "report", "triaged", "Urgent", "High", "Closed", "apart"} {
		require.True(t, words[w], "the overview's header has %q", w)
	}

	var partyID int64
	require.NoError(t, b.pool.QueryRow(b.ctx, `SELECT party_id FROM complaints WHERE election_id = $1 AND party_id IS NOT NULL
		GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1`, b.election).Scan(&partyID))
	// A party standing in Wales gets its report in Welsh and English.
	// Its name has a ŵ, which the standard PDF font cannot print.
	_, err = b.pool.Exec(b.ctx, `UPDATE parties SET nations = ARRAY['wales'], name = name || ' Gŵyr' WHERE id = $1`, partyID)
	require.NoError(t, err)
	rep, err := b.store.PartyReport(b.ctx, b.election, partyID)
	require.NoError(t, err)
	require.Equal(t, []string{"cy", "en"}, rep.Languages)
	rep.ReplyBy = reports.DefaultReplyBy(rep.GeneratedAt)
	pdf, err = rep.PDF()
	require.NoError(t, err)
	require.NotEmpty(t, requirePDFLayout(t, pdf, 20*72/25.4))
	// An embedded font shows glyph ids, not characters: poppler maps them back.
	text := popplerText(t, pdf)
	require.Less(t, strings.Index(text, "Cwynion am"), strings.Index(text, "Complaints about"), "Welsh first")
	require.Contains(t, text, "Gŵyr", "the embedded Unicode font prints ŵ")
	requirePartyReadable(t, text)
	for _, lang := range []string{"cy", "en"} {
		for k, v := range rep.LetterFields(lang) {
			require.NotEmpty(t, v, k)
			requirePartyReadable(t, v)
		}
	}
	require.Contains(t, rep.LetterFields("cy")["ReplyBy"], vocab.FormatDate(rep.ReplyBy, "cy"))
}
