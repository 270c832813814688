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

func (s *Server) handleLetterTemplates(w http.ResponseWriter, r *http.Request) {
	tpls, err := s.outreach.Templates(r.Context())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "letter_templates_list", page{Data: map[string]any{"Templates": tpls}})
}

func (s *Server) handleLetterTemplate(w http.ResponseWriter, r *http.Request) {
	vs, err := s.outreach.TemplateVersions(r.Context(), mux.Vars(r)["name"])
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "letter_templates_detail", page{Data: map[string]any{"Latest": vs[0], "Versions": vs}})
}

// templateVersion loads the version named in the path; it has written the
// error when ok is false.
func (s *Server) templateVersion(w http.ResponseWriter, r *http.Request) (*outreach.TemplateVersion, bool) {
	v, err := strconv.Atoi(mux.Vars(r)["version"])
	if err != nil || v < 1 {
		s.Error(w, r, apperr.New(apperr.NotFound, "There is no such version of this letter template."))
		return nil, false
	}
	tv, err := s.outreach.Template(r.Context(), mux.Vars(r)["name"], v)
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
	latest, err := s.outreach.Template(r.Context(), tv.Name, 0)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	data := map[string]any{"V": tv, "IsLatest": latest.Version == tv.Version, "LatestVersion": latest.Version}
	// A version saved through the editor always renders; one that no
	// longer does (the renderer changed since) is still shown as source.
	if _, l, err := outreach.CheckTemplate(tv.Source); err == nil {
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
	_, l, err := outreach.CheckTemplate(tv.Source)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeLetterPart(w, mux.Vars(r)["part"], fmt.Sprintf("%s-v%d-sample.pdf", tv.Name, tv.Version), l)
}

// templateForm is what the edit page shows and posts back.
type templateForm struct {
	Name        string
	BaseVersion int // the version the edit started from
	Latest      int // the latest version now
	Source      string
	Note        string
	Fields      []string
	// Preview is set after a successful "Preview".
	Preview      *render.Letter
	PreviewToken string
}

func (s *Server) handleLetterTemplateEditForm(w http.ResponseWriter, r *http.Request) {
	name := mux.Vars(r)["name"]
	from, _ := strconv.Atoi(r.URL.Query().Get("from"))
	tv, err := s.outreach.Template(r.Context(), name, from)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	latest := tv.Version
	if from > 0 {
		l, err := s.outreach.Template(r.Context(), name, 0)
		if err != nil {
			s.Error(w, r, err)
			return
		}
		latest = l.Version
	}
	s.render(w, r, http.StatusOK, "letter_templates_edit", page{Data: &templateForm{
		Name: name, BaseVersion: tv.Version, Latest: latest, Source: tv.Source, Fields: render.CommonFields}})
}

// handleLetterTemplateEdit handles both buttons of the edit form: "preview"
// renders the posted source without saving; "save" stores it as a new
// version (SaveTemplate validates and audits in one transaction).
func (s *Server) handleLetterTemplateEdit(w http.ResponseWriter, r *http.Request) {
	name := mux.Vars(r)["name"]
	latest, err := s.outreach.Template(r.Context(), name, 0)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	f := &templateForm{Name: name, Latest: latest.Version, Source: strings.ReplaceAll(r.PostFormValue("source"), "\r\n", "\n"),
		Note: strings.TrimSpace(r.PostFormValue("note")), Fields: render.CommonFields}
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
	if len(errs) == 0 {
		t, l, err := outreach.CheckTemplate(f.Source)
		switch {
		case apperr.CodeOf(err) == apperr.Invalid:
			errs = append(errs, apperr.FieldsOf(err)...)
		case err != nil:
			s.Error(w, r, err)
			return
		default:
			f.Fields = t.Fields()
			if action == "preview" {
				f.Preview = l
				f.PreviewToken = s.letterPreviews.put(userFrom(r.Context()).ID, l)
			}
		}
	}
	if len(errs) > 0 {
		s.render(w, r, http.StatusUnprocessableEntity, "letter_templates_edit", page{Errors: errs, Data: f})
		return
	}
	if action == "preview" {
		s.render(w, r, http.StatusOK, "letter_templates_edit", page{Data: f})
		return
	}
	tv, err := s.outreach.SaveTemplate(r.Context(), name, f.Source, f.Note)
	if apperr.CodeOf(err) == apperr.Invalid {
		s.render(w, r, http.StatusUnprocessableEntity, "letter_templates_edit", page{Errors: apperr.FieldsOf(err), Data: f})
		return
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.setFlash(w, fmt.Sprintf("Saved as version %d of %s. New letters use this version; letters already created keep theirs.", tv.Version, tv.Name))
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
