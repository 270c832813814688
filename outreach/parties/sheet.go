package parties

import (
	"fmt"
	"strings"

	"github.com/campaignwatch/campaignwatch/internal/spreadsheet"
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

// readSheet reads CSV or XLSX with the registry's limits.
func readSheet(data []byte) (*sheet, error) {
	t, err := spreadsheet.ReadTable(data, spreadsheet.Limits{MaxBytes: MaxImportBytes, MaxRows: MaxImportRows})
	if err != nil {
		return nil, err
	}
	sh := &sheet{header: t.Header, rows: make([]sheetRow, len(t.Rows))}
	for i, r := range t.Rows {
		sh.rows[i] = sheetRow{num: r.Num, cells: r.Cells}
	}
	return sh, nil
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
