package complaintform

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/campaignwatch/campaignwatch/complaints"
	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/outreach/parties"
)

// The steps of the form, in order. Which of them a complaint sees
// depends on its channel (complaints.Asks): the permission step is
// skipped for adverts, which reach people without any contact details;
// the breach steps are only for details shared or leaked another way;
// the contacted step only for texts, emails and calls; and the step
// asking when they asked the sender to stop only follows a "yes" to
// having asked.
const (
	stepChannel       = "channel"
	stepSender        = "sender"
	stepMessage       = "message"
	stepBreachWhere   = "breach-where"
	stepBreachCount   = "breach-count"
	stepBreachExposed = "breach-exposed"
	stepContacted     = "contacted"
	stepPermission    = "permission"
	stepStopped       = "asked-to-stop"
	stepParty         = "party"
	stepEvidence      = "evidence"
	stepAbout         = "about-you"
	stepCheck         = "check"
)

// questionSteps are the steps served by complaintStep, in order.
var questionSteps = []string{stepChannel, stepSender, stepMessage, stepBreachWhere, stepBreachCount,
	stepBreachExposed, stepContacted, stepPermission, stepStopped, stepParty, stepAbout}

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

// steps lists the steps the draft's channel (and its answers so far) ask.
func (d *complaintDraft) steps() []string {
	out := []string{stepChannel, stepSender, stepMessage}
	for _, s := range []string{stepBreachWhere, stepBreachCount, stepBreachExposed, stepContacted, stepPermission, stepStopped} {
		if d.asksStep(s) {
			out = append(out, s)
		}
	}
	return append(out, stepParty, stepEvidence, stepAbout)
}

// asksStep reports whether the draft is asked the questions of step;
// every step not named here is asked of every complaint.
func (d *complaintDraft) asksStep(step string) bool {
	switch step {
	case stepBreachWhere:
		return d.asks("breach_where")
	case stepBreachCount:
		// A breach's count has a page of its own; a BCC email's is asked
		// beside the email it was in (the message page).
		return d.asks("breach_where") && d.asks("recipients_visible")
	case stepBreachExposed:
		return d.asks("breach_exposed")
	case stepContacted:
		return d.asks("contacted") || d.asks("work_address")
	case stepPermission:
		return d.asks("consent")
	case stepStopped:
		return d.asks("asked_to_stop_on") && d.asks("opted_out") && d.OptedOut == "yes"
	}
	return true
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
		if !d.asksStep(step) {
			// Not a question for this complaint (an old link, or a
			// channel changed since): go on to what is still to answer.
			next := d.firstMissing()
			http.Redirect(w, r, stepPath(next)+changeQuery(r.URL.Query().Get("change") == "1" && next != stepCheck), http.StatusSeeOther)
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
				switch step {
				case stepChannel:
					d.pruneForChannel()
				case stepPermission:
					d.pruneStopped()
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
			if field := q.Get("field"); len(errs) == 0 && d.stepOfFieldFor(field) == step {
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
// The sensitive-details question goes whenever the form stops showing it:
// a breach is asked it (complaints.Asks) but answers it with its
// exposed-data checkboxes, and a hidden "no" from a BCC email must not
// outweigh what those checkboxes say.
func (d *complaintDraft) pruneForChannel() {
	if !d.specialOnMessagePage() {
		d.SpecialCategory = ""
	}
	for q, p := range map[string]*string{
		"tps_registered": &d.TPSRegistered, "sender_identified": &d.SenderIdentified,
		"opt_out_offered": &d.OptOutOffered, "recipients_visible": &d.RecipientsVisible,
		"targeting_reason": &d.TargetingReason,
		"consent":          &d.Consent, "opted_out": &d.OptedOut, "contacted": &d.Contacted,
		"member": &d.Member, "work_address": &d.WorkAddress, "breach_where": &d.BreachWhere,
	} {
		if !d.asks(q) {
			*p = ""
		}
	}
	if !d.asks("breach_exposed") {
		d.BreachExposed = nil
	}
	d.pruneStopped()
	// Questions that depend on the channel must be seen again.
	var kept []string
	for _, s := range d.Done {
		if s == stepChannel || s == stepParty || s == stepEvidence || s == stepAbout {
			kept = append(kept, s)
		}
	}
	d.Done = kept
}

// pruneStopped forgets the day they asked the sender to stop once that
// question is no longer asked (they now say they had not asked), so
// check answers and the complaint never carry a date for a "no".
func (d *complaintDraft) pruneStopped() {
	if !d.asksStep(stepStopped) {
		d.StopDay, d.StopMonth, d.StopYear = "", "", ""
		d.Done = slices.DeleteFunc(d.Done, func(s string) bool { return s == stepStopped })
	}
}
