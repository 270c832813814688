// Package spreadsheet holds the rules every spreadsheet the service writes
// or reads must follow, so the party registry export and the trend exports
// cannot drift apart on safety.
package spreadsheet

// formulaStart reports whether a spreadsheet program could take s as a
// formula (or, for tab and carriage return, split it into one).
func formulaStart(s string) bool {
	if s == "" {
		return false
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return true
	}
	return false
}

// NeedsQuote reports whether s begins with a character that could make a
// spreadsheet program take it as a formula: =, +, -, @, a tab or a
// carriage return. In a workbook such text is written with a quote-prefix
// style (see Styles.ForText); in CSV it gets Neutralize's apostrophe.
func NeedsQuote(s string) bool { return formulaStart(s) }

// Neutralize returns s so that no spreadsheet program reads it as a
// formula: text starting with =, +, -, @, a tab or a carriage return gets a
// leading apostrophe (OWASP's advice against CSV and formula injection).
// It is for CSV only: CSV has no cell styles, so the apostrophe is the one
// defence and stays visible. Workbooks use the quote-prefix style instead,
// which Excel and LibreOffice honour without showing anything.
func Neutralize(s string) string {
	if formulaStart(s) {
		return "'" + s
	}
	return s
}

// Restore undoes Neutralize on import, so a file the service exported
// imports unchanged. A leading apostrophe before anything else is data and
// is kept.
func Restore(s string) string {
	if len(s) > 1 && s[0] == '\'' && formulaStart(s[1:]) {
		return s[1:]
	}
	return s
}
