package spreadsheet

import (
	"strings"
	"time"
)

// Slug is s as a file-name part: lower case ASCII letters and digits, each
// run of anything else one hyphen, none at either end. A name with nothing
// left (all punctuation, or all Welsh circumflexes) gives fallback, so a
// file name never has an empty part.
func Slug(s, fallback string) string {
	var b strings.Builder
	gap := false
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if gap && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			gap = false
			continue
		}
		gap = true
	}
	if b.Len() == 0 {
		return fallback
	}
	return b.String()
}

// Filename is the download name of an export, `campaignwatch-` followed by
// parts joined by hyphens and the extension: each part a slug or a day, so
// the name says what the file holds and is safe on every system. Empty
// parts and zero days are left out.
func Filename(ext string, parts ...any) string {
	out := []string{"campaignwatch"}
	for _, p := range parts {
		switch v := p.(type) {
		case string:
			if s := Slug(v, ""); s != "" {
				out = append(out, s)
			}
		case time.Time:
			if !v.IsZero() {
				out = append(out, v.Format("2006-01-02"))
			}
		}
	}
	return strings.Join(out, "-") + "." + Slug(ext, "bin")
}
