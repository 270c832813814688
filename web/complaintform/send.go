package complaintform

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/campaignwatch/campaignwatch/complaints"
	"github.com/campaignwatch/campaignwatch/internal/apperr"
)

// isDBProblem tells an outage (or any failure that is not about the
// answers) from a validation result.
func isDBProblem(err error) bool {
	switch apperr.CodeOf(err) {
	case apperr.Invalid, apperr.RateLimited, apperr.TooLarge, apperr.BadRequest:
		return false
	}
	return true
}

// doneState is what the confirmation page shows, sealed in a cookie so
// the reference is never in a URL (and so never in logs or history).
type doneState struct {
	Reference string `json:"r"`
	// Referral is the id of the rulebook's referral intake found for the
	// complaint (complaints.Receipt.Referral), or "".
	Referral string `json:"f,omitempty"`
}

func (f *form) handleComplaintSend(w http.ResponseWriter, r *http.Request) {
	lang := f.host.Lang(w, r)
	d, ok := f.startedDraft(w, r)
	if !ok {
		return
	}
	if d.Bot || strings.TrimSpace(r.PostFormValue(honeypotField)) != "" {
		// A filled honeypot (the "leave blank" field only bots see and
		// fill) gets the normal confirmation with a made-up reference and
		// nothing is stored, so the bot cannot tell it was caught.
		f.clearDraft(w, r)
		f.finishComplaint(w, r, doneState{Reference: complaints.NewReference()})
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
	if ok, wait := f.host.AllowComplaint(r); !ok {
		f.complaintTooMany(w, r, lang, wait)
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
	receipt, err := f.complaints.Submit(r.Context(), sub, complaints.Meta{
		IP: f.host.ClientIP(r), UserAgent: r.UserAgent(), IdempotencyKey: "web:" + d.ID,
	})
	switch {
	case err == nil:
	case apperr.CodeOf(err) == apperr.RateLimited:
		f.complaintTooMany(w, r, lang, 60*time.Second)
		return
	case isDBProblem(err):
		f.complaintProblem(w, r, lang, d, err)
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
			if st := d.stepOfFieldFor(elementID(fe.Field)); st != "" {
				q := url.Values{"change": {"1"}, "problem": {"1"}, "field": {elementID(fe.Field)}, "code": {fe.Code}}
				http.Redirect(w, r, stepPath(st)+"?"+q.Encode(), http.StatusSeeOther)
				return
			}
		}
		f.complaintProblem(w, r, lang, d, err)
		return
	}
	// Committed. The draft's files were marked sent in the same
	// transaction; they are not deleted here, because their bytes keep
	// counting against this client for 24 hours (complaints/drafts.go).
	f.clearDraft(w, r)
	f.finishComplaint(w, r, doneFor(receipt))
}

// doneFor is what the confirmation page shows for receipt: its reference
// (the first complaint's, when this one was taken for a repeat of it) and
// the referral intake found, if any.
func doneFor(receipt complaints.Receipt) doneState {
	ref := receipt.Reference
	if receipt.DuplicateOf != "" && receipt.Reference == "" {
		ref = receipt.DuplicateOf
	}
	return doneState{Reference: ref, Referral: receipt.Referral}
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

func (f *form) finishComplaint(w http.ResponseWriter, r *http.Request, st doneState) {
	v, err := f.sealCookie(doneCookie, st)
	if err != nil {
		f.host.Error(w, r, err)
		return
	}
	f.setFormCookie(w, doneCookie, v, 3600)
	http.Redirect(w, r, "/complaints/new/confirmation", http.StatusSeeOther)
}

func (f *form) handleComplaintConfirmation(w http.ResponseWriter, r *http.Request) {
	lang := f.host.Lang(w, r)
	var st doneState
	c, err := f.formCookie(r, doneCookie)
	if err != nil || f.openCookie(doneCookie, c.Value, &st) != nil || st.Reference == "" {
		http.Redirect(w, r, stepPath(stepChannel), http.StatusSeeOther)
		return
	}
	v := f.confirmationView(lang, st)
	if f.org != nil {
		// The complaint is sent: a failure to read the settings costs the
		// contact block, not the confirmation.
		org, err := f.org.Current(r.Context())
		if err != nil {
			f.log.Warn("organisation settings unavailable for the confirmation page", "err", err, "request_id", f.host.RequestID(r))
		}
		v.Contact = org
	}
	f.complaintPage(w, r, http.StatusOK, "complaint_confirmation", lang, nil, v)
}

// referralView is who can help with what was reported, in the page's
// language: the body's name (capitalised, as it starts a line) and web
// address, or neither when no body can act, and what to do.
type referralView struct {
	Body, URL, Text string
}

// confirmationView lays out the confirmation page for st in lang. A
// referral the rulebook no longer has (it changed since the complaint
// was sent) is left out rather than shown half.
func (f *form) confirmationView(lang string, st doneState) *complaintView {
	v := &complaintView{Reference: st.Reference}
	if st.Referral == "" || f.referral == nil {
		return v
	}
	ref, ok := f.referral(st.Referral)
	if !ok || ref.Text.In(lang) == "" {
		return v
	}
	v.Referral = &referralView{Body: upperFirst(ref.Body.In(lang)), Text: ref.Text.In(lang)}
	if v.Referral.Body != "" {
		v.Referral.URL = ref.URL
	}
	return v
}

// upperFirst capitalises the first letter of s: "the Electoral
// Commission" as a line of its own.
func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

func (f *form) handleCheckAnswers(w http.ResponseWriter, r *http.Request) {
	lang := f.host.Lang(w, r)
	d := f.loadDraft(r)
	if missing := d.firstMissing(); missing != stepCheck {
		http.Redirect(w, r, stepPath(missing), http.StatusSeeOther)
		return
	}
	v, err := f.checkView(r.Context(), lang, d)
	if err != nil {
		f.complaintProblem(w, r, lang, d, err)
		return
	}
	f.complaintPage(w, r, http.StatusOK, "complaint_check", lang, nil, v)
}
