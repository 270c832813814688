package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"github.com/campaignwatch/campaignwatch/complaints"
	"github.com/campaignwatch/campaignwatch/complaints/review"
	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/internal/staff"
)

// triageRoles may work the triage queue.
var triageRoles = []staff.Role{staff.RoleAdmin, staff.RoleTriageOfficer}

// registerTriageRoutes mounts the triage queue, the triage panel, the
// cluster pages and the alerts page under st (the /staff subrouter).
func (s *Server) registerTriageRoutes(st *mux.Router) {
	const ref = "/triage/{reference:CW-[A-Z0-9]{4}-[A-Z0-9]{4}}"
	st.Handle("/triage", s.allowFunc(triageRoles, s.handleTriageQueue)).Methods(http.MethodGet)
	st.Handle("/triage/bulk", s.allowFunc(triageRoles, s.handleTriageBulk)).Methods(http.MethodPost)
	st.Handle(ref, s.allowFunc(triageRoles, s.handleTriagePanel)).Methods(http.MethodGet)
	st.Handle(ref+"/{action:accept|override|review|close|assign}", s.allowFunc(triageRoles, s.handleTriageAction)).Methods(http.MethodPost)
	s.registerClusterRoutes(st)
	s.registerAlertRoutes(st)
	s.registerRulebookRoutes(st)
}

type triageQueueData struct {
	Query      url.Values
	Page       review.QueuePage
	Parties    any
	Elections  any
	Channels   []string
	Priorities []string
	Statuses   []string
	Outcomes   []string
	Officers   []review.Officer
	// Referrals are the bodies an out-of-scope complaint can be referred
	// to, for the filter.
	Referrals []complaints.ReferralChoice
	PrevURL   string
	NextURL   string
}

// queueFilter reads the queue's query string, naming bad values.
func queueFilter(r *http.Request, me int64) (review.Filter, error) {
	q := r.URL.Query()
	f := review.Filter{Priority: q.Get("priority"), Status: q.Get("status"), Channel: q.Get("channel"), Sort: q.Get("sort")}
	var errs []apperr.FieldError
	switch ref := strings.TrimSpace(q.Get("referral")); {
	case ref == "":
	case ref == "any":
		f.OutOfScope = true
	case complaints.IsReferral(ref):
		f.Referral = ref
	default:
		errs = append(errs, apperr.FieldError{Field: "referral", Code: "invalid", Message: "Choose where the complaint was referred from the list"})
	}
	id := func(name, msg string) *int64 {
		v := strings.TrimSpace(q.Get(name))
		if v == "" {
			return nil
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			errs = append(errs, apperr.FieldError{Field: name, Code: "invalid", Message: msg})
			return nil
		}
		return &n
	}
	f.PartyID = id("party", "Choose a party from the list")
	f.ElectionID = id("election", "Choose an election from the list")
	f.ClusterID = id("cluster", "The cluster must be a cluster number")
	switch a := q.Get("assigned"); a {
	case "":
	case "me":
		f.AssignedTo = &me
	case "none":
		f.Unassigned = true
	default:
		f.AssignedTo = id("assigned", "Choose an officer from the list")
	}
	day := func(name string) time.Time {
		v := strings.TrimSpace(q.Get(name))
		if v == "" {
			return time.Time{}
		}
		t, err := time.ParseInLocation("2006-01-02", v, vocab.London)
		if err != nil {
			errs = append(errs, apperr.FieldError{Field: name, Code: "invalid", Message: "Enter the date as YYYY-MM-DD, for example 2024-06-27"})
		}
		return t
	}
	f.From = day("from")
	if to := day("to"); !to.IsZero() {
		f.To = to.AddDate(0, 0, 1) // the end date is inclusive on the page
	}
	if p := q.Get("page"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 {
			errs = append(errs, apperr.FieldError{Field: "page", Code: "invalid", Message: "The page must be a whole number"})
		}
		f.Page = n
	}
	if len(errs) > 0 {
		return f, apperr.Fields(errs...)
	}
	return f, f.Validate()
}

func (s *Server) handleTriageQueue(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	data := triageQueueData{Query: r.URL.Query(), Channels: vocab.ChannelCodes(), Priorities: vocab.PriorityCodes(),
		Statuses: vocab.StatusCodes(), Outcomes: vocab.OutcomeCodes(), Referrals: complaints.ReferralChoices()}
	var err error
	if s.complaints != nil {
		if data.Parties, err = s.complaints.Parties(ctx); err != nil {
			s.Error(w, r, err)
			return
		}
		if data.Elections, err = s.complaints.Elections(ctx); err != nil {
			s.Error(w, r, err)
			return
		}
	}
	if data.Officers, err = s.triage.Officers(ctx); err != nil {
		s.Error(w, r, err)
		return
	}
	f, ferr := queueFilter(r, userFrom(ctx).ID)
	if ferr != nil {
		s.render(w, r, http.StatusUnprocessableEntity, "triage_queue", page{Errors: apperr.FieldsOf(ferr), Data: data})
		return
	}
	if data.Page, err = s.triage.Queue(ctx, f); err != nil {
		s.Error(w, r, err)
		return
	}
	link := func(p int) string {
		q := r.URL.Query()
		q.Set("page", strconv.Itoa(p))
		return "/staff/triage?" + q.Encode()
	}
	if data.Page.Page > 1 {
		data.PrevURL = link(data.Page.Page - 1)
	}
	if data.Page.Page*data.Page.PerPage < data.Page.Total {
		data.NextURL = link(data.Page.Page + 1)
	}
	s.render(w, r, http.StatusOK, "triage_queue", page{Data: data})
}

// handleTriageBulk assigns or closes the selected complaints: one form,
// checkboxes named "ref", and the button pressed ("do") says which.
func (s *Server) handleTriageBulk(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(r); err != nil {
		s.Error(w, r, err)
		return
	}
	refs := r.PostForm["ref"]
	back := "/staff/triage"
	if q := r.PostFormValue("back"); strings.HasPrefix(q, "?") {
		back += q
	}
	var n int
	var err error
	var done string
	switch r.PostFormValue("do") {
	case "assign":
		var officer *int64
		officer, err = officerField(r.PostFormValue("officer"))
		if err == nil {
			n, err = s.triage.Assign(r.Context(), refs, officer)
			done = "assigned"
		}
	case "close":
		n, err = s.triage.Close(r.Context(), refs, r.PostFormValue("outcome"))
		done = "closed"
	default:
		err = apperr.New(apperr.BadRequest, "Choose whether to assign or close the selected complaints.")
	}
	if err != nil {
		if fe := apperr.FieldsOf(err); fe != nil {
			s.setFlash(w, "Nothing was changed: "+fe[0].Message+".")
			http.Redirect(w, r, back, http.StatusSeeOther)
			return
		}
		s.Error(w, r, err)
		return
	}
	s.setFlash(w, strconv.Itoa(n)+" complaint(s) "+done+".")
	http.Redirect(w, r, back, http.StatusSeeOther)
}

func officerField(v string) (*int64, error) {
	switch v = strings.TrimSpace(v); v {
	case "":
		return nil, apperr.Fields(apperr.FieldError{Field: "officer", Code: "required", Message: "Choose an officer, or choose nobody"})
	case "none":
		return nil, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 {
		return nil, apperr.Fields(apperr.FieldError{Field: "officer", Code: "invalid", Message: "Choose an officer from the list"})
	}
	return &n, nil
}

type triagePanelData struct {
	D          *review.Detail
	Officers   []review.Officer
	Priorities []string
	Outcomes   []string
	Provisions []string
	Form       url.Values
}

func (s *Server) triagePanel(w http.ResponseWriter, r *http.Request, status int, errs []apperr.FieldError, form url.Values) {
	d, err := s.triage.Get(r.Context(), mux.Vars(r)["reference"])
	if err != nil {
		s.Error(w, r, err)
		return
	}
	data := triagePanelData{D: d, Priorities: vocab.PriorityCodes(), Outcomes: vocab.OutcomeCodes(), Form: form}
	if data.Officers, err = s.triage.Officers(r.Context()); err != nil {
		s.Error(w, r, err)
		return
	}
	if data.Form == nil && d.Current != nil {
		data.Form = url.Values{"priority": {d.Priority}, "provisions": {strings.Join(d.Current.Provisions, ", ")}}
		if len(d.Decisions) > 0 {
			data.Form.Set("provisions", strings.Join(d.Decisions[0].Provisions, ", "))
		}
	}
	s.render(w, r, status, "triage_panel", page{Errors: errs, Data: data})
}

func (s *Server) handleTriagePanel(w http.ResponseWriter, r *http.Request) {
	s.triagePanel(w, r, http.StatusOK, nil, nil)
}

func (s *Server) handleTriageAction(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(r); err != nil {
		s.Error(w, r, err)
		return
	}
	ctx := r.Context()
	ref := mux.Vars(r)["reference"]
	var err error
	var msg string
	switch mux.Vars(r)["action"] {
	case "accept":
		err, msg = s.triage.Accept(ctx, ref), "Triage accepted."
	case "override":
		provs := strings.FieldsFunc(r.PostFormValue("provisions"), func(c rune) bool { return c == ',' || c == ' ' || c == '\n' })
		err = s.triage.Override(ctx, ref, review.Override{Priority: r.PostFormValue("priority"), Provisions: provs, Reason: r.PostFormValue("reason")})
		msg = "Triage changed. The original result is kept."
	case "review":
		err, msg = s.triage.StartReview(ctx, ref), "Complaint is in review."
	case "close":
		_, err = s.triage.Close(ctx, []string{ref}, r.PostFormValue("outcome"))
		msg = "Complaint closed."
	case "assign":
		var officer *int64
		if officer, err = officerField(r.PostFormValue("officer")); err == nil {
			_, err = s.triage.Assign(ctx, []string{ref}, officer)
		}
		msg = "Assignment saved."
	}
	if err != nil {
		if fe := apperr.FieldsOf(err); fe != nil {
			s.triagePanel(w, r, http.StatusUnprocessableEntity, fe, r.PostForm)
			return
		}
		s.Error(w, r, err)
		return
	}
	s.setFlash(w, msg)
	http.Redirect(w, r, "/staff/triage/"+ref, http.StatusSeeOther)
}

// triageLabels are how status, outcome, priority and channel ids read on
// the pages (vocab's labels), and the two kinds of cluster.
var triageLabels = func() map[string]string {
	m := map[string]string{"sender": "Same sender", "text": "Near-identical text"}
	for _, ts := range [][]vocab.Term{vocab.Statuses, vocab.Outcomes, vocab.Priorities} {
		for _, t := range ts {
			m[t.Code] = t.Label.EN
		}
	}
	for _, c := range vocab.Channels {
		m[c.Code] = c.Label.EN
	}
	return m
}()

func triageLabel(id string) string {
	if l, ok := triageLabels[id]; ok {
		return l
	}
	return id
}

// Label names a status, outcome, priority or channel id for people.
func (triageQueueData) Label(id string) string { return triageLabel(id) }

// Label names a status, outcome, priority or channel id for people.
func (triagePanelData) Label(id string) string { return triageLabel(id) }

// Selected reports whether the query's value of name is v.
func (d triageQueueData) Selected(name, v string) bool { return d.Query.Get(name) == v }

// Back is the queue's query string, to return to the same view after a
// bulk action.
func (d triageQueueData) Back() string { return "?" + d.Query.Encode() }

// IsAssignee reports whether the officer with id has the complaint.
func (d triagePanelData) IsAssignee(id int64) bool {
	return d.D.AssignedTo != nil && *d.D.AssignedTo == id
}
