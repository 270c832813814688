package parties

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/campaignwatch/campaignwatch/internal/spreadsheet"
)

// exportWidths are the column widths, in characters, in Columns order.
var exportWidths = []float64{40, 20, 36, 20, 40, 12, 28, 28, 38, 24, 14}

// Export writes the whole registry to w as an XLSX workbook in the import
// layout, one row per contact (one row for a party without contacts), so
// that importing the file changes nothing.
//
// The header row is styled, frozen and filtered. Text cells beginning with
// =, +, -, @, a tab or a carriage return carry the quote-prefix style, so
// a spreadsheet shows them as text, exactly as typed, and never evaluates
// them as formulas.
func (s *Store) Export(ctx context.Context, w io.Writer) error {
	ps, err := s.All(ctx)
	if err != nil {
		return err
	}
	return WriteXLSX(w, ps)
}

// WriteXLSX writes parties (with their contacts) as Export does.
func WriteXLSX(w io.Writer, ps []Party) error {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "Parties"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	header, err := f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true, Color: "FFFFFF"},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"1D4F91"}},
		Alignment: &excelize.Alignment{Vertical: "center"},
	})
	if err != nil {
		return err
	}
	// Every data cell is stored as text ("@" format), so registration
	// numbers such as 0123 keep their leading zeros.
	text, err := f.NewStyle(&excelize.Style{NumFmt: 49})
	if err != nil {
		return err
	}
	quotedText, err := spreadsheet.QuotedCopy(f, text)
	if err != nil {
		return err
	}
	for i, wd := range exportWidths {
		col, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetColWidth(sheet, col, col, wd); err != nil {
			return err
		}
	}
	if err := f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	n := 0
	write := func(values []string, style int, raw bool) error {
		n++
		for i, v := range values {
			cell, _ := excelize.CoordinatesToCellName(i+1, n)
			if err := f.SetCellStr(sheet, cell, v); err != nil {
				return err
			}
			st := style
			if !raw && spreadsheet.NeedsQuote(v) {
				st = quotedText
			}
			if err := f.SetCellStyle(sheet, cell, cell, st); err != nil {
				return err
			}
		}
		return nil
	}
	if err := write(Columns, header, true); err != nil {
		return err
	}
	for _, p := range ps {
		party := []string{p.Name, p.ShortName, strings.Join(p.Aliases, ";"), p.RegistrationNumber, joinNations(p.Nations), formatBool(p.Active)}
		if len(p.Contacts) == 0 {
			if err := write(append(party, "", "", "", "", "", ""), text, false); err != nil {
				return err
			}
		}
		for _, c := range p.Contacts {
			row := append(append([]string(nil), party...), c.Name, c.Position, c.Email, c.Role, formatBool(c.Active), LanguageLabel(c.LanguageCode()))
			if err := write(row, text, false); err != nil {
				return err
			}
		}
	}
	last, _ := excelize.CoordinatesToCellName(len(Columns), max(n, 2))
	if err := f.AutoFilter(sheet, fmt.Sprintf("A1:%s", last), nil); err != nil {
		return err
	}
	_, err = f.WriteTo(w)
	return err
}
