package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/campaignwatch/campaignwatch/complaints"
	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/internal/audit"
	"github.com/campaignwatch/campaignwatch/internal/staff"
)

// complaintDetailRoles may see a complainant's own details.
var complaintDetailRoles = []staff.Role{staff.RoleAdmin, staff.RoleTriageOfficer}

// complaintImportRoles may import complaints.
var complaintImportRoles = []staff.Role{staff.RoleAdmin, staff.RolePoliticalTeam, staff.RoleTriageOfficer}

// publicAPIWrite marks the one state-changing API call that anybody may
// make. It acts on nobody's account, so a session cookie sent along with
// it gives a forger nothing and it needs no CSRF header.
func publicAPIWrite(r *http.Request) bool {
	return r.Method == http.MethodPost && r.URL.Path == "/api/v1/complaints"
}

// ipLimiter is a token bucket per client IP address.
type ipLimiter struct {
	mu      sync.Mutex
	limit   rate.Limit
	burst   int
	buckets map[string]*ipBucket
	swept   time.Time
}

type ipBucket struct {
	lim  *rate.Limiter
	seen time.Time
}

// newIPLimiter allows perMinute requests a minute with bursts of burst.
func newIPLimiter(perMinute, burst int) *ipLimiter {
	if perMinute <= 0 {
		perMinute = 10
	}
	if burst <= 0 {
		burst = 5
	}
	return &ipLimiter{limit: rate.Limit(float64(perMinute) / 60), burst: burst, buckets: map[string]*ipBucket{}}
}

// allow takes a token for ip, or says how long until one is free.
func (l *ipLimiter) allow(ip string, now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	// Drop buckets idle long enough to be full again, so the map cannot
	// grow without bound under a spray of addresses.
	if now.Sub(l.swept) > time.Minute {
		full := time.Duration(float64(l.burst)/float64(l.limit)*float64(time.Second)) + time.Minute
		for k, b := range l.buckets {
			if now.Sub(b.seen) > full {
				delete(l.buckets, k)
			}
		}
		l.swept = now
	}
	b := l.buckets[ip]
	if b == nil {
		b = &ipBucket{lim: rate.NewLimiter(l.limit, l.burst)}
		l.buckets[ip] = b
	}
	b.seen = now
	res := b.lim.ReserveN(now, 1)
	if d := res.DelayFrom(now); d > 0 {
		res.CancelAt(now)
		return false, d
	}
	return true, 0
}

// complaintLimiter is the per-IP rate limit on complaint submissions,
// shared by the API and the public form (wrap the form's POST handlers in
// it, or call s.complaintRate.allow for a custom page). Over the limit it
// answers 429 with Retry-After, as JSON or as a page.
func (s *Server) complaintLimiter(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if safeMethod(r.Method) {
			next.ServeHTTP(w, r)
			return
		}
		if ok, wait := s.complaintRate.allow(clientIP(r), time.Now()); !ok {
			secs := int(math.Ceil(wait.Seconds()))
			w.Header().Set("Retry-After", strconv.Itoa(secs))
			s.Error(w, r, apperr.New(apperr.RateLimited, "You have sent a lot of complaints in a short time. Please wait %d seconds and try again.", secs))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// apiComplaintFields are the keys POST /api/v1/complaints accepts.
var apiComplaintFields = map[string]bool{
	"channel": true, "party": true, "received_at": true, "sender": true, "message": true,
	"description": true, "consent": true, "opted_out": true, "tps_registered": true,
	"sender_identified": true, "opt_out_offered": true, "recipients_visible": true,
	"special_category": true, "targeting_reason": true, "complainant": true, "evidence": true, "lang": true,
	"contacted": true, "member": true, "work_address": true, "asked_to_stop_on": true,
	"breach_where": true, "breach_exposed": true,
}

var apiComplainantFields = map[string]bool{"name": true, "email": true, "phone": true, "postcode": true, "may_contact": true}

// decodeObject reads a JSON object, refusing unknown keys and anything
// after the object.
func decodeObject(raw []byte, allowed map[string]bool, where string) (map[string]json.RawMessage, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	var m map[string]json.RawMessage
	if err := dec.Decode(&m); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.Is(err, io.EOF):
			return nil, apperr.New(apperr.BadRequest, "The request body is empty; send the complaint as a JSON object.")
		case errors.As(err, &se):
			return nil, apperr.New(apperr.BadRequest, "The JSON is malformed at byte %d: %s.", se.Offset, se.Error())
		case errors.As(err, &te):
			return nil, apperr.New(apperr.BadRequest, "%s must be a JSON object.", where)
		default:
			return nil, apperr.New(apperr.BadRequest, "The JSON could not be read: %s.", err.Error())
		}
	}
	if m == nil {
		return nil, apperr.New(apperr.BadRequest, "%s must be a JSON object, not null.", where)
	}
	if dec.More() {
		return nil, apperr.New(apperr.BadRequest, "Send one JSON object; there is more after it.")
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, apperr.New(apperr.BadRequest, "Send one JSON object; there is more after it.")
	}
	var unknown []string
	for k := range m {
		if !allowed[k] {
			unknown = append(unknown, strconv.Quote(k))
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return nil, apperr.New(apperr.BadRequest, "Unknown field(s) in %s: %s.", where, strings.Join(unknown, ", "))
	}
	return m, nil
}

// jsonFields converts the loosely typed JSON values into a Submission,
// collecting a field error for each value of the wrong type.
type jsonFields struct {
	m    map[string]json.RawMessage
	errs []apperr.FieldError
	pre  string
}

func isNull(v json.RawMessage) bool { return len(v) == 0 || string(v) == "null" }

func (j *jsonFields) fail(field, msg string) {
	j.errs = append(j.errs, apperr.FieldError{Field: j.pre + field, Code: "invalid", Message: msg})
}

func (j *jsonFields) str(field string) string {
	v, ok := j.m[field]
	if !ok || isNull(v) {
		return ""
	}
	var s string
	if err := json.Unmarshal(v, &s); err != nil {
		j.fail(field, fmt.Sprintf("%s must be text (a JSON string)", j.pre+field))
	}
	return s
}

func (j *jsonFields) boolean(field string) *bool {
	v, ok := j.m[field]
	if !ok || isNull(v) {
		return nil
	}
	var b bool
	if err := json.Unmarshal(v, &b); err != nil {
		j.fail(field, fmt.Sprintf("%s must be true, false or null", j.pre+field))
		return nil
	}
	return &b
}

func (j *jsonFields) integer(field string) *int {
	v, ok := j.m[field]
	if !ok || isNull(v) {
		return nil
	}
	var f json.Number
	dec := json.NewDecoder(bytes.NewReader(v))
	dec.UseNumber()
	if err := dec.Decode(&f); err != nil {
		j.fail(field, fmt.Sprintf("Enter %s as a whole number from 0 to 1,000,000", field))
		return nil
	}
	n, err := strconv.ParseInt(string(f), 10, 64)
	if err != nil || n < 0 || n > 1_000_000 {
		j.fail(field, fmt.Sprintf("Enter %s as a whole number from 0 to 1,000,000", field))
		return nil
	}
	i := int(n)
	return &i
}

// strings reads a list of strings (null or missing: none).
func (j *jsonFields) strings(field string) []string {
	v, ok := j.m[field]
	if !ok || isNull(v) {
		return nil
	}
	var list []string
	if err := json.Unmarshal(v, &list); err != nil {
		j.fail(field, fmt.Sprintf("%s must be a list of texts (a JSON array of strings)", j.pre+field))
		return nil
	}
	return list
}

// day reads a YYYY-MM-DD day.
func (j *jsonFields) day(field string) *time.Time {
	v := j.str(field)
	if strings.TrimSpace(v) == "" {
		return nil
	}
	d, ok := complaints.ParseDay(v)
	if !ok {
		j.fail(field, fmt.Sprintf("Enter %s as a day, YYYY-MM-DD, for example 2024-03-27", j.pre+field))
		return nil
	}
	return &d
}

// submissionFromJSON builds the submission from the request body.
func submissionFromJSON(raw []byte) (complaints.Submission, error) {
	m, err := decodeObject(raw, apiComplaintFields, "the complaint")
	if err != nil {
		return complaints.Submission{}, err
	}
	j := &jsonFields{m: m}
	sub := complaints.Submission{
		Channel: j.str("channel"), PartyText: j.str("party"), Sender: j.str("sender"),
		Message: j.str("message"), Description: j.str("description"), Consent: j.str("consent"),
		OptedOut: j.boolean("opted_out"), TPSRegistered: j.boolean("tps_registered"),
		SenderIdentified: j.boolean("sender_identified"), OptOutOffered: j.boolean("opt_out_offered"),
		RecipientsVisible: j.integer("recipients_visible"), SpecialCategory: j.boolean("special_category"),
		TargetingReason: j.str("targeting_reason"), Lang: j.str("lang"), Source: "api",
		Contacted: j.str("contacted"), Member: j.boolean("member"), WorkAddress: j.boolean("work_address"),
		AskedToStopOn: j.day("asked_to_stop_on"), BreachWhere: j.str("breach_where"), BreachExposed: j.strings("breach_exposed"),
	}
	if v := j.str("received_at"); v != "" {
		t, hasTime, ok := complaints.ParseReceivedAt(v)
		if !ok {
			j.fail("received_at", "Enter the date the message arrived as YYYY-MM-DD, for example 2024-03-27, or an RFC 3339 time such as 2024-03-27T14:05:00Z")
		}
		sub.ReceivedAt, sub.ReceivedAtHasTime = t, hasTime
	}
	if v, ok := m["complainant"]; ok && !isNull(v) {
		if !bytes.HasPrefix(bytes.TrimSpace(v), []byte("{")) {
			j.fail("complainant", "complainant must be an object with name, email, phone, postcode and may_contact")
		} else {
			cm, err := decodeObject(v, apiComplainantFields, "complainant")
			if err != nil {
				return sub, err
			}
			cj := &jsonFields{m: cm, pre: "complainant."}
			c := &complaints.Complainant{Name: cj.str("name"), Email: cj.str("email"), Phone: cj.str("phone"), Postcode: cj.str("postcode")}
			if mc := cj.boolean("may_contact"); mc != nil {
				c.MayContact = *mc
			}
			j.errs = append(j.errs, cj.errs...)
			sub.Complainant = c
		}
	}
	if v, ok := m["evidence"]; ok && !isNull(v) {
		var files []struct {
			Filename string `json:"filename"`
			Data     string `json:"data"`
		}
		if err := json.Unmarshal(v, &files); err != nil {
			j.fail("evidence", "evidence must be a list of objects with filename and data (base64)")
		}
		for _, f := range files {
			data, err := base64.StdEncoding.DecodeString(f.Data)
			if err != nil {
				j.fail("evidence", "The data of each evidence file must be base64")
				break
			}
			sub.Evidence = append(sub.Evidence, complaints.Evidence{Filename: f.Filename, Data: data})
		}
	}
	if len(j.errs) > 0 {
		return sub, apperr.Fields(j.errs...)
	}
	return sub, nil
}

// mergeFieldErrors reports type errors and validation errors together, so
// the caller learns every problem at once.
func mergeFieldErrors(typeErr error, sub *complaints.Submission) error {
	sub.Normalize()
	verr := sub.Validate(time.Now())
	seen := map[string]bool{}
	var all []apperr.FieldError
	for _, f := range append(apperr.FieldsOf(typeErr), apperr.FieldsOf(verr)...) {
		if !seen[f.Field] {
			seen[f.Field] = true
			all = append(all, f)
		}
	}
	if len(all) == 0 {
		return nil
	}
	return apperr.Fields(all...)
}

func (s *Server) handleCreateComplaintAPI(w http.ResponseWriter, r *http.Request) {
	raw, err := io.ReadAll(r.Body)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	sub, err := submissionFromJSON(raw)
	if err != nil {
		if apperr.CodeOf(err) != apperr.Invalid {
			s.Error(w, r, err)
			return
		}
		s.Error(w, r, mergeFieldErrors(err, &sub))
		return
	}
	key := strings.TrimSpace(r.Header.Get("Idempotency-Key"))
	if len(key) > 200 {
		s.Error(w, r, apperr.New(apperr.BadRequest, "The Idempotency-Key header must be 200 characters or fewer."))
		return
	}
	ctx := r.Context()
	u := userFrom(ctx)
	if u == nil {
		ctx = audit.WithActor(ctx, audit.Actor{Label: "public", RequestID: requestIDFrom(ctx)})
	}
	meta := complaints.Meta{IP: clientIP(r), UserAgent: r.UserAgent()}
	if key != "" {
		sum := sha256.Sum256(raw)
		meta.IdempotencyKey, meta.RequestHash = scopedIdempotencyKey(r, key), sum[:]
	}
	// Anonymous evidence counts against the same quotas as the form's
	// uploads, or the API would be the way round them. Staff are trusted
	// with theirs.
	if u == nil && len(sub.Evidence) > 0 {
		charge := s.evidenceCharge(r)
		meta.Charge = &charge
	}
	rc, err := s.complaints.Submit(ctx, sub, meta)
	if err != nil {
		if errors.Is(err, complaints.ErrEvidenceDayFull) {
			w.Header().Set("Retry-After", strconv.Itoa(int(complaints.UntilEvidenceDayResets(time.Now()).Seconds())))
		}
		s.Error(w, r, err)
		return
	}
	// Which earlier complaint this one repeats is told only to staff who
	// may see complainants: anyone else could learn another person's
	// reference by sending their sender, message and name. A repeated
	// Idempotency-Key gets the answer the first request got.
	body := map[string]any{"reference": rc.Reference}
	if rc.DuplicateOf != "" && rc.DuplicateOf != rc.Reference && u.Can(complaintDetailRoles...) {
		body["duplicate_of"] = rc.DuplicateOf
	}
	// An out-of-scope complaint is stored, and the caller is told at once
	// where to go, in the complaint's language, for showing to the
	// complainant as it is.
	if r, ok := s.complaints.Referral(rc.Referral); ok {
		lang := strings.ToLower(strings.TrimSpace(sub.Lang))
		body["referral"] = apiReferral{ID: r.ID, Body: r.Body.In(lang), URL: r.URL, Text: r.Text.In(lang)}
	}
	writeJSON(w, http.StatusCreated, body)
}

// apiReferral is the API's answer for an out-of-scope complaint: the
// referral's id, for programs, and its wording in the complaint's
// language. Body and URL are empty when no body can act.
type apiReferral struct {
	ID   string `json:"id"`
	Body string `json:"body"`
	URL  string `json:"url"`
	Text string `json:"text"`
}

// complaintFilter reads the list filters shared by the API and the page.
func complaintFilter(r *http.Request) (complaints.Filter, error) {
	q := r.URL.Query()
	f := complaints.Filter{Channel: q.Get("channel"), Priority: q.Get("priority"), Status: q.Get("status"), Cursor: q.Get("cursor")}
	var errs []apperr.FieldError
	id := func(name string) *int64 {
		v := strings.TrimSpace(q.Get(name))
		if v == "" {
			return nil
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			errs = append(errs, apperr.FieldError{Field: name, Code: "invalid", Message: "Choose " + name + " by its number"})
			return nil
		}
		return &n
	}
	f.ElectionID, f.PartyID = id("election"), id("party")
	day := func(name string) time.Time {
		v := strings.TrimSpace(q.Get(name))
		if v == "" {
			return time.Time{}
		}
		t, err := time.ParseInLocation("2006-01-02", v, vocab.London)
		if err != nil {
			errs = append(errs, apperr.FieldError{Field: name, Code: "invalid", Message: "Enter the date as YYYY-MM-DD, for example 2024-03-27"})
		}
		return t
	}
	f.From, f.To = day("from"), day("to")
	if !f.To.IsZero() {
		f.To = f.To.AddDate(0, 0, 1) // "to" includes its whole day
	}
	if f.Channel != "" && !vocab.IsChannel(f.Channel) {
		errs = append(errs, apperr.FieldError{Field: "channel", Code: "invalid", Message: "Choose a channel: " + strings.Join(vocab.ChannelCodes(), ", ")})
	}
	// referral is a referral id, or "any" for every complaint triage found
	// out of scope.
	switch ref := strings.TrimSpace(q.Get("referral")); {
	case ref == "":
	case ref == "any":
		f.OutOfScope = true
	case complaints.IsReferral(ref):
		f.Referral = ref
	default:
		var ids []string
		for _, c := range complaints.ReferralChoices() {
			ids = append(ids, c.ID)
		}
		errs = append(errs, apperr.FieldError{Field: "referral", Code: "invalid", Message: "Choose a referral: any, " + strings.Join(ids, ", ")})
	}
	if f.Priority != "" && !vocab.IsPriority(f.Priority) {
		errs = append(errs, apperr.FieldError{Field: "priority", Code: "invalid", Message: "Choose a priority: urgent, high, medium or low"})
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 200 {
			errs = append(errs, apperr.FieldError{Field: "limit", Code: "invalid", Message: "Enter a limit from 1 to 200"})
		}
		f.Limit = n
	}
	if len(errs) > 0 {
		return f, apperr.Fields(errs...)
	}
	return f, nil
}

func (s *Server) handleListComplaintsAPI(w http.ResponseWriter, r *http.Request) {
	f, err := complaintFilter(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	p, err := s.complaints.List(r.Context(), f)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, complaintPageJSON(p))
}

// scopedIdempotencyKey ties a client's Idempotency-Key to that client (the
// staff user, or else the network address), so one caller reusing another's
// key can neither suppress a new complaint nor learn someone else's
// reference. It is stored hashed: the address is not kept.
func scopedIdempotencyKey(r *http.Request, key string) string {
	who := "ip:" + clientIP(r)
	if u := userFrom(r.Context()); u != nil {
		who = "staff:" + strconv.FormatInt(u.ID, 10)
	}
	sum := sha256.Sum256([]byte(who + "\x00" + key))
	return "api:" + hex.EncodeToString(sum[:])
}
