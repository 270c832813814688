// Package plaintext is the rule for which text the service accepts from
// outside (requests, import files): valid UTF-8 without control
// characters. PostgreSQL cannot store NUL in text and refuses invalid
// UTF-8, so text breaking the rule would otherwise fail deep inside a
// statement, as a server error, instead of being refused where it came in
// with a message naming where it was. Slug is the one way a name becomes
// part of a file name or an example address.
package plaintext

import "unicode/utf8"

// Invalid reports whether s is not valid UTF-8 or holds a C0 control
// character (which includes NUL). Tab, CR and LF are allowed when
// multiline is true, for text that may run over several lines.
func Invalid(s string, multiline bool) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 && !(multiline && (c == '\t' || c == '\r' || c == '\n')) {
				return true
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			return true
		}
		i += n
	}
	return false
}

// Slug is s in lower-case ASCII letters and digits only, everything else
// dropped: a name made safe for a file name or an email's local part.
func Slug(s string) string {
	out := make([]rune, 0, len(s))
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			out = append(out, r)
		case r >= 'A' && r <= 'Z':
			out = append(out, r+'a'-'A')
		}
	}
	return string(out)
}
