package parties

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/campaignwatch/campaignwatch/internal/apperr"
)

// The import/export columns, in export order. The package documentation
// describes each.
const (
	colPartyName       = "party_name"
	colShortName       = "short_name"
	colAliases         = "aliases"
	colRegNumber       = "registration_number"
	colNations         = "nations"
	colPartyActive     = "party_active"
	colContactName     = "contact_name"
	colContactPosition = "contact_position"
	colContactEmail    = "contact_email"
	colContactRole     = "contact_role"
	colContactActive   = "contact_active"
	colContactLanguage = "contact_language"
)

// Columns lists the import/export columns in export order.
var Columns = []string{colPartyName, colShortName, colAliases, colRegNumber, colNations, colPartyActive,
	colContactName, colContactPosition, colContactEmail, colContactRole, colContactActive, colContactLanguage}

var requiredColumns = []string{colPartyName, colNations}

var contactColumnsInFile = []string{colContactName, colContactPosition, colContactEmail, colContactRole, colContactActive, colContactLanguage}

// Limits on import files, so a mistaken or hostile upload cannot exhaust
// memory.
const (
	// MaxImportBytes is the largest import file accepted.
	MaxImportBytes = 5 << 20
	// MaxImportRows is the most data rows an import file may have.
	MaxImportRows = 10000
)

// sheet is an import file's cells: the header row and the data rows, each
// with the row number a spreadsheet would show.
type sheet struct {
	header []string
	rows   []sheetRow
}

type sheetRow struct {
	num   int
	cells []string
}

// readSheet reads CSV or XLSX, telling them apart by content: an XLSX file
// is a ZIP archive and starts with "PK".
func readSheet(data []byte) (*sheet, error) {
	if len(data) > MaxImportBytes {
		return nil, apperr.New(apperr.TooLarge, "The file is larger than the %d MB allowed.", MaxImportBytes>>20)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, apperr.New(apperr.Invalid, "The file is empty.")
	}
	var records [][]string
	var err error
	if bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		records, err = readXLSX(data)
	} else {
		records, err = readCSV(data)
	}
	if err != nil {
		return nil, err
	}
	if len(records) == 0 {
		return nil, apperr.New(apperr.Invalid, "The file has no header row.")
	}
	sh := &sheet{header: records[0]}
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
		if len(sh.rows) == MaxImportRows {
			return nil, apperr.New(apperr.Invalid, "The file has more than %d rows; split it into smaller files.", MaxImportRows)
		}
		sh.rows = append(sh.rows, sheetRow{num: i + 2, cells: rec})
	}
	return sh, nil
}

func readCSV(data []byte) ([][]string, error) {
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
		if len(out) > MaxImportRows+1 {
			return nil, apperr.New(apperr.Invalid, "The file has more than %d rows; split it into smaller files.", MaxImportRows)
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

// headerName normalises a header cell: case-insensitive, with spaces and
// hyphens counting as underscores.
func headerName(s string) string {
	s = strings.ToLower(tidy(s))
	s = strings.NewReplacer(" ", "_", "-", "_").Replace(s)
	if s == "language" {
		// The contact's language is the only language a row has.
		return colContactLanguage
	}
	return s
}

func formatBool(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func parseBool(s string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "yes", "y", "true", "1":
		return true, nil
	case "no", "n", "false", "0":
		return false, nil
	}
	return false, fmt.Errorf("enter yes or no, not %q", s)
}

func splitList(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ";") {
		if p := strings.TrimSpace(part); p != "" {
			out = append(out, p)
		}
	}
	return out
}
