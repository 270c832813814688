// Package i18n holds the message catalogues of the public pages: one flat
// JSON object per language, so a translator edits one file and a test can
// check both files have the same keys. The site's chrome (layout, error
// pages, start and privacy pages) has its catalogue in web/locales; the
// complaint form has its own in web/complaintform/locales.
package i18n

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"sort"
)

// Languages the public pages are offered in, English first (the default).
const (
	English = "en"
	Welsh   = "cy"
)

// Languages lists the languages every catalogue has, default first.
var Languages = []string{English, Welsh}

// Catalogue maps language to key to message. It is loaded once at
// start-up and read-only afterwards.
type Catalogue map[string]map[string]string

// MustLoad reads dir/<lang>.json from fsys for every language. The files
// are embedded, so a broken one is a build error: it panics.
func MustLoad(fsys fs.FS, dir string) Catalogue {
	out := Catalogue{}
	for _, lang := range Languages {
		b, err := fs.ReadFile(fsys, dir+"/"+lang+".json")
		if err != nil {
			panic(fmt.Sprintf("locale %s: %v", lang, err))
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			panic(fmt.Sprintf("locale %s: %v", lang, err))
		}
		out[lang] = m
	}
	return out
}

// Keys returns the sorted keys of lang's messages (for tests).
func (c Catalogue) Keys(lang string) []string {
	keys := make([]string, 0, len(c[lang]))
	for k := range c[lang] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Has reports whether key exists in the English messages.
func (c Catalogue) Has(key string) bool {
	_, ok := c[English][key]
	return ok
}

// Translate returns key's message in lang, falling back to English and
// then to the key itself, so a missing translation shows something
// readable instead of breaking the page (the catalogue tests stop that
// reaching a release). Arguments fill %s/%d verbs in the message.
func (c Catalogue) Translate(lang, key string, args ...any) string {
	msg, ok := c[lang][key]
	if !ok {
		if msg, ok = c[English][key]; !ok {
			msg = key
		}
	}
	if len(args) > 0 {
		return fmt.Sprintf(msg, args...)
	}
	return msg
}

// Valid reports whether l is a language the pages are offered in.
func Valid(l string) bool { return l == English || l == Welsh }
