package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gorilla/mux"

	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/outreach/parties"
)

// partyImportBodyLimit is the body limit of the import upload routes: the
// file limit plus room for the multipart envelope.
const partyImportBodyLimit = parties.MaxImportBytes + 64<<10

// registerPartyRoutes mounts the party registry's pages and API. It is
// called before the general /staff and /api/v1 subrouters so that these
// subrouters, with their own body limits, are matched first.
func (s *Server) registerPartyRoutes(r *mux.Router) {
	// Uploads first: a larger body limit than every other form, and the
	// role checked before the body is read (importRoute).
	up := r.Path("/staff/parties/import").Subrouter()
	up.Handle("", s.importRoute(adminAndPolTeam, partyImportBodyLimit, s.csrfProtect, s.handlePartyImportForm)).Methods(http.MethodGet)
	up.Handle("", s.importRoute(adminAndPolTeam, partyImportBodyLimit, s.csrfProtect, s.handlePartyImport)).Methods(http.MethodPost)

	st := r.PathPrefix("/staff/parties").Subrouter()
	st.Use(s.signInBeforeBody, s.limitBody(defaultBodyLimit), s.csrfProtect)
	st.Handle("", s.allowFunc(anyStaff, s.handlePartyList)).Methods(http.MethodGet)
	st.Handle("", s.allowFunc(adminAndPolTeam, s.handlePartyCreate)).Methods(http.MethodPost)
	st.Handle("/new", s.allowFunc(adminAndPolTeam, s.handlePartyNew)).Methods(http.MethodGet)
	st.Handle("/export.xlsx", s.allowFunc(anyStaff, s.handlePartyExport)).Methods(http.MethodGet)
	st.Handle("/{id:[0-9]+}", s.allowFunc(anyStaff, s.handleParty)).Methods(http.MethodGet)
	st.Handle("/{id:[0-9]+}", s.allowFunc(adminAndPolTeam, s.handlePartyUpdate)).Methods(http.MethodPost)
	st.Handle("/{id:[0-9]+}/edit", s.allowFunc(adminAndPolTeam, s.handlePartyEdit)).Methods(http.MethodGet)
	st.Handle("/{id:[0-9]+}/{state:deactivate|reactivate}", s.allowFunc(adminAndPolTeam, s.handlePartySetActive)).Methods(http.MethodPost)
	st.Handle("/{id:[0-9]+}/contacts", s.allowFunc(adminAndPolTeam, s.handleContactCreate)).Methods(http.MethodPost)
	st.Handle("/{id:[0-9]+}/contacts/new", s.allowFunc(adminAndPolTeam, s.handleContactNew)).Methods(http.MethodGet)
	st.Handle("/{id:[0-9]+}/contacts/{cid:[0-9]+}", s.allowFunc(adminAndPolTeam, s.handleContactUpdate)).Methods(http.MethodPost)
	st.Handle("/{id:[0-9]+}/contacts/{cid:[0-9]+}/edit", s.allowFunc(adminAndPolTeam, s.handleContactEdit)).Methods(http.MethodGet)
	st.Handle("/{id:[0-9]+}/contacts/{cid:[0-9]+}/{state:deactivate|reactivate}", s.allowFunc(adminAndPolTeam, s.handleContactSetActive)).Methods(http.MethodPost)

	s.registerPartyAPI(r)
}

// partyIDs reads the {id} and {cid} route variables; the route patterns
// guarantee digits, so only overflow can fail.
func partyIDs(r *http.Request) (id, cid int64, err error) {
	v := mux.Vars(r)
	if id, err = strconv.ParseInt(v["id"], 10, 64); err != nil {
		return 0, 0, apperr.New(apperr.NotFound, "There is no such party.")
	}
	if c, ok := v["cid"]; ok {
		if cid, err = strconv.ParseInt(c, 10, 64); err != nil {
			return 0, 0, apperr.New(apperr.NotFound, "There is no such contact.")
		}
	}
	return id, cid, nil
}

// fieldErrors finds a field's message for the form templates.
type fieldErrors []apperr.FieldError

// For returns the first message for field, or "".
func (fe fieldErrors) For(field string) string {
	for _, e := range fe {
		if e.Field == field {
			return e.Message
		}
	}
	return ""
}

// partyNations lists every nation, in vocab's order, as the party pages
// offer them.
func partyNations() []parties.Nation {
	out := make([]parties.Nation, len(vocab.Nations))
	for i, n := range vocab.Nations {
		out[i] = parties.Nation(n.Code)
	}
	return out
}

// partyListData is the list page's data.
type partyListData struct {
	Parties []parties.Party
	Nations []parties.Nation
	Nation  string
	Status  string
}

func (s *Server) handlePartyList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	d := partyListData{Nations: partyNations(), Nation: q.Get("nation"), Status: q.Get("status")}
	var f parties.Filter
	var errs []apperr.FieldError
	if d.Nation != "" {
		n, ok := parties.ParseNation(d.Nation)
		if !ok {
			errs = append(errs, apperr.FieldError{Field: "nation", Message: "Select a nation from the list"})
		}
		f.Nation, d.Nation = n, string(n)
	}
	switch d.Status {
	case "", "active":
		d.Status = "active"
		t := true
		f.Active = &t
	case "inactive":
		fl := false
		f.Active = &fl
	case "all":
	default:
		errs = append(errs, apperr.FieldError{Field: "status", Message: "Select active, inactive or all"})
	}
	if len(errs) > 0 {
		s.render(w, r, http.StatusUnprocessableEntity, "parties_list", page{Errors: errs, Data: d})
		return
	}
	var err error
	if d.Parties, err = s.parties.List(r.Context(), f); err != nil {
		s.Error(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "parties_list", page{Data: d})
}

// partyFormData is the create/edit form's data: the values as typed, so a
// form with errors comes back as the user left it.
type partyFormData struct {
	ID                 int64
	Name               string
	ShortName          string
	Aliases            string // one per line
	RegistrationNumber string
	Nations            []parties.Nation
	AllNations         []parties.Nation
	Errors             fieldErrors
}

// Checked reports whether nation n is ticked.
func (d partyFormData) Checked(n parties.Nation) bool {
	for _, x := range d.Nations {
		if x == n {
			return true
		}
	}
	return false
}

func partyFormFrom(p *parties.Party) partyFormData {
	return partyFormData{ID: p.ID, Name: p.Name, ShortName: p.ShortName, Aliases: strings.Join(p.Aliases, "\n"),
		RegistrationNumber: p.RegistrationNumber, Nations: p.Nations, AllNations: partyNations()}
}

// readPartyForm reads the posted form into the form data and a party.
func readPartyForm(r *http.Request) (partyFormData, parties.Party) {
	d := partyFormData{
		Name: r.PostFormValue("name"), ShortName: r.PostFormValue("short_name"), Aliases: r.PostFormValue("aliases"),
		RegistrationNumber: r.PostFormValue("registration_number"), AllNations: partyNations(),
	}
	p := parties.Party{Name: d.Name, ShortName: d.ShortName, RegistrationNumber: d.RegistrationNumber, Active: true}
	for _, line := range strings.Split(d.Aliases, "\n") {
		p.Aliases = append(p.Aliases, line)
	}
	for _, n := range r.PostForm["nations"] {
		d.Nations = append(d.Nations, parties.Nation(n))
		p.Nations = append(p.Nations, parties.Nation(n))
	}
	return d, p
}

// formFailed re-renders a form with its errors when err is a validation
// error, and reports whether it did; other errors are left to the caller.
func (s *Server) formFailed(w http.ResponseWriter, r *http.Request, name string, err error, data func(fieldErrors) any) bool {
	fields := apperr.FieldsOf(err)
	if apperr.CodeOf(err) != apperr.Invalid || len(fields) == 0 {
		return false
	}
	s.render(w, r, http.StatusUnprocessableEntity, name, page{Errors: fields, Data: data(fields)})
	return true
}

func (s *Server) handlePartyNew(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "parties_form", page{Data: partyFormData{AllNations: partyNations()}})
}

func (s *Server) handlePartyCreate(w http.ResponseWriter, r *http.Request) {
	d, in := readPartyForm(r)
	p, err := s.parties.Create(r.Context(), in)
	if err != nil {
		if !s.formFailed(w, r, "parties_form", err, func(fe fieldErrors) any { d.Errors = fe; return d }) {
			s.Error(w, r, err)
		}
		return
	}
	s.setFlash(w, "The party has been added.")
	http.Redirect(w, r, fmt.Sprintf("/staff/parties/%d", p.ID), http.StatusSeeOther)
}

func (s *Server) handlePartyEdit(w http.ResponseWriter, r *http.Request) {
	id, _, err := partyIDs(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	p, err := s.parties.Get(r.Context(), id)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "parties_form", page{Data: partyFormFrom(p)})
}

func (s *Server) handlePartyUpdate(w http.ResponseWriter, r *http.Request) {
	id, _, err := partyIDs(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	d, in := readPartyForm(r)
	d.ID = id
	_, err = s.parties.Update(r.Context(), id, func(p *parties.Party) {
		p.Name, p.ShortName, p.Aliases, p.RegistrationNumber, p.Nations = in.Name, in.ShortName, in.Aliases, in.RegistrationNumber, in.Nations
	})
	if err != nil {
		if !s.formFailed(w, r, "parties_form", err, func(fe fieldErrors) any { d.Errors = fe; return d }) {
			s.Error(w, r, err)
		}
		return
	}
	s.setFlash(w, "The party's details have been saved.")
	http.Redirect(w, r, fmt.Sprintf("/staff/parties/%d", id), http.StatusSeeOther)
}

func (s *Server) handlePartySetActive(w http.ResponseWriter, r *http.Request) {
	id, _, err := partyIDs(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	active := mux.Vars(r)["state"] == "reactivate"
	if _, err := s.parties.SetActive(r.Context(), id, active); err != nil {
		s.Error(w, r, err)
		return
	}
	if active {
		s.setFlash(w, "The party has been reactivated.")
	} else {
		s.setFlash(w, "The party has been deactivated. It will get no further letters.")
	}
	http.Redirect(w, r, fmt.Sprintf("/staff/parties/%d", id), http.StatusSeeOther)
}

// contactFormData is the contact form's data.
type contactFormData struct {
	Party        *parties.Party
	ID           int64
	Name         string
	Position     string
	Email        string
	Role         string
	NeedsReview  bool
	ReviewReason string
	// Language is the contact's language code, "" for the party's
	// default.
	Language string
	Roles    []string
	Errors   fieldErrors
}

// LanguageOptions are the contact form's language choices, the party's
// default first.
func (d contactFormData) LanguageOptions() []labelled {
	def := "English"
	if d.Party != nil {
		def = parties.LanguageLabel(d.Party.DefaultLanguage())
	}
	out := []labelled{{"", "Same as the party's default (" + def + ")"}}
	for _, l := range parties.Languages {
		out = append(out, labelled{l, parties.LanguageLabel(l)})
	}
	return out
}

// labelled is a code with its label, as a radio button shows it.
type labelled struct{ Code, Label string }

// languageOf reads the contact form's language radio: nil for the
// party's default.
func languageOf(v string) *string {
	if v == "" {
		return nil
	}
	return &v
}

func (s *Server) contactForm(w http.ResponseWriter, r *http.Request) (*parties.Party, int64, bool) {
	id, cid, err := partyIDs(r)
	if err != nil {
		s.Error(w, r, err)
		return nil, 0, false
	}
	p, err := s.parties.Get(r.Context(), id)
	if err != nil {
		s.Error(w, r, err)
		return nil, 0, false
	}
	return p, cid, true
}

func readContactForm(r *http.Request) contactFormData {
	return contactFormData{Name: r.PostFormValue("name"), Position: r.PostFormValue("position"),
		Email: r.PostFormValue("email"), Role: r.PostFormValue("role"), Language: r.PostFormValue("language"), Roles: parties.CommonRoles}
}

func (s *Server) handleContactNew(w http.ResponseWriter, r *http.Request) {
	p, _, ok := s.contactForm(w, r)
	if !ok {
		return
	}
	s.render(w, r, http.StatusOK, "parties_contact_form", page{Data: contactFormData{Party: p, Role: parties.DefaultRole, Roles: parties.CommonRoles}})
}

func (s *Server) handleContactCreate(w http.ResponseWriter, r *http.Request) {
	p, _, ok := s.contactForm(w, r)
	if !ok {
		return
	}
	d := readContactForm(r)
	d.Party = p
	_, err := s.parties.AddContact(r.Context(), p.ID, parties.Contact{Name: d.Name, Position: d.Position, Email: d.Email, Role: d.Role,
		Language: languageOf(d.Language), Active: true})
	if err != nil {
		if !s.formFailed(w, r, "parties_contact_form", err, func(fe fieldErrors) any { d.Errors = fe; return d }) {
			s.Error(w, r, err)
		}
		return
	}
	s.setFlash(w, "The contact has been added.")
	http.Redirect(w, r, fmt.Sprintf("/staff/parties/%d", p.ID), http.StatusSeeOther)
}

func (s *Server) handleContactEdit(w http.ResponseWriter, r *http.Request) {
	p, cid, ok := s.contactForm(w, r)
	if !ok {
		return
	}
	c, err := s.parties.Contact(r.Context(), p.ID, cid)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "parties_contact_form", page{Data: contactFormData{Party: p, ID: c.ID, Name: c.Name,
		Position: c.Position, Email: c.Email, Role: c.Role, NeedsReview: c.NeedsReview, ReviewReason: c.ReviewReason, Language: c.LanguageCode(), Roles: parties.CommonRoles}})
}

func (s *Server) handleContactUpdate(w http.ResponseWriter, r *http.Request) {
	p, cid, ok := s.contactForm(w, r)
	if !ok {
		return
	}
	d := readContactForm(r)
	d.Party, d.ID = p, cid
	clearReview := r.PostFormValue("clear_review") == "yes"
	_, err := s.parties.UpdateContact(r.Context(), p.ID, cid, func(c *parties.Contact) {
		d.NeedsReview, d.ReviewReason = c.NeedsReview, c.ReviewReason
		c.Name, c.Position, c.Email, c.Role = d.Name, d.Position, d.Email, d.Role
		c.Language = languageOf(d.Language)
		if clearReview {
			c.NeedsReview = false
		}
	})
	if err != nil {
		if !s.formFailed(w, r, "parties_contact_form", err, func(fe fieldErrors) any { d.Errors = fe; return d }) {
			s.Error(w, r, err)
		}
		return
	}
	s.setFlash(w, "The contact's details have been saved.")
	http.Redirect(w, r, fmt.Sprintf("/staff/parties/%d", p.ID), http.StatusSeeOther)
}

func (s *Server) handleContactSetActive(w http.ResponseWriter, r *http.Request) {
	id, cid, err := partyIDs(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	active := mux.Vars(r)["state"] == "reactivate"
	if _, err := s.parties.SetContactActive(r.Context(), id, cid, active); err != nil {
		s.Error(w, r, err)
		return
	}
	if active {
		s.setFlash(w, "The contact has been reactivated.")
	} else {
		s.setFlash(w, "The contact has been deactivated. They will get no further letters.")
	}
	http.Redirect(w, r, fmt.Sprintf("/staff/parties/%d", id), http.StatusSeeOther)
}
