package web

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/mux"

	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/outreach"
	"github.com/campaignwatch/campaignwatch/outreach/render"
)

// The letter-template editor: staff list templates, read every saved
// version, and edit the latest with a preview (HTML, plain text, PDF)
// rendered against sample values before anything is saved.
//
// A preview is never saved to the database. Its HTML and PDF have to be
// fetched by the browser in requests of their own (the HTML in a sandboxed
// frame, because the strict CSP forbids the letter's inline styles on our
// pages), so the rendered preview is kept in memory for a short while under
// a random token bound to the user who asked for it.

// registerLetterTemplateRoutes adds the editor's pages (called from
// registerLetterRoutes). It needs the outreach service.
func (s *Server) registerLetterTemplateRoutes(st *mux.Router) {
	if s.outreach == nil {
		return
	}
	if s.letterPreviews == nil {
		s.letterPreviews = newPreviewStore(previewTTL, previewMax)
	}
	const name = "/letter-templates/{name:[a-z0-9][a-z0-9-]*}"
	st.Handle("/letter-templates", s.allowFunc(adminAndPolTeam, s.handleLetterTemplates)).Methods(http.MethodGet)
	st.Handle("/letter-templates/previews/{token:[0-9a-f]{32}}/{part:html|pdf}", s.allowFunc(adminAndPolTeam, s.handleLetterTemplatePreview)).Methods(http.MethodGet)
	st.Handle(name, s.allowFunc(adminAndPolTeam, s.handleLetterTemplate)).Methods(http.MethodGet)
	st.Handle(name+"/versions/{version:[0-9]+}", s.allowFunc(adminAndPolTeam, s.handleLetterTemplateVersion)).Methods(http.MethodGet)
	st.Handle(name+"/versions/{version:[0-9]+}/{part:html|pdf}", s.allowFunc(adminAndPolTeam, s.handleLetterTemplateVersionPart)).Methods(http.MethodGet)
	st.Handle(name+"/edit", s.allowFunc(adminAndPolTeam, s.handleLetterTemplateEditForm)).Methods(http.MethodGet)
	st.Handle(name+"/edit", s.allowFunc(adminAndPolTeam, s.handleLetterTemplateEdit)).Methods(http.MethodPost)
}

// templateLangOf is the template language a request asks for with
// ?lang= (or the form's lang field): "cy" for Welsh, else "en". Staff
// pages are in English whatever lang says; here it picks the version.
func templateLangOf(r *http.Request) string {
	l := r.URL.Query().Get("lang")
	if r.Method == http.MethodPost {
		l = r.PostFormValue("lang")
	}
	if l == "cy" {
		return "cy"
	}
	return "en"
}

// langQuery is the query string that keeps the template language in a
// link: empty for English.
func langQuery(lang string) string {
	if lang == "cy" {
		return "?lang=cy"
	}
	return ""
}

// templateRow is one template on the list page: its latest version in
// each language.
type templateRow struct {
	Name    string
	English *outreach.TemplateVersion
	Welsh   *outreach.TemplateVersion
}

func (s *Server) handleLetterTemplates(w http.ResponseWriter, r *http.Request) {
	all, err := s.outreach.LatestTemplates(r.Context())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	var rows []*templateRow
	byName := map[string]*templateRow{}
	for i := range all {
		tv := &all[i]
		row, ok := byName[tv.Name]
		if !ok {
			row = &templateRow{Name: tv.Name}
			byName[tv.Name] = row
			rows = append(rows, row)
		}
		if tv.Lang == "cy" {
			row.Welsh = tv
		} else {
			row.English = tv
		}
	}
	s.render(w, r, http.StatusOK, "letter_templates_list", page{Data: map[string]any{"Templates": rows}})
}

func (s *Server) handleLetterTemplate(w http.ResponseWriter, r *http.Request) {
	name := mux.Vars(r)["name"]
	en, err := s.outreach.TemplateVersionsIn(r.Context(), name, "en")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	cy, err := s.outreach.TemplateVersionsIn(r.Context(), name, "cy")
	if err != nil && apperr.CodeOf(err) != apperr.NotFound {
		s.Error(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "letter_templates_detail", page{Data: map[string]any{"Latest": en[0], "Versions": en, "Welsh": cy}})
}

// templateVersion loads the version named in the path, in the language of
// ?lang=; it has written the error when ok is false.
func (s *Server) templateVersion(w http.ResponseWriter, r *http.Request) (*outreach.TemplateVersion, bool) {
	v, err := strconv.Atoi(mux.Vars(r)["version"])
	if err != nil || v < 1 {
		s.Error(w, r, apperr.New(apperr.NotFound, "There is no such version of this letter template."))
		return nil, false
	}
	tv, err := s.outreach.TemplateIn(r.Context(), mux.Vars(r)["name"], templateLangOf(r), v)
	if err != nil {
		s.Error(w, r, err)
		return nil, false
	}
	return tv, true
}

func (s *Server) handleLetterTemplateVersion(w http.ResponseWriter, r *http.Request) {
	tv, ok := s.templateVersion(w, r)
	if !ok {
		return
	}
	latest, err := s.outreach.TemplateIn(r.Context(), tv.Name, tv.Lang, 0)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	data := map[string]any{"V": tv, "IsLatest": latest.Version == tv.Version, "LatestVersion": latest.Version,
		"LangName": outreach.LanguageName(tv.Lang), "LangQuery": langQuery(tv.Lang)}
	// A version saved through the editor rendered when it was saved; one
	// that no longer does (a guidance key removed from the library, or
	// the renderer changed since) is still shown as source.
	if _, l, err := s.outreach.CheckTemplate(r.Context(), tv.Source, tv.Lang); err == nil {
		data["Text"] = l.Text
		data["Subject"] = l.Subject
	} else {
		data["RenderError"] = strings.Join(fieldMessages(err), " ")
	}
	s.render(w, r, http.StatusOK, "letter_templates_version", page{Data: data})
}

// handleLetterTemplateVersionPart serves a saved version rendered against
// sample values: its HTML for the sandboxed frame, or its PDF.
func (s *Server) handleLetterTemplateVersionPart(w http.ResponseWriter, r *http.Request) {
	tv, ok := s.templateVersion(w, r)
	if !ok {
		return
	}
	_, l, err := s.outreach.CheckTemplate(r.Context(), tv.Source, tv.Lang)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeLetterPart(w, mux.Vars(r)["part"], fmt.Sprintf("%s-%s-v%d-sample.pdf", tv.Name, tv.Lang, tv.Version), l)
}

// templateForm is what the edit page shows and posts back.
type templateForm struct {
	Name string
	// Lang is the language version being edited, "en" or "cy".
	Lang        string
	LangName    string
	LangQuery   string
	BaseVersion int // the version the edit started from; 0 for a first Welsh version
	Latest      int // the latest version now in Lang; 0 when there is none
	// FromEnglish is set when a first Welsh version starts from the
	// English text, to be translated.
	FromEnglish bool
	Source      string
	Note        string
	Fields      []string
	// Keys are what the template may cite, listed beside the source.
	Keys *outreach.CiteKeys
	// Preview is set after a successful "Preview"; Bilingual too when
	// the template has a version in the other language.
	Preview        *render.Letter
	PreviewToken   string
	Bilingual      *render.Letter
	BilingualToken string
}

// editForm starts the form for name in lang: the keys, and the latest
// version's number.
func (s *Server) editForm(r *http.Request, name, lang string) (*templateForm, error) {
	keys, err := s.outreach.CiteKeys(r.Context(), lang)
	if err != nil {
		return nil, err
	}
	f := &templateForm{Name: name, Lang: lang, LangName: outreach.LanguageName(lang), LangQuery: langQuery(lang),
		Fields: render.CommonFields, Keys: keys}
	latest, err := s.outreach.TemplateIn(r.Context(), name, lang, 0)
	switch {
	case err == nil:
		f.Latest = latest.Version
	case apperr.CodeOf(err) == apperr.NotFound && lang == "cy":
		// A template has an English version first; check it exists.
		if _, err := s.outreach.TemplateIn(r.Context(), name, "en", 0); err != nil {
			return nil, err
		}
	default:
		return nil, err
	}
	return f, nil
}

func (s *Server) handleLetterTemplateEditForm(w http.ResponseWriter, r *http.Request) {
	name, lang := mux.Vars(r)["name"], templateLangOf(r)
	f, err := s.editForm(r, name, lang)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	from, _ := strconv.Atoi(r.URL.Query().Get("from"))
	if f.Latest == 0 {
		// No Welsh version yet: start from the English, to translate.
		en, err := s.outreach.TemplateIn(r.Context(), name, "en", 0)
		if err != nil {
			s.Error(w, r, err)
			return
		}
		f.Source, f.FromEnglish = en.Source, true
	} else {
		tv, err := s.outreach.TemplateIn(r.Context(), name, lang, from)
		if err != nil {
			s.Error(w, r, err)
			return
		}
		f.BaseVersion, f.Source = tv.Version, tv.Source
	}
	s.render(w, r, http.StatusOK, "letter_templates_edit", page{Data: f})
}

// handleLetterTemplateEdit handles both buttons of the edit form: "preview"
// renders the posted source without saving, alone and, when the template
// has a version in the other language, as the bilingual letter; "save"
// stores it as a new version in its language (SaveTemplateIn validates
// against the settings in force and audits in one transaction).
func (s *Server) handleLetterTemplateEdit(w http.ResponseWriter, r *http.Request) {
	name, lang := mux.Vars(r)["name"], templateLangOf(r)
	f, err := s.editForm(r, name, lang)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	f.Source = strings.ReplaceAll(r.PostFormValue("source"), "\r\n", "\n")
	f.Note = strings.TrimSpace(r.PostFormValue("note"))
	f.BaseVersion, _ = strconv.Atoi(r.PostFormValue("base_version"))
	var errs []apperr.FieldError
	if len(f.Note) > 500 {
		errs = append(errs, apperr.FieldError{Field: "note", Message: "The note about this version must be 500 characters or fewer"})
	}
	if strings.TrimSpace(f.Source) == "" {
		errs = append(errs, apperr.FieldError{Field: "source", Message: "Enter the template, starting with its header between two --- lines"})
	}
	action := r.PostFormValue("action")
	if action != "preview" && action != "save" {
		s.Error(w, r, apperr.New(apperr.BadRequest, "Choose Preview or Save as new version."))
		return
	}
	// The source is checked whatever else is wrong, so every problem is
	// reported at once; the preview is made only when there is none.
	if strings.TrimSpace(f.Source) != "" {
		t, l, err := s.outreach.CheckTemplate(r.Context(), f.Source, lang)
		switch {
		case apperr.CodeOf(err) == apperr.Invalid:
			errs = append(errs, apperr.FieldsOf(err)...)
		case err != nil:
			s.Error(w, r, err)
			return
		default:
			f.Fields = t.Fields()
			if action == "preview" && len(errs) == 0 {
				user := userFrom(r.Context()).ID
				f.Preview = l
				f.PreviewToken = s.letterPreviews.put(user, l)
				bi, err := s.outreach.PreviewBilingual(r.Context(), name, lang, f.Source)
				switch {
				case apperr.CodeOf(err) == apperr.Invalid:
					errs = append(errs, apperr.FieldsOf(err)...)
				case err != nil:
					s.Error(w, r, err)
					return
				case bi != nil:
					f.Bilingual = bi
					f.BilingualToken = s.letterPreviews.put(user, bi)
				}
			}
		}
	}
	if len(errs) > 0 {
		f.Preview, f.Bilingual = nil, nil
		s.render(w, r, http.StatusUnprocessableEntity, "letter_templates_edit", page{Errors: errs, Data: f})
		return
	}
	if action == "preview" {
		s.render(w, r, http.StatusOK, "letter_templates_edit", page{Data: f})
		return
	}
	tv, err := s.outreach.SaveTemplateIn(r.Context(), name, lang, f.Source, f.Note)
	if apperr.CodeOf(err) == apperr.Invalid {
		s.render(w, r, http.StatusUnprocessableEntity, "letter_templates_edit", page{Errors: apperr.FieldsOf(err), Data: f})
		return
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.setFlash(w, fmt.Sprintf("Saved as version %d of the %s text of %s. New letters use this version; letters already created keep theirs.", tv.Version, outreach.LanguageName(tv.Lang), vocab.LetterTemplateLabel(tv.Name)))
	http.Redirect(w, r, "/staff/letter-templates/"+url.PathEscape(tv.Name), http.StatusSeeOther)
}

func (s *Server) handleLetterTemplatePreview(w http.ResponseWriter, r *http.Request) {
	l, ok := s.letterPreviews.get(mux.Vars(r)["token"], userFrom(r.Context()).ID)
	if !ok {
		s.Error(w, r, apperr.New(apperr.NotFound, "This preview has expired. Preview the template again."))
		return
	}
	writeLetterPart(w, mux.Vars(r)["part"], "template-preview.pdf", l)
}

// writeLetterPart writes a rendered letter's HTML, under the same sandbox
// policy as the outbox and letter pages, or its PDF.
func writeLetterPart(w http.ResponseWriter, part, pdfName string, l *render.Letter) {
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	if part == "pdf" {
		h.Set("Content-Type", "application/pdf")
		h.Set("Content-Disposition", fmt.Sprintf("inline; filename=%q", pdfName))
		_, _ = w.Write(l.PDF)
		return
	}
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'; frame-ancestors 'self'")
	h.Set("X-Frame-Options", "SAMEORIGIN")
	h.Set("Content-Type", "text/html; charset=utf-8")
	_, _ = w.Write([]byte(l.HTML))
}

func fieldMessages(err error) []string {
	var out []string
	for _, f := range apperr.FieldsOf(err) {
		out = append(out, f.Message)
	}
	if len(out) == 0 && err != nil {
		out = append(out, err.Error())
	}
	return out
}

// Previews live for half an hour, long enough to read one and come back
// to the form; at most previewMax are kept (a PDF is tens of kilobytes),
// the oldest going first.
const (
	previewTTL = 30 * time.Minute
	previewMax = 200
)

// previewStore keeps rendered previews in memory. A token is readable only
// by the user it was made for.
type previewStore struct {
	mu    sync.Mutex
	ttl   time.Duration
	max   int
	items map[string]preview
	order []string // tokens, oldest first
}

type preview struct {
	user    int64
	letter  *render.Letter
	expires time.Time
}

func newPreviewStore(ttl time.Duration, max int) *previewStore {
	return &previewStore{ttl: ttl, max: max, items: map[string]preview{}}
}

func (p *previewStore) put(user int64, l *render.Letter) string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	tok := hex.EncodeToString(b)
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	// Drop expired previews and, past the cap, the oldest.
	for len(p.order) > 0 {
		it, ok := p.items[p.order[0]]
		if ok && now.Before(it.expires) && len(p.order) < p.max {
			break
		}
		delete(p.items, p.order[0])
		p.order = p.order[1:]
	}
	p.items[tok] = preview{user: user, letter: l, expires: now.Add(p.ttl)}
	p.order = append(p.order, tok)
	return tok
}

func (p *previewStore) get(tok string, user int64) (*render.Letter, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	it, ok := p.items[tok]
	if !ok || it.user != user || time.Now().After(it.expires) {
		return nil, false
	}
	return it.letter, true
}
