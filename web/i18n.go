package web

import (
	"embed"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
)

// The public pages speak English and Welsh. Every public string comes from
// a message catalogue in web/locales, one flat JSON object per language,
// so a translator edits one file and a test can check both files have the
// same keys.

//go:embed locales/*.json
var localesFS embed.FS

// Languages the public pages are offered in, default first.
const (
	langEnglish = "en"
	langWelsh   = "cy"
	langCookie  = "cw_lang"
)

// catalogues maps language to key to message. It is loaded once at start-up
// and read-only afterwards.
var catalogues = mustLoadCatalogues()

func mustLoadCatalogues() map[string]map[string]string {
	out := map[string]map[string]string{}
	for _, lang := range []string{langEnglish, langWelsh} {
		b, err := localesFS.ReadFile("locales/" + lang + ".json")
		if err != nil {
			panic(fmt.Sprintf("locale %s: %v", lang, err))
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			panic(fmt.Sprintf("locale %s: %v", lang, err))
		}
		addVocabulary(lang, m)
		out[lang] = m
	}
	return out
}

// catalogueKeys returns the sorted keys of lang's catalogue (for tests).
func catalogueKeys(lang string) []string {
	keys := make([]string, 0, len(catalogues[lang]))
	for k := range catalogues[lang] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// hasMessage reports whether key exists in the English catalogue.
func hasMessage(key string) bool {
	_, ok := catalogues[langEnglish][key]
	return ok
}

// translate returns key's message in lang, falling back to English and
// then to the key itself, so a missing translation shows something
// readable instead of breaking the page (the catalogue test stops that
// reaching a release). Arguments fill %s/%d verbs in the message.
func translate(lang, key string, args ...any) string {
	msg, ok := catalogues[lang][key]
	if !ok {
		if msg, ok = catalogues[langEnglish][key]; !ok {
			msg = key
		}
	}
	if len(args) > 0 {
		return fmt.Sprintf(msg, args...)
	}
	return msg
}

func validLang(l string) bool { return l == langEnglish || l == langWelsh }

// requestLang decides the language of a public page: ?lang= when given
// (remembered in a cookie for the next pages), else the cookie, else
// English. Staff pages are English only.
func (s *Server) requestLang(w http.ResponseWriter, r *http.Request) string {
	if isStaffPath(r.URL.Path) {
		return langEnglish
	}
	if l := r.URL.Query().Get("lang"); validLang(l) {
		if c, err := r.Cookie(s.cookieName(langCookie)); err != nil || c.Value != l {
			s.setCookie(w, langCookie, l, 365*24*3600)
		}
		return l
	}
	if c, err := r.Cookie(s.cookieName(langCookie)); err == nil && validLang(c.Value) {
		return c.Value
	}
	return langEnglish
}

func isStaffPath(p string) bool {
	return p == "/staff" || strings.HasPrefix(p, "/staff/") || strings.HasPrefix(p, "/admin/") || strings.HasPrefix(p, "/api/")
}

// langSwitch is the link to the same page in the other language.
type langSwitch struct {
	URL   string
	Lang  string
	Label string
}

// langSwitchFor builds the switch for a GET of a public page; POST results
// (pages re-shown with errors) link to the current path, which shows the
// saved answers again in the other language.
func langSwitchFor(r *http.Request, lang string) *langSwitch {
	if isStaffPath(r.URL.Path) {
		return nil
	}
	other := langWelsh
	if lang == langWelsh {
		other = langEnglish
	}
	q := url.Values{}
	if r.Method == http.MethodGet {
		for k, v := range r.URL.Query() {
			if k != "lang" {
				q[k] = v
			}
		}
	}
	q.Set("lang", other)
	return &langSwitch{URL: r.URL.Path + "?" + q.Encode(), Lang: other, Label: translate(other, "layout.switch_label")}
}
