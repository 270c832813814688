package outputtest

import (
	"bytes"
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// bboxDoc is pdftotext -bbox-layout's XHTML: pages of blocks of lines of
// words, each with its box in points.
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

// RequirePDFLayout lays pdf out with poppler's pdftotext and fails when two
// words on a page overlap (text drawn over text, as column headers that do
// not wrap are), a word runs past the page's margins (marginPt points) or
// off the foot of the page. It returns the words drawn, so a test can see
// that none was lost.
func RequirePDFLayout(t testing.TB, pdf []byte, marginPt float64) map[string]bool {
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

// PDFText is the text pdftotext reads from pdf. An embedded font shows
// glyph ids, not characters: poppler maps them back, so this is what a
// reader copying from the PDF gets.
func PDFText(t testing.TB, pdf []byte) string {
	t.Helper()
	cmd := exec.Command("pdftotext", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	out, err := cmd.Output()
	require.NoError(t, err, "pdftotext (poppler-utils) is needed")
	return string(out)
}
