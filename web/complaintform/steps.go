package complaintform

import (
	"net/http"
	"strings"
	"time"

	"github.com/campaignwatch/campaignwatch/complaints"
	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/outreach/parties"
)

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
	if d.Channel != vocab.ChannelSocialMediaAd {
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

// complaintStep serves one question page: GET shows it with the saved
// answers; POST saves them and moves on, or shows the page again with the
// errors.
func (f *form) complaintStep(step string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		lang := f.host.Lang(w, r)
		d := f.loadDraft(r)
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
				err := f.saveDraft(w, r, d)
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
			if field := q.Get("field"); len(errs) == 0 && stepOfField[field] == step {
				errs = []apperr.FieldError{{Field: field, Code: q.Get("code"), Message: fieldMessage(lang, field, q.Get("code"), translate(lang, "err.invalid"))}}
			}
			if len(errs) > 0 {
				status = http.StatusUnprocessableEntity
			}
		}
		var parties []parties.NameRef
		if step == stepParty {
			var err error
			if parties, err = f.partyChoices(r.Context()); err != nil {
				f.complaintProblem(w, r, lang, d, err)
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
		f.complaintPage(w, r, status, "complaint_question", lang, errs, v)
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
