// Package redact finds personal data in free text written by the public
// and replaces it with placeholders, before the text leaves the service in
// an export, a report or a letter. It is the one redactor: every path that
// exports free text calls Text.
//
// It aims at high recall for personal data: phone numbers, email
// addresses, National Insurance numbers, dates of birth, postal addresses
// and postcodes, the complainant's own name, and other people's names where
// the wording shows a name follows ("my neighbour John Smith", "Mrs Jones",
// "a man called Dave Price", "fy nghymydog Siân"). Party names and ordinary
// words stay, so the text still says what was complained about.
package redact

import (
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Person is what is known of the person who wrote the text, used only to
// find and remove it. It is never written anywhere.
type Person struct {
	Name, Email, Phone, Postcode string
	// Contacted is the number or address the sender contacted (complainants
	// .contacted), the detail a forwarded message most often repeats. It is
	// removed as an email address when it has an "@", else as a phone
	// number, in whatever spacing the text writes it.
	Contacted string
}

// contactedEmail and contactedPhone split who.Contacted by its kind.
func (p Person) contactedEmail() string {
	if strings.Contains(p.Contacted, "@") {
		return p.Contacted
	}
	return ""
}

func (p Person) contactedPhone() string {
	if strings.Contains(p.Contacted, "@") {
		return ""
	}
	return p.Contacted
}

// Placeholders that replace personal data.
const (
	Email    = "[email]"
	Phone    = "[phone]"
	Postcode = "[postcode]"
	Name     = "[name]"
	NINumber = "[NI number]"
	Birth    = "[date of birth]"
	Address  = "[address]"
)

// Text returns text with personal data replaced by placeholders. The text
// is first normalised (NFKC, every kind of decimal digit as 0-9, invisible
// format characters removed), so "０７７００" or a number split by a
// zero-width space is caught like any other; the result is that
// normalised text.
func Text(text string, who Person) string {
	if text == "" {
		return text
	}
	text = normalise(text)
	// The person's own values first, in case they are written in a form
	// the patterns miss (an email with unusual characters).
	for _, v := range []struct{ value, placeholder string }{
		{who.Email, Email}, {who.contactedEmail(), Email}, {who.Postcode, Postcode},
	} {
		if v, p := strings.TrimSpace(normalise(v.value)), v.placeholder; len(v) >= 3 {
			text = replaceFold(text, v, p)
		}
	}
	// Each pattern runs only where a cheap check says it could match: a
	// trend export redacts every row, and most rows have little to find.
	lower := strings.ToLower(text)
	nd := countDigits(text)
	if strings.Contains(text, "@") {
		text = emailRE.ReplaceAllString(text, Email)
	}
	if containsAny(lower, "(at)", "[at]", " dot ", "(dot)", "[dot]") ||
		(strings.Contains(lower, " at ") && containsAny(lower, ".com", ".org", ".net", ".uk", ".wales", ".cymru", ".scot", ".ie", ".info", ".io")) {
		text = spelledEmailRE.ReplaceAllString(text, Email)
	}
	if k := firstOf(text, lower, "born", "date of", "dyddiad", "dob", "d.o.b", "d o b", "birth", "ganwyd", "geni", "blwydd"); nd > 0 && k >= 0 {
		text = text[:k] + birthRE.ReplaceAllString(text[k:], "${1}"+Birth)
	}
	if nd >= 5 {
		text = oldDateRE.ReplaceAllString(text, Birth)
	}
	if nd >= 6 {
		text = niRE.ReplaceAllString(text, NINumber)
		text = niUpperRE.ReplaceAllString(text, NINumber)
	}
	if nd >= 4 && containsAny(text, "O", "o", "l", "I", "|") {
		text = obfuscatedPhone(text)
	}
	if nd >= 10 {
		text = phoneRE.ReplaceAllString(text, Phone)
	}
	for _, phone := range []string{who.Phone, who.contactedPhone()} {
		if d := digits(normalise(phone)); len(d) >= 6 && nd >= 6 {
			text = redactDigits(text, d)
		}
	}
	if containsAny(lower, "live at", "living at", "address", "byw yn", "cyfeiriad") {
		text = liveAtRE.ReplaceAllString(text, "${1}"+Address)
	}
	if k := streetStart(text); k >= 0 {
		// From a little before the first house number, so "Flat 3, "
		// before it is included.
		k = wordStart(text, max(k-12, 0))
		text = text[:k] + welshStreetRE.ReplaceAllString(streetRE.ReplaceAllString(text[k:], Address), Address)
	}
	if letterThenDigit(text) {
		text = postcodeRE.ReplaceAllString(text, Postcode)
		text = adjacentAddress.ReplaceAllString(text, Address)
	}
	for _, n := range nameParts(normalise(who.Name)) {
		text = replaceWordFold(text, n, Name)
	}
	text = thirdPartyNames(text)
	return adjacentNames.ReplaceAllString(text, Name)
}

// normalise makes look-alike characters plain: NFKC folds full-width and
// other compatibility forms (and non-breaking spaces), any other decimal
// digit (Arabic-Indic, Devanagari, ...) becomes its ASCII digit, and
// format characters (zero-width spaces and joiners, soft hyphens) go.
func normalise(s string) string {
	s = norm.NFKC.String(s)
	return strings.Map(func(r rune) rune {
		switch {
		case r < utf8.RuneSelf:
			return r
		case unicode.Is(unicode.Cf, r):
			return -1
		case unicode.IsDigit(r):
			return '0' + digitValue(r)
		}
		return r
	}, s)
}

// digitValue is the value of a Unicode decimal digit. Decimal digits come
// in runs of ten from zero, and the Nd table lists those runs.
func digitValue(r rune) rune {
	for _, rg := range unicode.Nd.R16 {
		if rune(rg.Lo) <= r && r <= rune(rg.Hi) {
			return (r - rune(rg.Lo)) % 10
		}
	}
	for _, rg := range unicode.Nd.R32 {
		if rune(rg.Lo) <= r && r <= rune(rg.Hi) {
			return (r - rune(rg.Lo)) % 10
		}
	}
	return 0
}

var (
	emailRE = regexp.MustCompile(`(?i)[a-z0-9._%+\-']+@[a-z0-9\-]+(?:\.[a-z0-9\-]+)+`)
	// "jo.bloggs at gmail dot com", "jo (at) example (dot) org": written
	// out to dodge filters, or read out on a call. A known ending is
	// required so "at home" is not an address.
	spelledEmailRE = regexp.MustCompile(`(?i)\b[a-z0-9._%+\-]+\s*(?:\(at\)|\[at\]|\s+at\s+)\s*[a-z0-9\-]+(?:\s*(?:\.|\(dot\)|\[dot\]|\s+dot\s+)\s*[a-z0-9\-]+)*?\s*(?:\.|\(dot\)|\[dot\]|\s+dot\s+)\s*(?:com|org|net|co\s*(?:\.|\s+dot\s+)\s*uk|org\s*(?:\.|\s+dot\s+)\s*uk|uk|wales|cymru|scot|ie|info|io)\b`)

	// A phone number starts with + or 0 and has 9 to 14 more digits, with
	// spaces, dashes, dots or brackets between them: 07700 900123,
	// +44 (0)7700 900123, 0044 7700 900 123, (020) 7946 0018,
	// 0161-496-0000. Short codes such as 7726 are public services, not
	// personal data, and stay.
	phoneRE = regexp.MustCompile(`(?:\+|\(?\b0)(?:[\s\-().]{0,3}\d){9,14}\b`)

	// UK postcodes, with or without the space (BS98 1TL, SW1A1AA, GIR 0AA).
	postcodeRE = regexp.MustCompile(`(?i)\b(?:GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?[0-9][0-9A-HJKPSTUW]? ?[0-9][ABD-HJLNP-UW-Z]{2})\b`)

	// National Insurance numbers: two letters, six digits in pairs, and a
	// final A-D ("QQ 12 34 56 C", "qq123456c"). Without the final letter
	// only in capitals, so ordinary words followed by numbers stay.
	niRE      = regexp.MustCompile(`(?i)\b[a-z]{2} ?\d{2} ?\d{2} ?\d{2} ?[a-d]\b`)
	niUpperRE = regexp.MustCompile(`\b[A-Z]{2} ?\d{2} ?\d{2} ?\d{2}\b`)
)

// obfuscatedRE finds what may be a phone number with letters standing in
// for digits, written to dodge filters or by mistake: "O7700 9OO 123",
// "07700 9001l2", "+44 77OO 900 I23". obfuscatedPhone decides.
var obfuscatedRE = regexp.MustCompile(`(?:\+|\b[0Oo])(?:[\s\-.]{0,2}[0-9OoIl|]){9,14}\b`)

// obfuscatedPhone replaces each candidate of obfuscatedRE that reads as a
// phone number once O and o are read as 0 and I, l and | as 1: at least
// four real digits (so words are never taken for numbers), 10 to 14
// digits in all, and a leading 0 or +.
func obfuscatedPhone(text string) string {
	return obfuscatedRE.ReplaceAllStringFunc(text, func(m string) string {
		real := countDigits(m)
		fixed := strings.Map(func(r rune) rune {
			switch r {
			case 'O', 'o':
				return '0'
			case 'I', 'l', '|':
				return '1'
			}
			return r
		}, m)
		d := digits(fixed)
		if real < 4 || real == len(d) || len(d) < 10 || len(d) > 14 {
			return m
		}
		return Phone
	})
}

// Dates of birth: a date after a cue that says it is one ("born 3 March
// 1980", "DOB 03/03/80", "date of birth: 1980-03-03", "ganwyd ar 3
// Mawrth 1980"), and any full numeric date in a year a person now adult
// was born in, as a message has no other reason to carry one.
var (
	months    = `(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|ionawr|chwefror|mawrth|ebrill|mai|mehefin|gorffennaf|awst|medi|hydref|tachwedd|rhagfyr)`
	date      = `(?:\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{2,4}|\d{4}-\d{1,2}-\d{1,2}|\d{1,2}(?:st|nd|rd|th|af|il|ydd|ed|fed)?\s+(?:of\s+)?` + months + `\.?(?:,?\s+\d{4})?|` + months + `\.?\s+\d{1,2}(?:st|nd|rd|th)?(?:,?\s+\d{4})?|(?:in\s+|yn\s+)?(?:19|20)\d{2})`
	birthRE   = regexp.MustCompile(`(?i)(\b(?:born(?:\s+on)?|d\.?\s?o\.?\s?b\.?|date\s+of\s+birth|birth\s*date|birthday(?:\s+is)?|ganwyd(?:\s+ar)?|geni(?:\s+ar)?|dyddiad\s+geni|pen-?blwydd(?:\s+yw)?)\s*(?:is\s+|was\s+|yw\s+|oedd\s+)?[:\-–]?\s*(?:the\s+)?)` + date + `\b`)
	oldDateRE = regexp.MustCompile(`\b\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*(?:19\d{2}|200\d)\b`)
)

// Addresses: a house number and a street ("12 Acacia Avenue", "Flat 3,
// 40 Mill Lane", "5 Heol y Bont", "3 Stryd Fawr"), and whatever follows
// "I live at" up to the end of the clause.
var (
	streetTypes   = `(?:street|st|road|rd|avenue|ave|lane|ln|drive|dr|close|cl|way|crescent|cres|court|ct|place|pl|gardens|gdns|grove|gr|terrace|tce|square|sq|hill|park|mews|row|view|walk|rise|green|parade|boulevard|wharf|heights|fields|meadows?|vale|yard|cottages|estate|bank|brow|croft|chase|end|gate|wynd|loan|brae)`
	flat          = `(?:(?i:flat|apartment|apt|unit|fflat)\s+\d{1,4}[a-zA-Z]?,?\s+)?`
	streetRE      = regexp.MustCompile(`\b` + flat + `\d{1,4}[a-zA-Z]?,?\s+(?:\p{Lu}[\p{L}'’\-]*\s+){1,3}(?i:` + streetTypes + `)\b\.?`)
	welshStreetRE = regexp.MustCompile(`\b` + flat + `\d{1,4}[a-zA-Z]?,?\s+(?i:heol|stryd|ffordd|lôn|lon|rhodfa|cilgant|teras|clos|maes|llwyn|bryn|parc|cae|ffordd)\s+(?:(?:y|yr|'r)\s+)?(?:\p{Lu}[\p{L}'’\-]*)(?:\s+\p{Lu}[\p{L}'’\-]*){0,2}`)
	liveAtRE      = regexp.MustCompile(`(?i)(\b(?:i\s+live\s+at|we\s+live\s+at|living\s+at|my\s+(?:home\s+)?address\s+is|address:|rwy'?n\s+byw\s+yn|dw\s+i'?n\s+byw\s+yn|fy\s+nghyfeiriad\s+yw|cyfeiriad:)\s+)[^.;!?\n()]{3,80}`)
	// "[address], Leeds [postcode]" or "[address] [postcode]": one.
	adjacentAddress = regexp.MustCompile(`\[address\](?:,?\s+(?:\p{Lu}[\p{L}'’\-]*,?\s+){0,2}\[postcode\])`)
)

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

func countDigits(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			n++
		}
	}
	return n
}

// streetStart returns where text first has a number followed by a space
// and a capital letter ("12 Acacia", "4, Mill"), as every street address
// does, or -1.
func streetStart(text string) int {
	for i := 0; i+2 < len(text); i++ {
		if text[i] < '0' || text[i] > '9' {
			continue
		}
		j := i + 1
		for j < len(text) && (text[j] == ',' || (text[j] >= 'a' && text[j] <= 'z') || (text[j] >= 'A' && text[j] <= 'Z')) && j-i < 3 {
			j++
		}
		if j < len(text) && text[j] == ' ' {
			for j < len(text) && text[j] == ' ' {
				j++
			}
			if r, _ := utf8.DecodeRuneInString(text[j:]); unicode.IsUpper(r) {
				return i
			}
		}
	}
	return -1
}

// wordStart moves i back to the start of the word it is in.
func wordStart(text string, i int) int {
	for i > 0 {
		r, size := utf8.DecodeLastRuneInString(text[:i])
		if !isWordRune(r) {
			break
		}
		i -= size
	}
	return i
}

// firstOf returns the start of the word holding the first of cues in
// lower (text in lower case), or -1. When lower case changed the length
// of text, offsets differ and the answer is 0: search everything.
func firstOf(text, lower string, cues ...string) int {
	k := -1
	for _, c := range cues {
		if i := strings.Index(lower, c); i >= 0 && (k < 0 || i < k) {
			k = i
		}
	}
	if k < 0 {
		return -1
	}
	if len(lower) != len(text) {
		return 0
	}
	return wordStart(text, k)
}

// letterThenDigit reports whether a letter is directly followed by a digit
// somewhere in text, as in every postcode ("M1", "SW1A").
func letterThenDigit(text string) bool {
	for i := 1; i < len(text); i++ {
		c, p := text[i], text[i-1]
		if c >= '0' && c <= '9' && ((p >= 'a' && p <= 'z') || (p >= 'A' && p <= 'Z')) {
			return true
		}
	}
	return false
}

func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
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

// redactDigits removes the person's number however it was spaced, and in
// its 44 form when it was given with a leading 0 (or the reverse).
func redactDigits(text, d string) string {
	forms := []string{d}
	if strings.HasPrefix(d, "0") {
		forms = append(forms, "44"+d[1:])
	} else if strings.HasPrefix(d, "44") {
		forms = append(forms, "0"+d[2:])
	}
	for _, f := range forms {
		text = replaceMatches(text, Phone, func(i int) int {
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
