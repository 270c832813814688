package reports

// Neutralize returns s so that no spreadsheet program reads it as a
// formula: text starting with =, +, -, @, a tab or a carriage return gets a
// leading apostrophe (OWASP's advice for CSV injection). The apostrophe is
// visible, which is the point: the reader sees the text exactly as sent.
func Neutralize(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}
