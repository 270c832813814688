package spreadsheet

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/campaignwatch/campaignwatch/internal/apperr"
)

// Table is an import file's cells: the header row and the data rows that
// are not blank, each with the row number a spreadsheet would show (the
// header is row 1).
type Table struct {
	Header []string
	Rows   []Row
}

// Row is one data row of a Table.
type Row struct {
	Num   int
	Cells []string
}

// Limits bound what ReadTable accepts, so a mistaken or hostile upload
// cannot exhaust memory.
type Limits struct {
	// MaxBytes is the largest file accepted.
	MaxBytes int
	// MaxRows is the most data rows (not counting blank ones).
	MaxRows int
}

// ReadTable reads the first worksheet of an XLSX file or a UTF-8 CSV file
// (with or without a byte order mark), telling them apart by content: an
// XLSX file is a ZIP archive and starts with "PK". Cells are returned as
// written, formula-neutralised text included: the caller applies Restore
// to the cells it reads. Errors are apperr errors whose messages say what
// to do.
func ReadTable(data []byte, lim Limits) (*Table, error) {
	if len(data) > lim.MaxBytes {
		return nil, apperr.New(apperr.TooLarge, "The file is larger than the %d MB allowed.", lim.MaxBytes>>20)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, apperr.New(apperr.Invalid, "The file is empty.")
	}
	var records [][]string
	var err error
	if bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		records, err = readXLSX(data)
	} else {
		records, err = readCSV(data, lim.MaxRows)
	}
	if err != nil {
		return nil, err
	}
	if len(records) == 0 {
		return nil, apperr.New(apperr.Invalid, "The file has no header row.")
	}
	t := &Table{Header: records[0]}
	for i, rec := range records[1:] {
		blank := true
		for _, c := range rec {
			if strings.TrimSpace(c) != "" {
				blank = false
				break
			}
		}
		if blank {
			continue
		}
		if len(t.Rows) == lim.MaxRows {
			return nil, apperr.New(apperr.Invalid, "The file has more than %d rows; split it into smaller files.", lim.MaxRows)
		}
		t.Rows = append(t.Rows, Row{Num: i + 2, Cells: rec})
	}
	return t, nil
}

func readCSV(data []byte, maxRows int) ([][]string, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		return nil, apperr.New(apperr.Invalid, "The CSV file is not UTF-8 text. Save it as \"CSV UTF-8\" and try again.")
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	var out [][]string
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, apperr.Wrap(apperr.Invalid, err, "The CSV file cannot be read at line %d: %v.", pe.Line, pe.Err)
			}
			return nil, apperr.Wrap(apperr.Invalid, err, "The CSV file cannot be read.")
		}
		if len(out) > maxRows+1 {
			return nil, apperr.New(apperr.Invalid, "The file has more than %d rows; split it into smaller files.", maxRows)
		}
		out = append(out, rec)
	}
}

func readXLSX(data []byte) ([][]string, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		// Bounds on decompression: a small hostile file must not expand
		// into gigabytes.
		UnzipSizeLimit:    64 << 20,
		UnzipXMLSizeLimit: 32 << 20,
	})
	if err != nil {
		return nil, apperr.Wrap(apperr.Invalid, err, "The XLSX file cannot be read; check it is an Excel workbook.")
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, apperr.New(apperr.Invalid, "The XLSX file has no worksheet.")
	}
	rows, err := f.GetRows(sheets[0], excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, apperr.Wrap(apperr.Invalid, err, "The first worksheet of the XLSX file cannot be read.")
	}
	return rows, nil
}
