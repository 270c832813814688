package vocab

import (
	"strings"
	"unicode"
)

// Words is a code that no vocabulary names, in words: "party.contact_update"
// reads "party contact update". It is the last resort of every label
// lookup, so that a page never shows a raw code.
func Words(code string) string {
	return strings.Join(strings.FieldsFunc(code, func(r rune) bool { return r == '_' || r == '.' || r == '-' }), " ")
}

// Capitalise is s with its first letter in upper case, for words that
// begin a label or a sentence.
func Capitalise(s string) string {
	for i, r := range s {
		return string(unicode.ToUpper(r)) + s[i+len(string(r)):]
	}
	return s
}
