package web

import (
	"html/template"
	"net/http"
	"net/url"
	"slices"
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
	Parties    []complaints.PartyOption
	Elections  []complaints.PartyOption
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
	// Tags are the filters in force, each with a link that removes it.
	Tags []filterTag
}

// filterTag is one filter in force on the queue: what it is in words and
// the same queue without it.
type filterTag struct {
	Name, Value string
	RemoveURL   string
}

// queueFilterKeys are the queue's filters in the order their tags show.
var queueFilterKeys = []struct{ Key, Name string }{
	{"priority", "Priority"}, {"status", "Status"}, {"party", "Party"}, {"channel", "Channel"},
	{"referral", "Out of scope"}, {"election", "Election"}, {"assigned", "Assigned to"},
	{"cluster", "Cluster"}, {"from", "Received from"}, {"to", "Received to"},
}

// filterTags names each filter in force in words, with the link to the
// same queue (same order, first page) without it.
func (d triageQueueData) filterTags() []filterTag {
	var tags []filterTag
	for _, k := range queueFilterKeys {
		v := strings.TrimSpace(d.Query.Get(k.Key))
		if v == "" {
			continue
		}
		q := carriedQuery(d.Query)
		q.Del(k.Key)
		u := "/staff/triage"
		if len(q) > 0 {
			u += "?" + q.Encode()
		}
		tags = append(tags, filterTag{Name: k.Name, Value: d.filterValue(k.Key, v), RemoveURL: u})
	}
	return tags
}

// filterValue is a filter's value in words: a label, a party's or an
// election's name, an officer's address.
func (d triageQueueData) filterValue(key, v string) string {
	switch key {
	case "priority", "status", "channel":
		return triageLabel(v)
	case "referral":
		if v == "any" {
			return "Referred anywhere"
		}
		for _, r := range d.Referrals {
			if r.ID == v {
				return r.Label
			}
		}
	case "assigned":
		switch v {
		case "me":
			return "Me"
		case "none":
			return "Nobody"
		}
		for _, o := range d.Officers {
			if strconv.FormatInt(o.ID, 10) == v {
				return o.Email
			}
		}
	case "party", "election":
		if name := nameOf(d.Parties, v); key == "party" && name != "" {
			return name
		}
		if name := nameOf(d.Elections, v); key == "election" && name != "" {
			return name
		}
	case "cluster":
		return "#" + v
	}
	return v
}

// nameOf is the name of the option whose id is id, or "".
func nameOf(list []complaints.PartyOption, id string) string {
	for _, o := range list {
		if strconv.FormatInt(o.ID, 10) == id {
			return o.Name
		}
	}
	return ""
}

// carriedQuery is the queue's filters and order, without its page: what
// the triage panel carries so "next complaint" works through the same
// queue.
func carriedQuery(q url.Values) url.Values {
	out := url.Values{}
	for k, v := range q {
		if k == "page" || len(v) == 0 || strings.TrimSpace(v[0]) == "" {
			continue
		}
		out[k] = v
	}
	return out
}

// Carry is the queue's query string for links to a complaint's panel
// ("" when no filter is set).
func (d triageQueueData) Carry() string {
	if q := carriedQuery(d.Query); len(q) > 0 {
		return "?" + q.Encode()
	}
	return ""
}

// nextInQueue finds the complaint after ref in the queue q chooses (one
// keyset query, however long the queue). When ref is no longer in that
// queue (triaging it took it out), the next one is the first. It returns
// "" when nothing is left.
func (s *Server) nextInQueue(r *http.Request, q url.Values, ref string) (string, error) {
	f, err := queueFilter(q, userFrom(r.Context()).ID)
	if err != nil {
		return "", nil // a bad carried query: no next, rather than an error page
	}
	next, err := s.triage.Next(r.Context(), f, ref)
	if len(apperr.FieldsOf(err)) > 0 {
		return "", nil
	}
	return next, err
}

// panelURL is a complaint's triage panel, carrying the queue's query.
func panelURL(ref string, q url.Values) string {
	u := "/staff/triage/" + ref
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	return u
}

// Email lets a long address break after its @ rather than widen the
// table.
func (triageQueueData) Email(addr string) template.HTML {
	local, domain, ok := strings.Cut(addr, "@")
	if !ok {
		return template.HTML(template.HTMLEscapeString(addr))
	}
	return template.HTML(template.HTMLEscapeString(local) + "<wbr>@" + template.HTMLEscapeString(domain))
}

// Received is when the complaint arrived, as dateOrTime says it.
func (triageQueueData) Received(it review.Item) string {
	return dateOrTime(it.ReceivedAt, it.ReceivedAtHasTime)
}

// queueFilter reads the queue's query string, naming bad values.
func queueFilter(q url.Values, me int64) (review.Filter, error) {
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
	data.Tags = data.filterTags()
	f, ferr := queueFilter(r.URL.Query(), userFrom(ctx).ID)
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
	// Laws are the rulebook's provisions grouped by law, for the
	// checkboxes (shared with the audit recommendation form).
	Laws []lawGroup
	Form url.Values
	// Queue is the queue's query the officer came from (filters and
	// order); QueueURL returns to it and NextURL opens the complaint
	// after this one in it ("" when none is left).
	Queue    url.Values
	QueueURL string
	NextURL  string
	// Errors are the form's errors by field, so each control can name
	// its message (aria-describedby).
	Errors fieldErrors
}

// Cites reports whether provision code is ticked.
func (d triagePanelData) Cites(code string) bool { return slices.Contains(d.Form["provisions"], code) }

// QueueQuery is the queue's query string, for the panel's forms to send
// back so that saving leads to the next complaint.
func (d triagePanelData) QueueQuery() string { return d.Queue.Encode() }

// Received is when the complaint arrived, as dateOrTime says it.
func (d triagePanelData) Received() string {
	return dateOrTime(d.D.ReceivedAt, d.D.ReceivedAtHasTime)
}

func (s *Server) triagePanel(w http.ResponseWriter, r *http.Request, status int, errs []apperr.FieldError, form, queue url.Values) {
	d, err := s.triage.Get(r.Context(), mux.Vars(r)["reference"])
	if err != nil {
		s.Error(w, r, err)
		return
	}
	data := triagePanelData{D: d, Priorities: vocab.PriorityCodes(), Outcomes: vocab.OutcomeCodes(), Form: form,
		Queue: carriedQuery(queue), Errors: errs}
	data.QueueURL = "/staff/triage"
	if len(data.Queue) > 0 {
		data.QueueURL += "?" + data.Queue.Encode()
	}
	if data.Officers, err = s.triage.Officers(r.Context()); err != nil {
		s.Error(w, r, err)
		return
	}
	if data.Laws, _, err = s.citeables(); err != nil {
		s.Error(w, r, err)
		return
	}
	next, err := s.nextInQueue(r, data.Queue, d.Reference)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if next != "" {
		data.NextURL = panelURL(next, data.Queue)
	}
	if data.Form == nil && d.Current != nil {
		data.Form = url.Values{"priority": {d.Priority}, "provisions": d.Current.Provisions}
		if len(d.Decisions) > 0 {
			data.Form["provisions"] = d.Decisions[0].Provisions
		}
	}
	s.render(w, r, status, "triage_panel", page{Errors: errs, Data: data})
}

func (s *Server) handleTriagePanel(w http.ResponseWriter, r *http.Request) {
	s.triagePanel(w, r, http.StatusOK, nil, nil, r.URL.Query())
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
		var provs []string
		for _, v := range r.PostForm["provisions"] {
			provs = append(provs, strings.FieldsFunc(v, func(c rune) bool { return c == ',' || c == ' ' || c == '\n' })...)
		}
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
	queue, _ := url.ParseQuery(r.PostFormValue("queue"))
	queue = carriedQuery(queue)
	if err != nil {
		if fe := apperr.FieldsOf(err); fe != nil {
			s.triagePanel(w, r, http.StatusUnprocessableEntity, fe, r.PostForm, queue)
			return
		}
		s.Error(w, r, err)
		return
	}
	// A decision on the complaint (accept, change, close) is the end of
	// the officer's work on it: on to the next one in the same queue.
	switch mux.Vars(r)["action"] {
	case "accept", "override", "close":
		next, err := s.nextInQueue(r, queue, ref)
		if err != nil {
			s.Error(w, r, err)
			return
		}
		if next == "" {
			s.setFlash(w, msg+" No complaint is left in this queue.")
			back := "/staff/triage"
			if len(queue) > 0 {
				back += "?" + queue.Encode()
			}
			http.Redirect(w, r, back, http.StatusSeeOther)
			return
		}
		s.setFlash(w, msg+" This is the next complaint in the queue.")
		http.Redirect(w, r, panelURL(next, queue), http.StatusSeeOther)
		return
	}
	s.setFlash(w, msg)
	http.Redirect(w, r, panelURL(ref, queue), http.StatusSeeOther)
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
