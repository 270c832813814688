// Package pdffont chooses the font a PDF is set in. The standard
// Helvetica needs no embedding and keeps a document to a few
// milliseconds, but it only has the Windows-1252 code page, which lacks
// the Welsh ŵ and ŷ. A document whose text needs a character outside the
// code page is set in the Go fonts instead, embedded and subset, so Welsh
// letters and reports print every letter as written.
package pdffont

import (
	"bytes"
	"strings"

	"github.com/johnfercher/maroto/v2/pkg/consts/fontstyle"
	"github.com/johnfercher/maroto/v2/pkg/core/entity"
	"github.com/johnfercher/maroto/v2/pkg/repository"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/text/encoding/charmap"
)

// Standard is the standard font's family. Spelled with a capital, the
// PDF library treats it as Helvetica but skips its own per-call
// Windows-1252 translation, which re-parses the code page table every
// time; Encode does the same conversion once, quickly.
const Standard = "Helvetica"

// Unicode is the embedded font's family.
const Unicode = "gofont"

// subst replaces characters neither font needs to carry with close
// equivalents (a checklist box with "[ ]").
var subst = strings.NewReplacer("☐", "[ ]", "□", "[ ]", "☑", "[x]", "✓", "v", "\u00a0", " ")

// Substitute makes the substitutions every PDF text gets, whatever its
// font.
func Substitute(s string) string { return subst.Replace(s) }

// Encode converts text for the standard font's code page, after the
// substitutions; a character it lacks becomes "?" (Fits tells beforehand
// whether any will).
func Encode(s string) string {
	s = subst.Replace(s)
	b := make([]byte, 0, len(s))
	for _, r := range s {
		switch c, ok := charmap.Windows1252.EncodeRune(r); {
		case r < 0x80:
			b = append(b, byte(r))
		case ok:
			b = append(b, c)
		default:
			b = append(b, '?')
		}
	}
	return string(b)
}

// Fits reports whether the standard font can print s once the
// substitutions are made.
func Fits(s string) bool {
	for _, r := range s {
		if r < 0x80 {
			continue
		}
		if _, ok := charmap.Windows1252.EncodeRune(r); !ok {
			if subst.Replace(string(r)) == string(r) {
				return false
			}
		}
	}
	return true
}

// unicodeFonts loads the Go fonts for one document; maroto embeds the
// subset it uses. gofpdf writes into the font's bytes while subsetting
// (table checksums), so each document gets its own copy: shared bytes
// would be written by letters rendered in parallel at once, and the
// package-level Go fonts corrupted.
func unicodeFonts() ([]*entity.CustomFont, error) {
	return repository.New().
		AddUTF8FontFromBytes(Unicode, fontstyle.Normal, bytes.Clone(goregular.TTF)).
		AddUTF8FontFromBytes(Unicode, fontstyle.Bold, bytes.Clone(gobold.TTF)).
		Load()
}

// Choice is the font a document is set in: its family, the conversion
// every text goes through, and the fonts to register (none for the
// standard font).
type Choice struct {
	Family string
	Text   func(string) string
	Fonts  []*entity.CustomFont
}

// Choose returns the standard font, or the embedded Unicode one when
// unicode is true.
func Choose(unicode bool) (Choice, error) {
	if !unicode {
		return Choice{Family: Standard, Text: Encode}, nil
	}
	fonts, err := unicodeFonts()
	if err != nil {
		return Choice{}, err
	}
	return Choice{Family: Unicode, Text: Substitute, Fonts: fonts}, nil
}
