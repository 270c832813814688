package spreadsheet

import (
	"fmt"
	"time"

	"github.com/xuri/excelize/v2"
)

// The rules the service's workbooks share (the trend workbook and the
// audit programme's): a bold white-on-navy header row, frozen with the
// first column, an autofilter over the data, set column widths, dates
// as real dates, and every text that could pass for a formula written
// with the quote-prefix style. They live here so the workbooks cannot
// drift apart.

// Styles are the cell styles of a workbook, added to its file once.
type Styles struct {
	Header, Date, DateTime, Number, Title, Wrap int
	// quoted maps each style text may carry (0 for none) to its copy
	// with the quote prefix set.
	quoted map[int]int
}

// ForText is the style to write text v with when it would otherwise have
// style: the same style with the quote prefix set when v begins with a
// formula character, so the cell holds the text exactly as sent, shows no
// apostrophe, and still cannot become a formula when someone edits it.
func (s Styles) ForText(v string, style int) int {
	if !formulaStart(v) {
		return style
	}
	if q, ok := s.quoted[style]; ok {
		return q
	}
	return s.quoted[0]
}

// TextCell is v as a cell for a stream writer, with style (0 for none)
// or its quote-prefixed copy.
func (s Styles) TextCell(v string, style int) any {
	st := s.ForText(v, style)
	if st == 0 {
		return v
	}
	return excelize.Cell{StyleID: st, Value: v}
}

// AddStyles adds the shared styles to f.
func AddStyles(f *excelize.File) (Styles, error) {
	var s Styles
	var err error
	mk := func(dst *int, st *excelize.Style) {
		if err == nil {
			*dst, err = f.NewStyle(st)
		}
	}
	dateFmt, dtFmt := "yyyy-mm-dd", "yyyy-mm-dd hh:mm"
	mk(&s.Header, &excelize.Style{
		Font:      &excelize.Font{Bold: true, Color: "FFFFFF"},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"1D3557"}},
		Alignment: &excelize.Alignment{Vertical: "center", WrapText: true},
		Border:    []excelize.Border{{Type: "bottom", Color: "000000", Style: 1}},
	})
	mk(&s.Date, &excelize.Style{CustomNumFmt: &dateFmt})
	mk(&s.DateTime, &excelize.Style{CustomNumFmt: &dtFmt})
	mk(&s.Number, &excelize.Style{NumFmt: 3}) // #,##0
	mk(&s.Title, &excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}})
	mk(&s.Wrap, &excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return s, err
	}
	// excelize's Style has no field for the xf's quotePrefix attribute,
	// but its style sheet does: the quoted styles are copies of the plain
	// ones with it set. They are appended after every plain style, so
	// NewStyle, which ignores quotePrefix when it looks for an existing
	// match, still finds the plain one first.
	s.quoted = map[int]int{}
	for _, id := range []int{0, s.Header, s.Title, s.Wrap} {
		if s.quoted[id], err = QuotedCopy(f, id); err != nil {
			return s, err
		}
	}
	return s, nil
}

// QuotedCopy appends a copy of cell style id with quotePrefix set and
// returns the copy's id, for a workbook with styles of its own (the party
// registry's); AddStyles makes the shared workbooks' copies with it.
func QuotedCopy(f *excelize.File, id int) (int, error) {
	if f.Styles == nil || f.Styles.CellXfs == nil || id < 0 || id >= len(f.Styles.CellXfs.Xf) {
		return 0, fmt.Errorf("spreadsheet: no cell style %d to copy", id)
	}
	xfs := f.Styles.CellXfs
	xf := xfs.Xf[id]
	on := true
	xf.QuotePrefix = &on
	xfs.Xf = append(xfs.Xf, xf)
	xfs.Count = len(xfs.Xf)
	return len(xfs.Xf) - 1, nil
}

// ExcelDay is a calendar day as an Excel serial date (its time of day and
// zone ignored), for a cell styled as a date.
func ExcelDay(d time.Time) float64 {
	return float64(time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC).Unix())/86400 + 25569
}

// CellName is the A1 name of a cell.
func CellName(col, row int) string {
	n, _ := excelize.CoordinatesToCellName(col, row)
	return n
}

// ColName is the letter name of a column.
func ColName(col int) string {
	n, _ := excelize.ColumnNumberToName(col)
	return n
}

// Sheet writes a small sheet cell by cell: every text that could pass for
// a formula quote-prefixed, every
// time.Time (or non-nil *time.Time) a date cell. The first error stops
// all later writes and is kept for Err, so a sheet is written without an
// error check on each cell.
type Sheet struct {
	File   *excelize.File
	Name   string
	Styles Styles
	// Row is the last row Add wrote.
	Row int
	err error
}

// Set writes v to a cell with style (0 for none).
func (w *Sheet) Set(col, row int, v any, style int) {
	if w.err != nil {
		return
	}
	switch x := v.(type) {
	case string:
		style = w.Styles.ForText(x, style)
	case *time.Time:
		if x == nil {
			return
		}
		v, style = ExcelDay(*x), w.Styles.Date
	case time.Time:
		v, style = ExcelDay(x), w.Styles.Date
	}
	cell := CellName(col, row)
	if w.err = w.File.SetCellValue(w.Name, cell, v); w.err == nil && style != 0 {
		w.err = w.File.SetCellStyle(w.Name, cell, cell, style)
	}
}

// Add writes vals to the next row, from column A.
func (w *Sheet) Add(vals ...any) {
	w.Row++
	for i, v := range vals {
		w.Set(i+1, w.Row, v, 0)
	}
}

// Header writes the names of the columns to row.
func (w *Sheet) Header(row int, names ...string) {
	for i, n := range names {
		w.Set(i+1, row, n, 0)
	}
}

// Table finishes a data sheet whose header is headerRow, cols wide, with
// data down to lastRow: the header styled and frozen with the first
// column, an autofilter over the data, and the column widths.
func (w *Sheet) Table(headerRow, cols, lastRow int, widths ...float64) {
	if w.err != nil {
		return
	}
	for col := 1; col <= cols && w.err == nil; col++ {
		// The header style, quote-prefixed for a name that needs it.
		cell := CellName(col, headerRow)
		var name string
		if name, w.err = w.File.GetCellValue(w.Name, cell); w.err == nil {
			w.err = w.File.SetCellStyle(w.Name, cell, cell, w.Styles.ForText(name, w.Styles.Header))
		}
	}
	if w.err != nil {
		return
	}
	if w.err = w.File.SetPanes(w.Name, &excelize.Panes{Freeze: true, YSplit: headerRow, XSplit: 1,
		TopLeftCell: CellName(2, headerRow+1), ActivePane: "bottomRight"}); w.err != nil {
		return
	}
	if w.err = w.File.AutoFilter(w.Name, CellName(1, headerRow)+":"+CellName(cols, max(lastRow, headerRow)), nil); w.err != nil {
		return
	}
	for i, wd := range widths {
		if w.err == nil {
			w.err = w.File.SetColWidth(w.Name, ColName(i+1), ColName(i+1), wd)
		}
	}
}

// Err is the first error of the sheet's writes.
func (w *Sheet) Err() error { return w.err }
