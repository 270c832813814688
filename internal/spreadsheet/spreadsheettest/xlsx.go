// Package spreadsheettest reads a workbook's cells from its XML parts, as
// a program other than excelize (openpyxl, Excel) sees them, so tests can
// check what is stored rather than what excelize makes of it.
package spreadsheettest

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"path"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// Cell is one stored cell.
type Cell struct {
	Sheet, Ref string
	// Type is the cell's t attribute: "s" (shared string), "inlineStr",
	// "str", "n" or "" (a number).
	Type string
	// Value is the cell's text: the shared or inline string resolved, or
	// the raw value of other cells.
	Value string
	// QuotePrefix is set when the cell's xf has quotePrefix="1".
	QuotePrefix bool
}

// IsString reports whether the cell is stored as text.
func (c Cell) IsString() bool {
	return c.Type == "s" || c.Type == "inlineStr" || c.Type == "str"
}

type text struct {
	T    string `xml:"t"`
	Runs []struct {
		T string `xml:"t"`
	} `xml:"r"`
}

func (t text) String() string {
	var b strings.Builder
	b.WriteString(t.T)
	for _, r := range t.Runs {
		b.WriteString(r.T)
	}
	return b.String()
}

// Cells reads every cell of every worksheet of the workbook data.
func Cells(t testing.TB, data []byte) []Cell {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	require.NoError(t, err)
	parts := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		require.NoError(t, err)
		b, err := io.ReadAll(rc)
		require.NoError(t, err)
		require.NoError(t, rc.Close())
		parts[f.Name] = b
	}
	decode := func(name string, v any) {
		t.Helper()
		b, ok := parts[name]
		if !ok {
			return
		}
		require.NoError(t, xml.Unmarshal(b, v), name)
	}

	var sst struct {
		SI []text `xml:"si"`
	}
	decode("xl/sharedStrings.xml", &sst)
	var styles struct {
		CellXfs struct {
			Xf []struct {
				QuotePrefix string `xml:"quotePrefix,attr"`
			} `xml:"xf"`
		} `xml:"cellXfs"`
	}
	decode("xl/styles.xml", &styles)
	var wb struct {
		Sheets []struct {
			Name string `xml:"name,attr"`
			RID  string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	decode("xl/workbook.xml", &wb)
	var rels struct {
		Rel []struct {
			ID     string `xml:"Id,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	decode("xl/_rels/workbook.xml.rels", &rels)
	target := map[string]string{}
	for _, r := range rels.Rel {
		target[r.ID] = r.Target
	}

	var out []Cell
	for _, s := range wb.Sheets {
		p := target[s.RID]
		if !strings.HasPrefix(p, "/") {
			p = path.Join("xl", p)
		}
		var ws struct {
			Rows []struct {
				C []struct {
					R  string `xml:"r,attr"`
					S  int    `xml:"s,attr"`
					T  string `xml:"t,attr"`
					V  string `xml:"v"`
					IS *text  `xml:"is"`
				} `xml:"c"`
			} `xml:"sheetData>row"`
		}
		decode(strings.TrimPrefix(p, "/"), &ws)
		for _, row := range ws.Rows {
			for _, c := range row.C {
				cell := Cell{Sheet: s.Name, Ref: c.R, Type: c.T, Value: c.V}
				switch {
				case c.T == "s":
					var i int
					for _, d := range c.V {
						i = i*10 + int(d-'0')
					}
					require.Less(t, i, len(sst.SI), "%s!%s names a shared string that is not there", s.Name, c.R)
					cell.Value = sst.SI[i].String()
				case c.T == "inlineStr" && c.IS != nil:
					cell.Value = c.IS.String()
				}
				if c.S < len(styles.CellXfs.Xf) {
					q := styles.CellXfs.Xf[c.S].QuotePrefix
					cell.QuotePrefix = q == "1" || q == "true"
				}
				out = append(out, cell)
			}
		}
	}
	return out
}

// RequireQuotedFormulaText checks every cell whose text begins with a
// formula character (= + - @ tab CR) is stored as a string, with a
// quote-prefix style and without a leading apostrophe, and that no
// other text cell carries a leading apostrophe before such a character.
// It returns how many such cells it found, so a caller can make sure it
// saw the ones it planted.
func RequireQuotedFormulaText(t testing.TB, cells []Cell) int {
	t.Helper()
	n := 0
	for _, c := range cells {
		if c.Value == "" || !c.IsString() {
			continue
		}
		require.False(t, len(c.Value) > 1 && c.Value[0] == '\'' && strings.ContainsRune("=+-@\t\r", rune(c.Value[1])),
			"%s!%s shows an apostrophe: %q", c.Sheet, c.Ref, c.Value)
		if strings.ContainsRune("=+-@\t\r", rune(c.Value[0])) {
			n++
			require.True(t, c.QuotePrefix, "%s!%s %q has no quote prefix", c.Sheet, c.Ref, c.Value)
		}
	}
	return n
}
