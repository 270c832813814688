package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/gorilla/mux"

	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/internal/audits"
	"github.com/campaignwatch/campaignwatch/outreach/parties"
)

// registerPartyAPI mounts /api/v1/parties. Reading is open to every staff
// role; changing needs admin or political_team.
func (s *Server) registerPartyAPI(r *mux.Router) {
	up := r.Path("/api/v1/parties/import").Subrouter()
	up.Handle("", s.importRoute(adminAndPolTeam, partyImportBodyLimit, s.apiCSRF, s.handleAPIPartyImport)).Methods(http.MethodPost)

	api := r.PathPrefix("/api/v1/parties").Subrouter()
	api.Use(s.requireJSON, s.limitBody(defaultBodyLimit), s.apiCSRF)
	api.Handle("", s.allowFunc(anyStaff, s.handleAPIPartyList)).Methods(http.MethodGet)
	api.Handle("", s.allowFunc(adminAndPolTeam, s.handleAPIPartyCreate)).Methods(http.MethodPost)
	api.Handle("/{id:[0-9]+}", s.allowFunc(anyStaff, s.handleParty)).Methods(http.MethodGet)
	api.Handle("/{id:[0-9]+}", s.allowFunc(adminAndPolTeam, s.handleAPIPartyPatch)).Methods(http.MethodPatch)
	api.Handle("/{id:[0-9]+}/{state:deactivate|reactivate}", s.allowFunc(adminAndPolTeam, s.handleAPIPartySetActive)).Methods(http.MethodPost)
	api.Handle("/{id:[0-9]+}/contacts", s.allowFunc(anyStaff, s.handleAPIContactList)).Methods(http.MethodGet)
	api.Handle("/{id:[0-9]+}/contacts", s.allowFunc(adminAndPolTeam, s.handleAPIContactCreate)).Methods(http.MethodPost)
	api.Handle("/{id:[0-9]+}/contacts/{cid:[0-9]+}", s.allowFunc(anyStaff, s.handleAPIContactGet)).Methods(http.MethodGet)
	api.Handle("/{id:[0-9]+}/contacts/{cid:[0-9]+}", s.allowFunc(adminAndPolTeam, s.handleAPIContactPatch)).Methods(http.MethodPatch)
	api.Handle("/{id:[0-9]+}/contacts/{cid:[0-9]+}/{state:deactivate|reactivate}", s.allowFunc(adminAndPolTeam, s.handleAPIContactSetActive)).Methods(http.MethodPost)
	// Unknown paths under the prefix answer in JSON, not fall through.
	api.NotFoundHandler = http.HandlerFunc(s.handleNotFound)
}

// decodePartyJSON reads one JSON object into v, refusing unknown fields so
// a misspelt field is an error rather than silently ignored.
func decodePartyJSON(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		return apperr.Wrap(apperr.BadRequest, err, "The body must be a JSON object with known fields: %s.", jsonProblem(err))
	}
	if dec.More() {
		return apperr.New(apperr.BadRequest, "The body must hold a single JSON object.")
	}
	return nil
}

func jsonProblem(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Sprintf("%s has the wrong type", te.Field)
	}
	if errors.Is(err, io.EOF) {
		return "the body is empty"
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

// partyFields is a party's fields as sent in JSON; absent fields are nil,
// so PATCH changes only what it names.
type partyFields struct {
	Name               *string           `json:"name"`
	ShortName          *string           `json:"short_name"`
	Aliases            *[]string         `json:"aliases"`
	RegistrationNumber *string           `json:"registration_number"`
	Nations            *[]parties.Nation `json:"nations"`
	Active             *bool             `json:"active"`
}

func (f *partyFields) apply(p *parties.Party) {
	setIf(&p.Name, f.Name)
	setIf(&p.ShortName, f.ShortName)
	setIf(&p.Aliases, f.Aliases)
	setIf(&p.RegistrationNumber, f.RegistrationNumber)
	setIf(&p.Nations, f.Nations)
	setIf(&p.Active, f.Active)
}

// setIf copies *v into *dst when the field was sent (v is not nil): PATCH
// changes only what it names.
func setIf[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

// contactFields is a contact's fields as sent in JSON.
type contactFields struct {
	Name         *string `json:"name"`
	Position     *string `json:"position"`
	Email        *string `json:"email"`
	Role         *string `json:"role"`
	Active       *bool   `json:"active"`
	NeedsReview  *bool   `json:"needs_review"`
	ReviewReason *string `json:"review_reason"`
	// Language is "en", "cy", "both" (or their labels); null or "" means
	// the party's default. Left out, it is unchanged.
	Language json.RawMessage `json:"language"`
}

func (f *contactFields) apply(c *parties.Contact) {
	if len(f.Language) > 0 {
		var v *string
		// Not a string (null, or a number Normalise then refuses as a
		// string) leaves v nil or its text.
		if err := json.Unmarshal(f.Language, &v); err != nil {
			t := string(f.Language)
			v = &t
		}
		c.Language = v
	}
	setIf(&c.Name, f.Name)
	setIf(&c.Position, f.Position)
	setIf(&c.Email, f.Email)
	setIf(&c.Role, f.Role)
	setIf(&c.Active, f.Active)
	setIf(&c.NeedsReview, f.NeedsReview)
	setIf(&c.ReviewReason, f.ReviewReason)
}

func (s *Server) handleAPIPartyList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var f parties.Filter
	var errs []apperr.FieldError
	if v := q.Get("nation"); v != "" {
		n, ok := parties.ParseNation(v)
		if !ok {
			errs = append(errs, apperr.FieldError{Field: "nation", Message: "Use england, scotland, wales or northern_ireland"})
		}
		f.Nation = n
	}
	switch v := q.Get("active"); v {
	case "":
	case "true", "false":
		b := v == "true"
		f.Active = &b
	default:
		errs = append(errs, apperr.FieldError{Field: "active", Message: "Use true or false"})
	}
	if len(errs) > 0 {
		s.Error(w, r, apperr.Fields(errs...))
		return
	}
	ps, err := s.parties.List(r.Context(), f)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if ps == nil {
		ps = []parties.Party{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"parties": withLabelsList(ps, addNationLabels)})
}

func (s *Server) handleAPIPartyCreate(w http.ResponseWriter, r *http.Request) {
	var f partyFields
	if err := decodePartyJSON(r, &f); err != nil {
		s.Error(w, r, err)
		return
	}
	in := parties.Party{Active: true}
	f.apply(&in)
	p, err := s.parties.Create(r.Context(), in)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	w.Header().Set("Location", fmt.Sprintf("/api/v1/parties/%d", p.ID))
	writeJSON(w, http.StatusCreated, withLabels(p, addNationLabels))
}

// handleParty shows one party with its contacts: the staff page, or the
// API's JSON (isAPI).
func (s *Server) handleParty(w http.ResponseWriter, r *http.Request) {
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
	if isAPI(r) {
		writeJSON(w, http.StatusOK, withLabels(p, addNationLabels))
		return
	}
	d := partyPageData{Party: p}
	if u := userFrom(r.Context()); s.audits != nil && u != nil && u.Can(auditStaffReaders...) {
		if d.Audits, err = s.audits.PartyOverview(r.Context(), id); err != nil {
			s.Error(w, r, err)
			return
		}
	}
	s.render(w, r, http.StatusOK, "parties_detail", page{Data: d})
}

// partyPageData is a party's page: the party, and for those who may read
// the audit programme, its audits and open urgent and high
// recommendations.
type partyPageData struct {
	*parties.Party
	Audits *audits.PartyOverview
	L      auditLabels
}

func (s *Server) handleAPIPartyPatch(w http.ResponseWriter, r *http.Request) {
	id, _, err := partyIDs(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	var f partyFields
	if err := decodePartyJSON(r, &f); err != nil {
		s.Error(w, r, err)
		return
	}
	if _, err := s.parties.Update(r.Context(), id, f.apply); err != nil {
		s.Error(w, r, err)
		return
	}
	s.handleParty(w, r) // answers in JSON: this is an API path
}

func (s *Server) handleAPIPartySetActive(w http.ResponseWriter, r *http.Request) {
	id, _, err := partyIDs(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if _, err := s.parties.SetActive(r.Context(), id, mux.Vars(r)["state"] == "reactivate"); err != nil {
		s.Error(w, r, err)
		return
	}
	s.handleParty(w, r) // answers in JSON: this is an API path
}

func (s *Server) handleAPIContactList(w http.ResponseWriter, r *http.Request) {
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
	cs := p.Contacts
	if cs == nil {
		cs = []parties.Contact{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"contacts": cs})
}

func (s *Server) handleAPIContactCreate(w http.ResponseWriter, r *http.Request) {
	id, _, err := partyIDs(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	var f contactFields
	if err := decodePartyJSON(r, &f); err != nil {
		s.Error(w, r, err)
		return
	}
	in := parties.Contact{Active: true}
	f.apply(&in)
	c, err := s.parties.AddContact(r.Context(), id, in)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	w.Header().Set("Location", fmt.Sprintf("/api/v1/parties/%d/contacts/%d", id, c.ID))
	writeJSON(w, http.StatusCreated, c)
}

func (s *Server) handleAPIContactGet(w http.ResponseWriter, r *http.Request) {
	id, cid, err := partyIDs(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	c, err := s.parties.Contact(r.Context(), id, cid)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

func (s *Server) handleAPIContactPatch(w http.ResponseWriter, r *http.Request) {
	id, cid, err := partyIDs(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	var f contactFields
	if err := decodePartyJSON(r, &f); err != nil {
		s.Error(w, r, err)
		return
	}
	c, err := s.parties.UpdateContact(r.Context(), id, cid, f.apply)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

func (s *Server) handleAPIContactSetActive(w http.ResponseWriter, r *http.Request) {
	id, cid, err := partyIDs(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	c, err := s.parties.SetContactActive(r.Context(), id, cid, mux.Vars(r)["state"] == "reactivate")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

// handleAPIPartyImport imports a CSV or XLSX file sent either as the
// "file" part of a multipart form or as the raw request body. With
// ?dry_run=true it only checks and counts. A file with problems gets 422
// with the row-by-row report under "problems".
func (s *Server) handleAPIPartyImport(w http.ResponseWriter, r *http.Request) {
	var data []byte
	var name string
	var err error
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		if err = parseForm(r); err == nil {
			data, name, err = readUpload(r, "file")
		}
	} else {
		data, err = io.ReadAll(r.Body)
		name = "api upload"
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	dry := r.URL.Query().Get("dry_run") == "true"
	res, err := s.parties.Import(r.Context(), data, parties.ImportOptions{DryRun: dry, Source: name})
	if ie, ok := parties.AsImportError(err); ok {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]any{
			"error": ie.Error(), "code": apperr.Invalid, "problems": ie.Problems, "more_problems": ie.More,
			"request_id": requestIDFrom(r.Context()),
		})
		return
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}
