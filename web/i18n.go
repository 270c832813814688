package web

import (
	"embed"
	"net/http"
	"net/url"
	"strings"

	"github.com/campaignwatch/campaignwatch/web/internal/i18n"
)

// The public pages speak English and Welsh. Every public string comes from
// a message catalogue, one flat JSON object per language (see
// web/internal/i18n): the site's own wording (layout, error, start,
// privacy and accessibility pages) in web/locales, the complaint form's in
// web/complaintform/locales.

//go:embed locales/*.json
var localesFS embed.FS

// Languages the public pages are offered in, default first.
const (
	langEnglish = i18n.English
	langWelsh   = i18n.Welsh
	langCookie  = "cw_lang"
)

// catalogues is the site's own wording. It is loaded once at start-up and
// read-only afterwards.
var catalogues = i18n.MustLoad(localesFS, "locales")

// catalogueKeys returns the sorted keys of lang's catalogue (for tests).
func catalogueKeys(lang string) []string { return catalogues.Keys(lang) }

// hasMessage reports whether key exists in the English catalogue.
func hasMessage(key string) bool { return catalogues.Has(key) }

// translate returns key's message in lang, falling back to English and
// then to the key itself (see i18n.Catalogue.Translate).
func translate(lang, key string, args ...any) string {
	return catalogues.Translate(lang, key, args...)
}

func validLang(l string) bool { return l == langEnglish || l == langWelsh }

// documentLang is the language a staff page asks a document (a report to
// a party, a published summary) to be shown in: Welsh under ?lang=cy when
// the document has a Welsh version (hasWelsh), English otherwise. Staff
// pages themselves stay English; only the document they show changes.
func documentLang(r *http.Request, hasWelsh bool) string {
	if hasWelsh && r.URL.Query().Get("lang") == langWelsh {
		return langWelsh
	}
	return langEnglish
}

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
