package triage

import (
	"strings"
	"unicode"

	"github.com/nyaruka/phonenumbers"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// SenderKind says what a sender string turned out to be.
type SenderKind string

// Sender kinds.
const (
	SenderNone     SenderKind = ""
	SenderPhone    SenderKind = "phone"
	SenderEmail    SenderKind = "email"
	SenderName     SenderKind = "name"
	SenderWithheld SenderKind = "withheld"
)

// NormaliseSender returns the key complaints about the same sender share:
// UK phone numbers in E.164 (07700 900123 → +447700900123), other numbers
// as digits, email addresses trimmed and lower-cased, and advertiser or page
// names folded (case, punctuation, spacing and accents ignored). A withheld
// or unknown number has no key: it cannot be counted as one sender.
func NormaliseSender(s string) (SenderKind, string) {
	s = strings.TrimSpace(s)
	if s == "" {
		return SenderNone, ""
	}
	if at := strings.IndexByte(s, '@'); at > 0 {
		if i, j := strings.IndexByte(s, '<'), strings.LastIndexByte(s, '>'); i >= 0 && j > i {
			s = s[i+1 : j]
		}
		s = strings.TrimPrefix(strings.TrimSpace(s), "mailto:")
		return SenderEmail, strings.ToLower(strings.TrimSpace(s))
	}
	if isPhoneLike(s) {
		return SenderPhone, normalisePhone(s)
	}
	folded := FoldName(s)
	switch folded {
	case "withheld", "number withheld", "private", "private number", "unknown", "unknown number",
		"no caller id", "hidden", "hidden number", "no number", "anonymous", "unavailable":
		return SenderWithheld, ""
	}
	return SenderName, folded
}

// isPhoneLike reports text made only of digits and phone punctuation, with
// at least five digits (short codes such as 60777 included).
func isPhoneLike(s string) bool {
	digits := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			digits++
		case c == '+' || c == ' ' || c == '-' || c == '(' || c == ')' || c == '.' || c == '/':
		default:
			return false
		}
	}
	return digits >= 5
}

// normalisePhone formats a UK number in E.164. The common UK shapes are
// handled directly (they are most complaints, and phonenumbers.Parse is
// comparatively slow); anything else goes through libphonenumber with GB as
// the default region. Numbers it cannot make sense of (short codes) are
// kept as their digits.
func normalisePhone(s string) string {
	var d [20]byte
	n := 0
	plus := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '+' && n == 0 {
			plus = true
		}
		if c >= '0' && c <= '9' {
			if n == len(d) {
				return slowPhone(s)
			}
			d[n] = c
			n++
		}
	}
	digits := d[:n]
	switch {
	case n < 7:
		// SMS short codes and the like are not numbers libphonenumber
		// should guess a country for.
		return string(digits)
	case !plus && n == 11 && digits[0] == '0' && digits[1] != '0':
		return "+44" + string(digits[1:])
	case plus && n == 12 && digits[0] == '4' && digits[1] == '4' && digits[2] != '0':
		return "+" + string(digits)
	case plus && n == 13 && digits[0] == '4' && digits[1] == '4' && digits[2] == '0':
		// +44 (0)7700 900123
		return "+44" + string(digits[3:])
	case !plus && n == 14 && string(digits[:4]) == "0044" && digits[4] != '0':
		return "+" + string(digits[2:])
	}
	return slowPhone(s)
}

func slowPhone(s string) string {
	num, err := phonenumbers.Parse(s, "GB")
	if err == nil && phonenumbers.IsPossibleNumber(num) {
		return phonenumbers.Format(num, phonenumbers.E164)
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// FoldName folds a name for comparison: accents removed, lower case,
// punctuation dropped (apostrophes join, other marks separate), spaces
// collapsed. "Sinn Féin" and "sinn fein" fold alike, as do "Lib-Dems!"
// and "lib dems".
func FoldName(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if !ascii {
		t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
		if out, _, err := transform.String(t, s); err == nil {
			s = out
		}
	}
	return strings.Join(splitWords(s), " ")
}
