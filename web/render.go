package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/campaignwatch/campaignwatch/complaints"
	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/internal/organisation"
	"github.com/campaignwatch/campaignwatch/internal/staff"
	"github.com/campaignwatch/campaignwatch/reports"
	"github.com/campaignwatch/campaignwatch/templates"
)

var pagesFS fs.FS = templates.Pages

// page is the data every template receives. Handlers put their own data in
// Data.
type page struct {
	Lang      string
	User      *staff.User
	CSRF      string
	RequestID string
	Flash     string
	Errors    []apperr.FieldError
	Data      any
	// Alt links to the same public page in the other language (nil on
	// staff pages).
	Alt *langSwitch
	// Org is the regulator's particulars in force, read for each public
	// page as it is rendered (its contact block, the privacy notice); nil
	// on staff pages, or when they could not be read.
	Org *organisation.Settings
	// Nav is the staff header for the signed-in user on this page: the
	// sections their role may use, the current one marked (nav.go).
	Nav []navGroup
	// Wide lets the page use the screen's full width: staff pages, whose
	// tables need it. Public pages keep the reading column.
	Wide bool
}

// contactBlock is what the org-contact template shows: the settings, in
// a language.
type contactBlock struct {
	Lang string
	Org  *organisation.Settings
}

// contactPersonBlock is a named role's contact details, in a language.
type contactPersonBlock struct {
	Lang    string
	Contact organisation.Contact
}

func (s *Server) funcs() template.FuncMap {
	fm := template.FuncMap{
		"asset": func(name string) string { return s.assets.url(name) },
		// contactPerson is the data of privacy.html's contact of a role.
		"contactPerson": func(lang string, c organisation.Contact) contactPersonBlock {
			return contactPersonBlock{Lang: lang, Contact: c}
		},
		// contactOf is the data of the org-contact block (layout.html).
		"contactOf": func(lang string, org *organisation.Settings) contactBlock {
			return contactBlock{Lang: lang, Org: org}
		},
		"t":        translate,
		"roleName": func(r staff.Role) string { return r.Label() },
		"date":     func(t time.Time) string { return t.In(vocab.London).Format("2 January 2006") },
		"datetime": func(t time.Time) string { return t.In(vocab.London).Format("2 Jan 2006 15:04:05") },
		// Staff pages name channels and referrals in words, and say how a
		// complaint with several channels is counted wherever they count.
		"channelLabel":     vocab.ChannelLabel,
		"outOfScopeLabel":  complaints.OutOfScopeLabel,
		"channelCountNote": func() string { return reports.ChannelCountNote },
		// Priorities, statuses and provisions in words: a provision is
		// shown by its title (the rulebook's), with its code after it.
		"priorityLabel": vocab.PriorityLabel,
		"statusLabel":   vocab.StatusLabel,
		"provisionTitle": func(code string) string {
			if t := reports.CodeTitle(code); t != "" {
				return t + " (" + code + ")"
			}
			return code
		},
		"provisionAbbr": provisionAbbr,
		// A guidance point is shown by what it says, its id after it.
		"guidanceTitle": func(id string) string {
			if t := reports.CodeTitle(id); t != "" {
				return strings.TrimSuffix(t, ".") + " (" + id + ")"
			}
			return id
		},
	}
	// The vocabulary's words (vocab_funcs.go).
	for _, more := range []template.FuncMap{vocabFuncs()} {
		for name, fn := range more {
			fm[name] = fn
		}
	}
	return fm
}

// provisionAbbr is a provision's short id for a narrow column: the
// title shows on hover, and a screen reader, which does not read an
// abbr's title, hears it from hidden text.
func provisionAbbr(code string) template.HTML {
	t := reports.CodeTitle(code)
	if t == "" {
		return template.HTML(template.HTMLEscapeString(code))
	}
	return template.HTML(`<abbr title="` + template.HTMLEscapeString(t) + `">` + template.HTMLEscapeString(code) +
		`</abbr><span class="visually-hidden">: ` + template.HTMLEscapeString(t) + `</span>`)
}

// render writes page name with status. The page is rendered into a buffer
// first so a template error becomes a clean 500, not half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, p page) {
	t, ok := s.pages[name]
	if !ok {
		s.Error(w, r, fmt.Errorf("no page template %q", name))
		return
	}
	s.renderTemplate(w, r, status, name, t, p)
}

// renderTemplate writes t, a page parsed inside the layout (by parsePages
// or, for a feature's own pages, parsePage), as page name.
func (s *Server) renderTemplate(w http.ResponseWriter, r *http.Request, status int, name string, t *template.Template, p page) {
	if p.Lang == "" {
		p.Lang = s.requestLang(w, r)
	}
	p.Alt = langSwitchFor(r, p.Lang)
	if p.Org == nil && !isStaffPath(r.URL.Path) {
		p.Org = s.currentOrg(r)
	}
	p.User = userFrom(r.Context())
	if p.User != nil {
		p.Nav = buildNav(p.User.Role, r.URL.Path)
		p.Wide = isStaffPath(r.URL.Path)
	}
	p.CSRF = s.csrfToken(r)
	p.RequestID = requestIDFrom(r.Context())
	if p.Flash == "" {
		p.Flash = s.takeFlash(w, r)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		s.log.Error("render page", "page", name, "err", err, "request_id", p.RequestID)
		http.Error(w, "Internal Server Error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// writeJSON writes v as JSON with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	_ = enc.Encode(v)
}

// isAPI reports whether r came by the JSON API (/api/...). A handler
// serving both a staff page and its API twin answers the API's path in
// JSON and the page's in HTML, whatever the Accept header says, so each
// URL keeps the one format it has always had.
func isAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }

// apiDocsPath is the API's reference for people: an HTML page under
// /api/, which answers a visitor who is not signed in with the sign-in
// page as every staff page does.
const apiDocsPath = "/api/docs"

// wantsJSON decides the error format: the API always speaks JSON, and
// elsewhere a client that asks for JSON first gets it.
func wantsJSON(r *http.Request) bool {
	if strings.HasPrefix(r.URL.Path, "/api/") && r.URL.Path != apiDocsPath {
		return true
	}
	accept := r.Header.Get("Accept")
	for _, part := range strings.Split(accept, ",") {
		mt, _, _ := mime.ParseMediaType(strings.TrimSpace(part))
		switch mt {
		case "application/json":
			return true
		case "text/html", "application/xhtml+xml":
			return false
		}
	}
	return false
}

// flash messages survive one redirect in a short-lived cookie; they carry
// only fixed sentences chosen by handlers, never user input.
const flashCookie = "cw_flash"

func (s *Server) setFlash(w http.ResponseWriter, msg string) {
	s.setCookie(w, flashCookie, encodeFlash(msg), 60)
}

func (s *Server) takeFlash(w http.ResponseWriter, r *http.Request) string {
	c, err := r.Cookie(s.cookieName(flashCookie))
	if err != nil {
		return ""
	}
	s.setCookie(w, flashCookie, "", -1)
	return decodeFlash(c.Value)
}

func encodeFlash(s string) string { return hex.EncodeToString([]byte(s)) }

func decodeFlash(s string) string {
	b, err := hex.DecodeString(s)
	if err != nil || len(b) > 300 {
		return ""
	}
	return string(b)
}

// assetSet serves the embedded static files with a content hash in their
// URL, so they can be cached for a year and still change on release.
type assetSet struct {
	files  fs.FS
	hashes map[string]string
}

func newAssetSet() (*assetSet, error) {
	sub, err := fs.Sub(staticFS, "static")
	if err != nil {
		return nil, err
	}
	a := &assetSet{files: sub, hashes: map[string]string{}}
	err = fs.WalkDir(sub, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(sub, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		a.hashes[p] = hex.EncodeToString(sum[:])[:10]
		return nil
	})
	return a, err
}

func (a *assetSet) url(name string) string {
	return "/static/" + name + "?v=" + a.hashes[name]
}

func (a *assetSet) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(path.Clean(r.URL.Path), "/static/")
	hash, ok := a.hashes[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	if r.URL.Query().Get("v") == hash {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		w.Header().Set("Cache-Control", "public, max-age=300")
	}
	w.Header().Set("ETag", `"`+hash+`"`)
	http.ServeFileFS(w, r, a.files, name)
}

// parsePage parses a feature's own page files (patterns in fsys) inside
// the layout, with funcs added to the site's template functions.
func (s *Server) parsePage(funcs template.FuncMap, fsys fs.FS, patterns ...string) (*template.Template, error) {
	t, err := template.New("layout.html").Funcs(s.funcs()).Funcs(funcs).ParseFS(pagesFS, sharedPages...)
	if err != nil {
		return nil, err
	}
	return t.ParseFS(fsys, patterns...)
}
