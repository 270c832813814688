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

// Neutralize returns s so that no spreadsheet program reads it as a
// formula: text starting with =, +, -, @, a tab or a carriage return gets a
// leading apostrophe (OWASP's advice against CSV and formula injection).
// The apostrophe stays visible, which is the point: the reader sees the
// text exactly as it was sent, never its result.
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
