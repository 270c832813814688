package reports

import (
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Complainant is the personal data of the person who complained, used only
// to find and remove it from free text. It is never written to a report.
type Complainant struct {
	Name, Email, Phone, Postcode string
}

// Placeholders that replace personal data in redacted text.
const (
	RedactedEmail    = "[email]"
	RedactedPhone    = "[phone]"
	RedactedPostcode = "[postcode]"
	RedactedName     = "[name]"
)

var (
	emailRE = regexp.MustCompile(`(?i)[a-z0-9._%+\-']+@[a-z0-9\-]+(?:\.[a-z0-9\-]+)+`)
	// A phone number starts with + or 0 and has 9 to 14 more digits, with
	// spaces, dashes, dots or brackets between them. Short codes such as
	// 7726 are public services, not personal data, and stay.
	phoneRE = regexp.MustCompile(`(?:\+|\(?\b0)(?:[\s\-().]{0,3}\d){9,14}\b`)
	// UK postcodes, with or without the space (BS98 1TL, SW1A1AA, GIR 0AA).
	postcodeRE = regexp.MustCompile(`(?i)\b(?:GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?[0-9][0-9A-HJKPSTUW]? ?[0-9][ABD-HJLNP-UW-Z]{2})\b`)
)

// Redact replaces phone numbers, email addresses, UK postcodes and the
// complainant's name (whole, and each part of it) in text with
// placeholders. Patterns catch other people's details too, which is
// intended: a message may quote a neighbour's number.
func Redact(text string, who Complainant) string {
	if text == "" {
		return text
	}
	// The complainant's own values first, in case they are written in a
	// form the patterns miss (an email with unusual characters).
	for _, v := range []struct{ value, placeholder string }{
		{who.Email, RedactedEmail}, {who.Postcode, RedactedPostcode},
	} {
		if v, p := strings.TrimSpace(v.value), v.placeholder; len(v) >= 3 {
			text = replaceFold(text, v, p)
		}
	}
	text = emailRE.ReplaceAllString(text, RedactedEmail)
	text = phoneRE.ReplaceAllString(text, RedactedPhone)
	if d := digits(who.Phone); len(d) >= 6 {
		text = redactDigits(text, d)
	}
	text = postcodeRE.ReplaceAllString(text, RedactedPostcode)
	for _, n := range nameParts(who.Name) {
		text = replaceWordFold(text, n, RedactedName)
	}
	return adjacentNames.ReplaceAllString(text, RedactedName)
}

// adjacentNames joins "[name]-[name] [name]" (a name written differently
// from the record) into one placeholder.
var adjacentNames = regexp.MustCompile(`\[name\](?:[\s\-]+\[name\])+`)

// nameParts returns the full name and each word of it of two or more
// letters, longest first so "Anne Marie" goes before "Anne".
func nameParts(name string) []string {
	name = strings.Join(strings.Fields(name), " ")
	if utf8.RuneCountInString(name) < 2 {
		return nil
	}
	parts := []string{name}
	var bare []string
	for _, w := range strings.Fields(name) {
		if !honorifics[strings.ToLower(strings.TrimSuffix(w, "."))] {
			bare = append(bare, w)
		}
	}
	if b := strings.Join(bare, " "); b != name && utf8.RuneCountInString(b) >= 2 {
		parts = append(parts, b)
	}
	for _, w := range strings.FieldsFunc(name, func(r rune) bool { return r == ' ' || r == '-' || r == '.' || r == ',' }) {
		if utf8.RuneCountInString(w) >= 2 && !honorifics[strings.ToLower(w)] {
			parts = append(parts, w)
		}
	}
	sort.SliceStable(parts, func(i, j int) bool { return len(parts[i]) > len(parts[j]) })
	return parts
}

var honorifics = map[string]bool{"mr": true, "mrs": true, "ms": true, "miss": true, "mx": true, "dr": true, "prof": true, "sir": true, "rev": true}

// replaceFold replaces every case-insensitive occurrence of value.
func replaceFold(text, value, placeholder string) string {
	return replaceMatches(text, placeholder, func(i int) int {
		if n := len(value); i+n <= len(text) && strings.EqualFold(text[i:i+n], value) {
			return n
		}
		return 0
	})
}

// replaceWordFold replaces case-insensitive occurrences of word that are
// not part of a longer word. It runs per complaint, so it scans rather
// than compiling a pattern for each complainant.
func replaceWordFold(text, word, placeholder string) string {
	return replaceMatches(text, placeholder, func(i int) int {
		n := len(word)
		if i+n > len(text) || !strings.EqualFold(text[i:i+n], word) {
			return 0
		}
		if r, _ := utf8.DecodeLastRuneInString(text[:i]); i > 0 && isWordRune(r) {
			return 0
		}
		if r, _ := utf8.DecodeRuneInString(text[i+n:]); i+n < len(text) && isWordRune(r) {
			return 0
		}
		return n
	})
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// replaceMatches walks text rune by rune; where match reports a match of
// n bytes, those bytes become placeholder.
func replaceMatches(text, placeholder string, match func(i int) int) string {
	var b strings.Builder
	last := 0
	for i := 0; i < len(text); {
		if n := match(i); n > 0 {
			b.WriteString(text[last:i])
			b.WriteString(placeholder)
			i += n
			last = i
			continue
		}
		_, size := utf8.DecodeRuneInString(text[i:])
		i += size
	}
	if last == 0 {
		return text
	}
	b.WriteString(text[last:])
	return b.String()
}

func digits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func isPhoneSep(c byte) bool {
	return c == ' ' || c == '-' || c == '(' || c == ')' || c == '.' || c == '\t'
}

// redactDigits removes the complainant's number however it was spaced,
// and in its 44 form when it was given with a leading 0 (or the reverse).
func redactDigits(text, d string) string {
	forms := []string{d}
	if strings.HasPrefix(d, "0") {
		forms = append(forms, "44"+d[1:])
	} else if strings.HasPrefix(d, "44") {
		forms = append(forms, "0"+d[2:])
	}
	for _, f := range forms {
		text = replaceMatches(text, RedactedPhone, func(i int) int {
			j := i
			if text[j] == '+' {
				j++
			}
			for k := 0; k < len(f); k++ {
				if k > 0 {
					for seps := 0; j < len(text) && isPhoneSep(text[j]) && seps < 3; seps++ {
						j++
					}
				}
				if j >= len(text) || text[j] != f[k] {
					return 0
				}
				j++
			}
			return j - i
		})
	}
	return text
}
