package web

import (
	"context"
	"crypto/rand"
	"fmt"
	"html/template"
	"io/fs"
	"math/big"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gorilla/mux"

	"github.com/campaignwatch/campaignwatch/complaints"
	"github.com/campaignwatch/campaignwatch/internal/apperr"
)

// The public complaint form at /complaints/new: one page per concern,
// GOV.UK Design System patterns, no JavaScript, English and Welsh. Answers
// travel in the person's encrypted cookie (complaints_form_draft.go) until
// the final "Send" hands them to complaints.Service.Submit, which stores the
// complaint, its evidence and its triage job in one transaction; the
// confirmation is shown only after that has committed.

// The steps of the form, in order. The permission step is skipped for
// adverts, which reach people without any contact details.
const (
	stepChannel    = "channel"
	stepSender     = "sender"
	stepMessage    = "message"
	stepPermission = "permission"
	stepParty      = "party"
	stepEvidence   = "evidence"
	stepAbout      = "about-you"
	stepCheck      = "check"
)

const (
	formBodyLimit    = 64 << 10
	messageBodyLimit = 256 << 10 // three long text fields, percent-encoded
	uploadBodyLimit  = complaints.MaxEvidenceBytes + 1<<20
	honeypotField    = "website"
	partyOther       = "other"
)

func stepPath(step string) string {
	if step == stepChannel {
		return "/complaints/new"
	}
	return "/complaints/new/" + step
}

// steps lists the steps the draft's channel asks.
func (d *complaintDraft) steps() []string {
	out := []string{stepChannel, stepSender, stepMessage}
	if d.Channel != complaints.ChannelSocialMediaAd {
		out = append(out, stepPermission)
	}
	return append(out, stepParty, stepEvidence, stepAbout)
}

// next is the step after step, or check answers.
func (d *complaintDraft) next(step string) string {
	st := d.steps()
	for i, s := range st {
		if s == step && i+1 < len(st) {
			return st[i+1]
		}
	}
	return stepCheck
}

func (d *complaintDraft) prev(step string) string {
	st := d.steps()
	for i, s := range st {
		if s == step && i > 0 {
			return st[i-1]
		}
	}
	return ""
}

// firstMissing is the first step not yet answered, or check answers.
func (d *complaintDraft) firstMissing() string {
	for _, s := range d.steps() {
		if !d.done(s) {
			return s
		}
	}
	return stepCheck
}

// asks reports whether the draft's channel asks question q: the rule
// complaints applies to every submission.
func (d *complaintDraft) asks(q string) bool { return complaints.Asks(d.Channel, q) }

// mountComplaintForm adds the public form's routes. Each route has its own
// body limit: 64 KB for answers, more for the page with the long texts,
// and a little over 10 MB for evidence uploads. CSRF protection wraps every
// route, so every POST needs the form's token.
func (s *Server) mountComplaintForm(r *mux.Router) {
	if s.complaints == nil {
		return
	}
	if err := s.parseComplaintPages(); err != nil {
		panic(err) // templates are embedded: a broken one is a build error
	}
	wrap := func(limit int64, h http.HandlerFunc) http.Handler {
		return s.limitBody(limit)(s.csrfProtect(h))
	}
	get, post := http.MethodGet, http.MethodPost
	r.Handle("/complaints", http.RedirectHandler("/complaints/new", http.StatusSeeOther)).Methods(get)
	for _, step := range []string{stepChannel, stepSender, stepMessage, stepPermission, stepParty, stepAbout} {
		limit := int64(formBodyLimit)
		if step == stepMessage {
			limit = messageBodyLimit
		}
		r.Handle(stepPath(step), wrap(limit, s.complaintStep(step))).Methods(get, post)
	}
	r.Handle(stepPath(stepEvidence), wrap(formBodyLimit, s.handleEvidencePage)).Methods(get)
	r.Handle(stepPath(stepEvidence), s.uploadGuard(wrap(uploadBodyLimit, s.handleEvidenceUpload))).Methods(post)
	r.Handle(stepPath(stepEvidence)+"/remove", wrap(formBodyLimit, s.handleEvidenceRemove)).Methods(post)
	r.Handle(stepPath(stepCheck), wrap(formBodyLimit, s.handleCheckAnswers)).Methods(get)
	r.Handle(stepPath(stepCheck), wrap(formBodyLimit, s.handleComplaintSend)).Methods(post)
	r.Handle("/complaints/new/confirmation", wrap(formBodyLimit, s.handleComplaintConfirmation)).Methods(get)
}

// parseComplaintPages re-parses the complaint pages with the shared form
// partials, which a page file alone cannot see.
func (s *Server) parseComplaintPages() error {
	names, err := fs.Glob(pagesFS, "pages/complaint_*.html")
	if err != nil {
		return err
	}
	for _, n := range names {
		if n == "pages/complaint_partials.html" {
			continue
		}
		t, err := template.New("layout.html").Funcs(s.funcs()).ParseFS(pagesFS, "pages/layout.html", "pages/complaint_partials.html", n)
		if err != nil {
			return err
		}
		s.pages[strings.TrimSuffix(strings.TrimPrefix(n, "pages/"), ".html")] = t
	}
	return nil
}

// formField is everything a template needs to draw one question, with its
// wording already in the page's language.
type formField struct {
	Kind         string // radios, input, textarea, date, select
	ID, Name     string
	Label, Hint  string
	Error        string
	Value        string
	Heading      bool // the label or legend is the page's h1
	Width        string
	Type         string
	InputMode    string
	Autocomplete string
	Rows         int
	Options      []fieldOption
	// Date inputs.
	Day, Month, Year      string
	DayL, MonthL, YearL   string
	Other                 *formField // free text shown with the "other" option
	SpellcheckOff, Inline bool
	DescribedBy           string
	ErrorPrefix, Optional string
}

type fieldOption struct {
	ID, Value, Label, Hint string
	Checked                bool
	Divider                string
}

func (f *formField) finish(lang string) *formField {
	var ids []string
	if f.Hint != "" {
		ids = append(ids, f.ID+"-hint")
	}
	if f.Error != "" {
		ids = append(ids, f.ID+"-error")
	}
	f.DescribedBy = strings.Join(ids, " ")
	f.ErrorPrefix = translate(lang, "form.error_prefix")
	for i := range f.Options {
		if f.Options[i].ID == "" {
			if i == 0 {
				f.Options[i].ID = f.ID
			} else {
				f.Options[i].ID = f.ID + "-" + strconv.Itoa(i+1)
			}
		}
		f.Options[i].Checked = f.Options[i].Value == f.Value
	}
	if f.Other != nil {
		f.Other.finish(lang)
	}
	return f
}

// complaintView is the data of every complaint page.
type complaintView struct {
	Step      string
	Action    string
	Back      string
	Change    bool
	Heading   string
	Caption   string
	Intro     []string
	Fields    []*formField
	Button    string
	Honeypot  string
	Multipart bool

	// Evidence page.
	Files     []complaints.DraftFile
	CanAdd    bool
	FileField *formField
	// Check answers.
	Sections []checkSection
	// Confirmation and problem pages.
	Reference string
	Status    int
	Retry     int
	RetryURL  string
	// Problem names which 503 page this is when it is not an outage:
	// problemUploadsBusy or problemStoreFull.
	Problem string
}

type checkSection struct {
	Title string
	Rows  []checkRow
}

type checkRow struct {
	Key, Value, Change, ChangeHidden string
	Lines                            []string
}

func (s *Server) complaintPage(w http.ResponseWriter, r *http.Request, status int, name string, lang string, errs []apperr.FieldError, v *complaintView) {
	v.Honeypot = honeypotField
	s.render(w, r, status, name, page{Lang: lang, Errors: errs, Data: v})
}

// complaintStep serves one question page: GET shows it with the saved
// answers; POST saves them and moves on, or shows the page again with the
// errors.
func (s *Server) complaintStep(step string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		lang := s.requestLang(w, r)
		d := s.loadDraft(r)
		if step != stepChannel && d.Channel == "" {
			http.Redirect(w, r, stepPath(stepChannel), http.StatusSeeOther)
			return
		}
		if step == stepPermission && !d.asks("consent") {
			http.Redirect(w, r, stepPath(d.next(step)), http.StatusSeeOther)
			return
		}
		change := r.URL.Query().Get("change") == "1" || r.PostFormValue("change") == "1"
		var errs []apperr.FieldError
		status := http.StatusOK
		if r.Method == http.MethodPost {
			if strings.TrimSpace(r.PostFormValue(honeypotField)) != "" {
				d.Bot = true
			}
			readStep(step, d, r)
			errs = validateStep(lang, step, d, time.Now())
			if len(errs) == 0 {
				d.markDone(step)
				if step == stepChannel {
					d.pruneForChannel()
				}
				err := s.saveDraft(w, r, d)
				if err == nil {
					next := d.next(step)
					if change {
						next = d.firstMissing()
					}
					http.Redirect(w, r, stepPath(next)+changeQuery(change && next != stepCheck), http.StatusSeeOther)
					return
				}
				errs = []apperr.FieldError{{Field: firstField(step), Message: translate(lang, "err.draft_too_large")}}
			}
			status = http.StatusUnprocessableEntity
		} else if q := r.URL.Query(); q.Get("problem") == "1" {
			// Sending found a problem with this step's answers: show it
			// here, in the error summary, as if the step had been posted.
			errs = validateStep(lang, step, d, time.Now())
			if f := q.Get("field"); len(errs) == 0 && stepOfField[f] == step {
				errs = []apperr.FieldError{{Field: f, Code: q.Get("code"), Message: fieldMessage(lang, f, q.Get("code"), translate(lang, "err.invalid"))}}
			}
			if len(errs) > 0 {
				status = http.StatusUnprocessableEntity
			}
		}
		var parties []partyChoice
		if step == stepParty {
			var err error
			if parties, err = s.partyChoices(r.Context()); err != nil {
				s.complaintProblem(w, r, lang, d, err)
				return
			}
		}
		v := buildStepView(lang, step, d, errs, parties)
		v.Change = change
		v.Action = stepPath(step)
		if change {
			v.Back = stepPath(stepCheck)
		} else if p := d.prev(step); p != "" {
			v.Back = stepPath(p)
		} else {
			v.Back = "/"
		}
		s.complaintPage(w, r, status, "complaint_question", lang, errs, v)
	}
}

func changeQuery(change bool) string {
	if change {
		return "?change=1"
	}
	return ""
}

// pruneForChannel forgets answers to questions the new channel does not
// ask, so a changed channel cannot carry, say, a TPS answer onto an email.
func (d *complaintDraft) pruneForChannel() {
	for q, p := range map[string]*string{
		"tps_registered": &d.TPSRegistered, "sender_identified": &d.SenderIdentified,
		"opt_out_offered": &d.OptOutOffered, "recipients_visible": &d.RecipientsVisible,
		"targeting_reason": &d.TargetingReason, "special_category": &d.SpecialCategory,
		"consent": &d.Consent, "opted_out": &d.OptedOut,
	} {
		if !d.asks(q) {
			*p = ""
		}
	}
	// Questions that depend on the channel must be seen again.
	var kept []string
	for _, s := range d.Done {
		if s != stepMessage && s != stepPermission && s != stepSender {
			kept = append(kept, s)
		}
	}
	d.Done = kept
}

// readStep copies the posted answers of step into the draft.
func readStep(step string, d *complaintDraft, r *http.Request) {
	v := func(name string) string { return formValue(r, name) }
	switch step {
	case stepChannel:
		d.Channel = v("channel")
	case stepSender:
		d.Sender, d.Day, d.Month, d.Year, d.Time = v("sender"), v("received_day"), v("received_month"), v("received_year"), v("received_time")
	case stepMessage:
		d.Message, d.Description = v("message"), v("description")
		if d.asks("recipients_visible") {
			d.RecipientsVisible = v("recipients_visible")
		}
		if d.asks("targeting_reason") {
			d.TargetingReason = v("targeting_reason")
		}
		if d.asks("special_category") {
			d.SpecialCategory = v("special_category")
		}
	case stepPermission:
		d.Consent, d.OptedOut = v("consent"), v("opted_out")
		if d.asks("tps_registered") {
			d.TPSRegistered = v("tps_registered")
		}
		if d.asks("sender_identified") {
			d.SenderIdentified = v("sender_identified")
		}
		if d.asks("opt_out_offered") {
			d.OptOutOffered = v("opt_out_offered")
		}
	case stepParty:
		d.Party, d.PartyText = v("party"), v("party_text")
		if d.Party != partyOther {
			d.PartyText = ""
		}
	case stepAbout:
		d.Name, d.Email, d.Phone, d.Postcode, d.MayContact = v("name"), v("email"), v("phone"), v("postcode"), v("may_contact")
	}
}

// formValue is a posted value with control characters removed (newlines
// and tabs kept) and surrounding space trimmed; complaints.Normalize does
// the rest (NFC, per-field rules) when the complaint is sent.
func formValue(r *http.Request, name string) string {
	raw := r.PostFormValue(name)
	if !utf8.ValidString(raw) {
		raw = strings.ToValidUTF8(raw, "\uFFFD")
	}
	return strings.TrimSpace(strings.Map(func(c rune) rune {
		if c == '\n' || c == '\t' {
			return c
		}
		if c < 0x20 || (c >= 0x7f && c < 0xa0) {
			return -1
		}
		return c
	}, strings.ReplaceAll(raw, "\r\n", "\n")))
}

// Fields on each step, as element ids; a FieldError from Validate is shown
// on the step holding its field.
var stepOfField = map[string]string{
	"channel": stepChannel, "sender": stepSender, "received_at": stepSender, "received_time": stepSender,
	"message": stepMessage, "description": stepMessage, "recipients_visible": stepMessage,
	"targeting_reason": stepMessage, "special_category": stepMessage,
	"consent": stepPermission, "opted_out": stepPermission, "tps_registered": stepPermission,
	"sender_identified": stepPermission, "opt_out_offered": stepPermission,
	"party": stepParty, "party_text": stepParty, "evidence": stepEvidence,
	"name": stepAbout, "email": stepAbout, "phone": stepAbout, "postcode": stepAbout, "may_contact": stepAbout,
}

func firstField(step string) string {
	switch step {
	case stepSender:
		return "sender"
	case stepMessage:
		return "message"
	case stepAbout:
		return "name"
	}
	return step
}

// elementID maps a Validate field name (the API's JSON names) to the
// form's element id.
func elementID(field string) string {
	field = strings.TrimPrefix(field, "complainant.")
	if field == "party" {
		return "party"
	}
	return field
}

// fieldMessage is the error text for field and code in lang: the
// catalogue's "err.<field>.<code>", else its "err.<code>", else (English
// pages only) the validator's own sentence.
func fieldMessage(lang, field, code, fallback string) string {
	for _, k := range []string{"err." + field + "." + code, "err." + code} {
		if hasMessage(k) {
			return translate(lang, k)
		}
	}
	if lang == langEnglish && fallback != "" {
		return fallback
	}
	return translate(lang, "err.generic")
}

// validateStep checks the step's own rules (those the form adds: the
// channel and permission must be chosen, the date must be a real date) and
// then the domain's Validate on the answers so far, keeping only the errors
// of fields on this step, so the form and the API can never disagree.
func validateStep(lang, step string, d *complaintDraft, now time.Time) []apperr.FieldError {
	var errs []apperr.FieldError
	seen := map[string]bool{}
	add := func(field, code, fallback string) {
		if seen[field] {
			return
		}
		seen[field] = true
		errs = append(errs, apperr.FieldError{Field: field, Code: code, Message: fieldMessage(lang, field, code, fallback)})
	}
	validRadio := func(field, v string, allowed ...string) {
		for _, a := range allowed {
			if v == a {
				return
			}
		}
		if v == "" {
			add(field, "required", "")
		} else {
			add(field, "invalid", "")
		}
	}
	switch step {
	case stepChannel:
		validRadio("channel", d.Channel, complaints.Channels...)
	case stepSender:
		if _, _, code := d.receivedAt(); code != "" {
			field := "received_at"
			if code == "time_invalid" {
				field, code = "received_time", "invalid"
			}
			add(field, code, "")
		}
	case stepMessage:
		if d.RecipientsVisible != "" {
			if n, err := strconv.Atoi(strings.ReplaceAll(d.RecipientsVisible, ",", "")); err != nil || n < 0 {
				add("recipients_visible", "invalid", "")
			}
		}
		if d.asks("special_category") && d.SpecialCategory != "" {
			validRadio("special_category", d.SpecialCategory, "yes", "no", "unsure")
		}
	case stepPermission:
		validRadio("consent", d.Consent, "yes", "no", "unsure")
		for _, q := range []struct{ field, v string }{{"opted_out", d.OptedOut}, {"tps_registered", d.TPSRegistered},
			{"sender_identified", d.SenderIdentified}, {"opt_out_offered", d.OptOutOffered}} {
			if d.asks(q.field) && q.v != "" {
				validRadio(q.field, q.v, "yes", "no", "unsure")
			}
		}
	case stepParty:
		if d.Party == "" {
			add("party", "required", "")
		} else if d.Party != partyOther {
			if _, err := strconv.ParseInt(d.Party, 10, 64); err != nil {
				add("party", "invalid", "")
			}
		}
	case stepAbout:
		if d.MayContact != "" && d.MayContact != "yes" && d.MayContact != "no" {
			add("may_contact", "invalid", "")
		}
	}
	sub := d.submission(lang)
	sub.Normalize()
	if err := sub.Validate(now); err != nil {
		for _, fe := range apperr.FieldsOf(err) {
			id := elementID(fe.Field)
			if id == "party" && fe.Code == "too_long" {
				id = "party_text" // the registry choice cannot be too long; the free text can
			}
			// "Tell us what happened" is asked on the message page; the
			// rule also looks at the sender, so it waits until that page.
			if stepOfField[id] == step {
				add(id, fe.Code, fe.Message)
			}
		}
	}
	return errs
}

// receivedAt parses the date (and optional time) as typed, in London time.
// code is "" when valid, else required, invalid or time_invalid.
func (d *complaintDraft) receivedAt() (t time.Time, hasTime bool, code string) {
	if d.Day == "" && d.Month == "" && d.Year == "" {
		return time.Time{}, false, "required"
	}
	day, err1 := strconv.Atoi(d.Day)
	month, err2 := strconv.Atoi(d.Month)
	year, err3 := strconv.Atoi(d.Year)
	if err1 != nil || err2 != nil || err3 != nil || year < 1000 || month < 1 || month > 12 || day < 1 || day > 31 {
		return time.Time{}, false, "invalid"
	}
	t = time.Date(year, time.Month(month), day, 0, 0, 0, 0, complaints.London)
	if t.Day() != day {
		return time.Time{}, false, "invalid" // 31 February
	}
	if d.Time == "" {
		return t, false, ""
	}
	hh, mm, ok := parseClock(d.Time)
	if !ok {
		return t, false, "time_invalid"
	}
	return time.Date(year, time.Month(month), day, hh, mm, 0, 0, complaints.London), true, ""
}

// parseClock reads 14:30, 14.30, 2:30pm or 2pm.
func parseClock(v string) (h, m int, ok bool) {
	v = strings.ToLower(strings.ReplaceAll(v, " ", ""))
	pm, am := strings.HasSuffix(v, "pm"), strings.HasSuffix(v, "am")
	v = strings.TrimSuffix(strings.TrimSuffix(v, "pm"), "am")
	hs, ms, found := strings.Cut(strings.ReplaceAll(v, ".", ":"), ":")
	if !found {
		ms = "0"
	}
	h, err1 := strconv.Atoi(hs)
	m, err2 := strconv.Atoi(ms)
	if err1 != nil || err2 != nil || m < 0 || m > 59 || h < 0 || h > 23 || len(ms) > 2 {
		return 0, 0, false
	}
	if pm || am {
		if h < 1 || h > 12 {
			return 0, 0, false
		}
		if pm && h != 12 {
			h += 12
		}
		if am && h == 12 {
			h = 0
		}
	}
	return h, m, true
}

func triState(v string) *bool {
	switch v {
	case "yes":
		t := true
		return &t
	case "no":
		f := false
		return &f
	}
	return nil
}

// submission turns the draft into what complaints.Service.Submit takes.
// Answers to questions the channel does not ask are left out.
func (d *complaintDraft) submission(lang string) complaints.Submission {
	sub := complaints.Submission{
		Channel: d.Channel, Sender: d.Sender, Message: d.Message, Description: d.Description,
		Consent: d.Consent, Lang: lang, Source: "web",
	}
	if sub.Consent == "" {
		sub.Consent = complaints.ConsentUnsure
	}
	if t, hasTime, code := d.receivedAt(); code == "" || code == "time_invalid" {
		sub.ReceivedAt, sub.ReceivedAtHasTime = t, hasTime
	}
	if d.asks("opted_out") {
		sub.OptedOut = triState(d.OptedOut)
	}
	if d.asks("tps_registered") {
		sub.TPSRegistered = triState(d.TPSRegistered)
	}
	if d.asks("sender_identified") {
		sub.SenderIdentified = triState(d.SenderIdentified)
	}
	if d.asks("opt_out_offered") {
		sub.OptOutOffered = triState(d.OptOutOffered)
	}
	if d.asks("special_category") {
		sub.SpecialCategory = triState(d.SpecialCategory)
	}
	if d.asks("targeting_reason") {
		sub.TargetingReason = d.TargetingReason
	}
	if d.asks("recipients_visible") && d.RecipientsVisible != "" {
		if n, err := strconv.Atoi(strings.ReplaceAll(d.RecipientsVisible, ",", "")); err == nil {
			sub.RecipientsVisible = &n
		}
	}
	if d.Party == partyOther {
		sub.PartyText = d.PartyText
	} else if id, err := strconv.ParseInt(d.Party, 10, 64); err == nil {
		sub.PartyID = &id
	}
	if d.Name != "" || d.Email != "" || d.Phone != "" || d.Postcode != "" || d.MayContact == "yes" {
		sub.Complainant = &complaints.Complainant{Name: d.Name, Email: d.Email, Phone: d.Phone,
			Postcode: d.Postcode, MayContact: d.MayContact == "yes"}
	}
	return sub
}

// partyChoice is one registered party offered on the party page.
type partyChoice struct {
	ID   int64
	Name string
}

const sqlFormParties = `SELECT id, name FROM parties WHERE active ORDER BY lower(name)`

func (s *Server) partyChoices(ctx context.Context) ([]partyChoice, error) {
	rows, err := s.pool.Query(ctx, sqlFormParties)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []partyChoice
	for rows.Next() {
		var p partyChoice
		if err := rows.Scan(&p.ID, &p.Name); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

func (s *Server) partyName(ctx context.Context, lang, v, text string) (string, error) {
	if v == partyOther {
		if text == "" {
			return translate(lang, "party.not_sure"), nil
		}
		return text, nil
	}
	ps, err := s.partyChoices(ctx)
	if err != nil {
		return "", err
	}
	for _, p := range ps {
		if strconv.FormatInt(p.ID, 10) == v {
			return p.Name, nil
		}
	}
	return "", nil
}

// complaintProblem is the "try again" page for a database outage (or any
// failure that is not the person's fault). Their answers are still in
// their cookie, so the page sends them back to the step they were on.
func (s *Server) complaintProblem(w http.ResponseWriter, r *http.Request, lang string, d *complaintDraft, err error) {
	s.log.Error("complaint form: service problem", "err", err, "request_id", requestIDFrom(r.Context()), "route", routeName(r))
	w.Header().Set("Retry-After", "30")
	retry := r.URL.Path
	if change := r.URL.Query().Get("change"); change == "1" {
		retry += "?change=1"
	}
	s.complaintPage(w, r, http.StatusServiceUnavailable, "complaint_problem", lang, nil,
		&complaintView{Heading: translate(lang, "problem.heading"), Status: http.StatusServiceUnavailable, RetryURL: retry})
}

// complaintTooMany is the friendly 429 page.
func (s *Server) complaintTooMany(w http.ResponseWriter, r *http.Request, lang string, wait time.Duration) {
	secs := int(wait.Round(time.Second).Seconds())
	if secs < 1 {
		secs = 1
	}
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	s.complaintPage(w, r, http.StatusTooManyRequests, "complaint_problem", lang, nil,
		&complaintView{Heading: translate(lang, "toomany.heading"), Status: http.StatusTooManyRequests, Retry: secs, RetryURL: stepPath(stepCheck)})
}

// allowComplaint takes a token from the per-IP bucket the form shares with
// the JSON API (COMPLAINT_RATE, COMPLAINT_BURST).
func (s *Server) allowComplaint(r *http.Request) (bool, time.Duration) {
	if s.complaintRate == nil {
		return true, 0
	}
	return s.complaintRate.allow(clientIP(r), time.Now())
}

// isDBProblem tells an outage (or any failure that is not about the
// answers) from a validation result.
func isDBProblem(err error) bool {
	switch apperr.CodeOf(err) {
	case apperr.Invalid, apperr.RateLimited, apperr.TooLarge, apperr.BadRequest:
		return false
	}
	return true
}

// fakeReference looks like a real one; it is what a filled honeypot is
// shown, so a bot learns nothing from the page.
func fakeReference() string {
	const alphabet = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
	b := make([]byte, 8)
	for i := range b {
		n, _ := rand.Int(rand.Reader, big.NewInt(int64(len(alphabet))))
		b[i] = alphabet[n.Int64()]
	}
	return "CW-" + string(b[:4]) + "-" + string(b[4:])
}

// doneState is what the confirmation page shows, sealed in a cookie so
// the reference is never in a URL (and so never in logs or history).
type doneState struct {
	Reference string `json:"r"`
}

func (s *Server) handleComplaintSend(w http.ResponseWriter, r *http.Request) {
	lang := s.requestLang(w, r)
	d := s.loadDraft(r)
	if d.Channel == "" {
		http.Redirect(w, r, stepPath(stepChannel), http.StatusSeeOther)
		return
	}
	if d.Bot || strings.TrimSpace(r.PostFormValue(honeypotField)) != "" {
		// A filled honeypot (the "leave blank" field only bots see and
		// fill) gets the normal confirmation with a made-up reference and
		// nothing is stored, so the bot cannot tell it was caught.
		s.clearDraft(w, r)
		s.finishComplaint(w, r, fakeReference())
		return
	}
	if missing := d.firstMissing(); missing != stepCheck {
		http.Redirect(w, r, stepPath(missing), http.StatusSeeOther)
		return
	}
	for _, step := range d.steps() {
		if errs := validateStep(lang, step, d, time.Now()); len(errs) > 0 {
			http.Redirect(w, r, stepPath(step)+"?change=1&problem=1", http.StatusSeeOther)
			return
		}
	}
	if ok, wait := s.allowComplaint(r); !ok {
		s.complaintTooMany(w, r, lang, wait)
		return
	}
	seen, ok := evidenceFilesSeen(r.PostFormValue("evidence_files"))
	if !ok {
		// Not a list the check page wrote: show the page again.
		http.Redirect(w, r, stepPath(stepCheck), http.StatusSeeOther)
		return
	}
	sub := d.submission(lang)
	// The draft's files become the complaint's evidence inside the
	// database; they never pass through this process again. Submit
	// refuses when they are not the files the check page listed.
	sub.EvidenceDraft = d.fileKey()
	sub.EvidenceDraftFiles = seen
	receipt, err := s.complaints.Submit(r.Context(), sub, complaints.Meta{
		IP: clientIP(r), UserAgent: r.UserAgent(), IdempotencyKey: "web:" + d.ID,
	})
	switch {
	case err == nil:
	case apperr.CodeOf(err) == apperr.RateLimited:
		s.complaintTooMany(w, r, lang, 60*time.Second)
		return
	case isDBProblem(err):
		s.complaintProblem(w, r, lang, d, err)
		return
	default:
		// The domain found something the pages did not: show it where it
		// is answered. Files added since the check page was shown are
		// shown there again before anything is sent.
		for _, fe := range apperr.FieldsOf(err) {
			if fe.Field == "evidence" && fe.Code == "changed" {
				http.Redirect(w, r, stepPath(stepCheck), http.StatusSeeOther)
				return
			}
			if st, ok := stepOfField[elementID(fe.Field)]; ok {
				q := url.Values{"change": {"1"}, "problem": {"1"}, "field": {elementID(fe.Field)}, "code": {fe.Code}}
				http.Redirect(w, r, stepPath(st)+"?"+q.Encode(), http.StatusSeeOther)
				return
			}
		}
		s.complaintProblem(w, r, lang, d, err)
		return
	}
	// Committed. The draft's files were marked sent in the same
	// transaction; they are not deleted here, because their bytes keep
	// counting against this client for 24 hours (complaints/drafts.go).
	s.clearDraft(w, r)
	ref := receipt.Reference
	if receipt.DuplicateOf != "" && receipt.Reference == "" {
		ref = receipt.DuplicateOf
	}
	s.finishComplaint(w, r, ref)
}

// evidenceFilesSeen reads the check page's list of the draft files it
// showed: ids separated by commas, empty for none. ok is false for
// anything else.
func evidenceFilesSeen(v string) ([]int64, bool) {
	if v == "" {
		return nil, true
	}
	parts := strings.Split(v, ",")
	if len(parts) > complaints.MaxEvidenceFiles {
		return nil, false
	}
	ids := make([]int64, 0, len(parts))
	for _, p := range parts {
		id, err := strconv.ParseInt(p, 10, 64)
		if err != nil || id <= 0 {
			return nil, false
		}
		ids = append(ids, id)
	}
	return ids, true
}

func (s *Server) finishComplaint(w http.ResponseWriter, r *http.Request, ref string) {
	v, err := s.sealCookie(doneCookie, doneState{Reference: ref})
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.setFormCookie(w, doneCookie, v, 3600)
	http.Redirect(w, r, "/complaints/new/confirmation", http.StatusSeeOther)
}

func (s *Server) handleComplaintConfirmation(w http.ResponseWriter, r *http.Request) {
	lang := s.requestLang(w, r)
	var st doneState
	c, err := s.formCookie(r, doneCookie)
	if err != nil || s.openCookie(doneCookie, c.Value, &st) != nil || st.Reference == "" {
		http.Redirect(w, r, stepPath(stepChannel), http.StatusSeeOther)
		return
	}
	s.complaintPage(w, r, http.StatusOK, "complaint_confirmation", lang, nil, &complaintView{Reference: st.Reference})
}

func (s *Server) handleCheckAnswers(w http.ResponseWriter, r *http.Request) {
	lang := s.requestLang(w, r)
	d := s.loadDraft(r)
	if missing := d.firstMissing(); missing != stepCheck {
		http.Redirect(w, r, stepPath(missing), http.StatusSeeOther)
		return
	}
	v, err := s.checkView(r.Context(), lang, d)
	if err != nil {
		s.complaintProblem(w, r, lang, d, err)
		return
	}
	s.complaintPage(w, r, http.StatusOK, "complaint_check", lang, nil, v)
}

func (s *Server) handleEvidencePage(w http.ResponseWriter, r *http.Request) {
	lang := s.requestLang(w, r)
	d := s.loadDraft(r)
	if d.Channel == "" {
		http.Redirect(w, r, stepPath(stepChannel), http.StatusSeeOther)
		return
	}
	// Sending found a problem with the files (one expired after the check
	// page): say so here, where it is put right.
	if q := r.URL.Query(); q.Get("problem") == "1" && q.Get("field") == "evidence" && q.Get("code") == "expired" {
		s.evidencePage(w, r, lang, d, http.StatusUnprocessableEntity,
			[]apperr.FieldError{{Field: "evidence", Code: "expired", Message: fieldMessage(lang, "evidence", "expired", "")}})
		return
	}
	s.evidencePage(w, r, lang, d, http.StatusOK, nil)
}

func (s *Server) evidencePage(w http.ResponseWriter, r *http.Request, lang string, d *complaintDraft, status int, errs []apperr.FieldError) {
	files, err := complaints.DraftFiles(r.Context(), s.pool, d.fileKey())
	if err != nil {
		s.complaintProblem(w, r, lang, d, err)
		return
	}
	change := r.URL.Query().Get("change") == "1" || r.PostFormValue("change") == "1"
	v := &complaintView{
		Step: stepEvidence, Action: stepPath(stepEvidence), Change: change, Files: files,
		CanAdd: len(files) < complaints.MaxEvidenceFiles, Multipart: true,
		Heading: translate(lang, "evidence.heading"),
		Button:  translate(lang, "form.continue"),
	}
	if change {
		v.Back = stepPath(stepCheck)
	} else {
		v.Back = stepPath(d.prev(stepEvidence))
	}
	f := &formField{Kind: "file", ID: "evidence", Name: "evidence", Label: translate(lang, "evidence.file_label"),
		Hint: translate(lang, "evidence.file_hint", complaints.MaxEvidenceFiles)}
	for _, e := range errs {
		if e.Field == "evidence" {
			f.Error = e.Message
		}
	}
	v.FileField = f.finish(lang)
	s.complaintPage(w, r, status, "complaint_evidence", lang, errs, v)
}

func fmtSize(n int) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", (n+1023)/1024)
	}
	return fmt.Sprintf("%d B", n)
}
