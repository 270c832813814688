package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/internal/audits"
	"github.com/campaignwatch/campaignwatch/internal/staff"
	"github.com/campaignwatch/campaignwatch/outreach/parties"
)

// auditStaffReaders may read the audit programme: the political team
// and administrators, who also change it, and analysts. Triage officers
// work on complaints and see none of it.
var auditStaffReaders = []staff.Role{staff.RoleAdmin, staff.RolePoliticalTeam, staff.RoleAnalyst}

// Body limits of the audit programme's upload routes: the files' own
// limits plus room for the multipart envelope and the other fields.
const (
	auditImportBodyLimit   = audits.MaxImportBytes + 64<<10
	auditEvidenceBodyLimit = audits.MaxEvidenceFiles*audits.MaxEvidenceBytes + 256<<10
)

// registerAuditRoutes mounts the audit programme's pages: programmes,
// audits, recommendations, responses, progress and evidence, the
// follow-up review and the import. It is called before the general
// /staff subrouter, like the party registry, so the uploads get their
// own body limit and the role is checked before their body is read. The
// outputs (report, letter, summary, workbook) are mounted by
// registerAuditReportRoutes; paths not matched here fall through to it.
func (s *Server) registerAuditRoutes(r *mux.Router) {
	if s.audits == nil {
		return
	}
	// Uploads first: their own body limit (importRoute).
	imp := r.Path("/staff/audits/{id:[0-9]+}/import").Subrouter()
	imp.Handle("", s.importRoute(adminAndPolTeam, auditImportBodyLimit, s.csrfProtect, s.handleAuditImportForm)).Methods(http.MethodGet)
	imp.Handle("", s.importRoute(adminAndPolTeam, auditImportBodyLimit, s.csrfProtect, s.handleAuditImport)).Methods(http.MethodPost)
	prog := r.Path("/staff/audits/recommendations/{id:[0-9]+}/progress").Subrouter()
	prog.Handle("", s.importRoute(adminAndPolTeam, auditEvidenceBodyLimit, s.csrfProtect, s.handleAuditProgressAdd)).Methods(http.MethodPost)

	st := r.PathPrefix("/staff/audits").Subrouter()
	st.Use(s.signInBeforeBody, s.limitBody(defaultBodyLimit), s.csrfProtect)
	read := func(h http.HandlerFunc) http.Handler { return s.allowFunc(auditStaffReaders, h) }
	write := func(h http.HandlerFunc) http.Handler { return s.allowFunc(adminAndPolTeam, h) }

	st.Handle("", read(s.handleAuditsHome)).Methods(http.MethodGet)
	st.Handle("", write(s.handleAuditCreate)).Methods(http.MethodPost)
	st.Handle("/new", write(s.handleAuditNew)).Methods(http.MethodGet)

	st.Handle("/programmes", write(s.handleAuditProgrammeCreate)).Methods(http.MethodPost)
	st.Handle("/programmes/new", write(s.handleAuditProgrammeNew)).Methods(http.MethodGet)
	st.Handle("/programmes/{id:[0-9]+}", read(s.handleAuditProgramme)).Methods(http.MethodGet)
	st.Handle("/programmes/{id:[0-9]+}", write(s.handleAuditProgrammeUpdate)).Methods(http.MethodPost)
	st.Handle("/programmes/{id:[0-9]+}/edit", write(s.handleAuditProgrammeEdit)).Methods(http.MethodGet)

	st.Handle("/{id:[0-9]+}", read(s.handleAuditView)).Methods(http.MethodGet)
	st.Handle("/{id:[0-9]+}", write(s.handleAuditUpdate)).Methods(http.MethodPost)
	st.Handle("/{id:[0-9]+}/edit", write(s.handleAuditEdit)).Methods(http.MethodGet)
	st.Handle("/{id:[0-9]+}/advance", write(s.handleAuditAdvance)).Methods(http.MethodPost)
	st.Handle("/{id:[0-9]+}/review", write(s.handleAuditReviewForm)).Methods(http.MethodGet)
	st.Handle("/{id:[0-9]+}/review", write(s.handleAuditReview)).Methods(http.MethodPost)
	st.Handle("/{id:[0-9]+}/recommendations", write(s.handleAuditRecCreate)).Methods(http.MethodPost)
	st.Handle("/{id:[0-9]+}/recommendations/new", write(s.handleAuditRecNew)).Methods(http.MethodGet)

	st.Handle("/recommendations/{id:[0-9]+}", read(s.handleAuditRecView)).Methods(http.MethodGet)
	st.Handle("/recommendations/{id:[0-9]+}", write(s.handleAuditRecUpdate)).Methods(http.MethodPost)
	st.Handle("/recommendations/{id:[0-9]+}/edit", write(s.handleAuditRecEdit)).Methods(http.MethodGet)
	st.Handle("/recommendations/{id:[0-9]+}/response", write(s.handleAuditResponse)).Methods(http.MethodPost)
	st.Handle("/evidence/{id:[0-9]+}", read(s.handleAuditEvidence)).Methods(http.MethodGet)
}

// auditsPathID reads the {id} route variable; the route patterns
// guarantee digits, so only overflow can fail, which names nothing.
func auditsPathID(r *http.Request, what string) (int64, error) {
	id, err := strconv.ParseInt(mux.Vars(r)["id"], 10, 64)
	if err != nil {
		return 0, apperr.New(apperr.NotFound, "There is no such %s.", what)
	}
	return id, nil
}

// auditOptions lists a vocabulary's codes with their English labels, as
// radios and selects show them.
func auditOptions(v audits.Vocabulary) []labelled {
	out := make([]labelled, len(v))
	for i, t := range v {
		out[i] = labelled{Code: t.Code, Label: t.Label.In("en")}
	}
	return out
}

// auditLabels are the audit pages' words for codes: every vocabulary's
// English label, so no page shows a code.
type auditLabels struct{}

// Type names an audit type.
func (auditLabels) Type(c string) string { return audits.Types.Label(c, "en") }

// State names an audit state.
func (auditLabels) State(c string) string { return audits.States.Label(c, "en") }

// Assurance names an assurance level; none yet is said so.
func (auditLabels) Assurance(c string) string {
	if c == "" {
		return "Not yet given"
	}
	return audits.Assurance.Label(c, "en")
}

// Area names a finding's area.
func (auditLabels) Area(c string) string { return audits.Areas.Label(c, "en") }

// Priority names a priority.
func (auditLabels) Priority(c string) string { return audits.Priorities.Label(c, "en") }

// Response names a party's answer.
func (auditLabels) Response(c string) string { return audits.Responses.Label(c, "en") }

// Status names a follow-up status; none yet is "Not yet reviewed".
func (auditLabels) Status(c string) string {
	if c == "" {
		return audits.NotReviewed.Label.In("en")
	}
	return audits.Statuses.Label(c, "en")
}

// Conclusion names a follow-up conclusion.
func (auditLabels) Conclusion(c string) string { return audits.Conclusions.Label(c, "en") }

// Scope names a scope area.
func (auditLabels) Scope(c string) string { return audits.Scopes.Label(c, "en") }

// Day writes a date as pages do ("7 May 2029"); none is "Not set".
func (auditLabels) Day(t *time.Time) string {
	if t == nil {
		return "Not set"
	}
	return vocab.FormatDate(*t, "en")
}

// Date writes a date that is always set.
func (auditLabels) Date(t time.Time) string { return vocab.FormatDate(t, "en") }

// Size writes a file's size in words people read: "120 KB", "2.5 MB".
func (auditLabels) Size(n int) string {
	switch {
	case n < 1<<10:
		return strconv.Itoa(n) + " bytes"
	case n < 1<<20:
		return strconv.Itoa((n+1<<9)>>10) + " KB"
	}
	return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MB"
}

// auditField is one text question of an audit form, as the
// "audit-input" template of each form page draws it.
type auditField struct {
	ID, Label, Hint, Value, Error string
	// Area draws a textarea; Welsh marks the answer's language.
	Area, Welsh bool
}

// auditDate is one date question, as the GOV.UK date pattern asks it.
type auditDate struct {
	Field, Label, Hint, Error string
	Parts                     dateParts
}

// readAuditDate reads the three boxes of a date field.
func readAuditDate(r *http.Request, field string) dateParts {
	get := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	return dateParts{Day: get(field + "-day"), Month: get(field + "-month"), Year: get(field + "-year")}
}

// partsOf is a date as the three boxes show it.
func partsOf(t *time.Time) dateParts {
	if t == nil {
		return dateParts{}
	}
	return dateParts{Day: strconv.Itoa(t.Day()), Month: strconv.Itoa(int(t.Month())), Year: strconv.Itoa(t.Year())}
}

// dateErrors collects the date parsing problems of a form, by field.
type dateErrors []apperr.FieldError

// parse reads field's boxes into *dst, noting a problem under field;
// required dates left empty are refused with missing.
func (e *dateErrors) parse(p dateParts, field, label, missing string, dst **time.Time) {
	t, msg := p.parse(label)
	switch {
	case msg != "":
		*e = append(*e, apperr.FieldError{Field: field, Message: msg})
	case t == nil && missing != "":
		*e = append(*e, apperr.FieldError{Field: field, Message: missing})
	default:
		*dst = t
	}
}

// auditMergeErrors puts the form's own problems (dates that are not
// dates) before the service's, keeping one message per field.
func auditMergeErrors(own []apperr.FieldError, err error) []apperr.FieldError {
	out := append([]apperr.FieldError(nil), own...)
	seen := map[string]bool{}
	for _, e := range own {
		seen[e.Field] = true
	}
	for _, e := range apperr.FieldsOf(err) {
		e.Field = auditFormField(e.Field)
		if !seen[e.Field] {
			out = append(out, e)
			seen[e.Field] = true
		}
	}
	if apperr.CodeOf(err) == apperr.Conflict && len(apperr.FieldsOf(err)) == 0 {
		// Someone changed it meanwhile: said above the form.
		out = append(out, apperr.FieldError{Field: "main", Message: apperr.MessageOf(err)})
	}
	return out
}

// auditFormCtx is the context a form calls the service with: when the
// form found problems of its own (a date that is not a date), the service
// only checks the answers, so its problems are shown with the form's in
// one go and nothing is stored until all are put right.
func auditFormCtx(r *http.Request, own []apperr.FieldError) context.Context {
	if len(own) > 0 {
		return audits.CheckOnly(r.Context())
	}
	return r.Context()
}

// auditFormFailed reports whether a form is shown again: the service
// refused its answers, or the form found problems of its own (then the
// service only checked, and stored nothing).
func auditFormFailed(own []apperr.FieldError, err error) bool {
	return isFormError(err) || (len(own) > 0 && err == nil)
}

// pathAudit loads the audit the route names.
func (s *Server) pathAudit(r *http.Request) (*audits.Audit, error) {
	id, err := auditsPathID(r, "audit")
	if err != nil {
		return nil, err
	}
	return s.audits.Audit(r.Context(), id)
}

// auditFormDone answers a form's post when it cannot go on: show draws
// the form again (with the status and the errors of both the form and the
// service) when auditFormFailed, and any other error gets the error page.
// It reports whether it answered, so the handler stops; otherwise the
// answers were stored and the handler redirects.
func (s *Server) auditFormDone(w http.ResponseWriter, r *http.Request, own []apperr.FieldError, err error, show func(status int, errs []apperr.FieldError)) bool {
	if auditFormFailed(own, err) {
		show(auditFormStatus(err), auditMergeErrors(own, err))
		return true
	}
	if err != nil {
		s.Error(w, r, err)
		return true
	}
	return false
}

// auditFormStatus is the status of a form shown again: 409 when someone
// changed the thing meanwhile, otherwise 422.
func auditFormStatus(err error) int {
	if apperr.CodeOf(err) == apperr.Conflict {
		return http.StatusConflict
	}
	return http.StatusUnprocessableEntity
}

// auditFormField is the form field (the id the error summary links to)
// of a field the service names in its own words.
func auditFormField(field string) string {
	switch field {
	case "party_id":
		return "party"
	case "programme_id":
		return "programme"
	case "files":
		return "evidence"
	case "state", "responses":
		// What the audit's stage lacks: said above the form.
		return "main"
	}
	// The review's fields per recommendation: status_<id> and
	// status_note_<id> are the form's status-<id> and note-<id>.
	if id, ok := strings.CutPrefix(field, "status_note_"); ok {
		return "note-" + id
	}
	if id, ok := strings.CutPrefix(field, "status_"); ok {
		return "status-" + id
	}
	if area, ok := strings.CutPrefix(field, "finding_"); ok && audits.Areas.Has(area) {
		return "finding-" + area
	}
	return field
}

// isFormError reports whether err is a refusal of a form's answers,
// which the form shows beside its fields, or a change someone else made
// since the form was opened, which the form shows above them.
func isFormError(err error) bool {
	switch apperr.CodeOf(err) {
	case apperr.Invalid:
		return len(apperr.FieldsOf(err)) > 0
	case apperr.Conflict:
		return true
	}
	return false
}

// partyChoices lists the parties an audit may be of, by name.
func (s *Server) partyChoices(r *http.Request) ([]parties.Party, error) {
	return s.parties.List(r.Context(), parties.Filter{})
}
