package complaints

import (
	"time"

	"github.com/campaignwatch/campaignwatch/complaints/triage"
	"github.com/campaignwatch/campaignwatch/complaints/vocab"
)

// Referrer is what intake needs from triage: whether what a complaint is
// about is for another body, so that the complainant is told at once
// where to go (the receipt, the confirmation page and the
// acknowledgement), and the wording of that referral. Intake stores the
// complaint either way; out-of-scope complaints are still counted.
type Referrer interface {
	// Refer returns the id of the referral the submission gets, or ""
	// when it is in scope. It must be pure and quick: it runs inside the
	// submission's transaction.
	Refer(sub *Submission) string
	// Referral returns the referral with id, in English and Welsh.
	Referral(id string) (triage.Referral, bool)
}

// TriageReferrer is the Referrer over the triage engine in force: it runs
// the engine on the submission alone (no elections, parties or sender
// counts, none of which decide a referral) and reads the referral's
// wording from the engine's rulebook. The composition root builds it.
type TriageReferrer struct {
	Engine *triage.Engine
}

var _ Referrer = TriageReferrer{}

// Refer implements Referrer.
func (r TriageReferrer) Refer(sub *Submission) string {
	c := sub.TriageComplaint()
	res := r.Engine.Triage(&c, nil)
	if !res.OutOfScope {
		return ""
	}
	return res.Referral
}

// Referral implements Referrer.
func (r TriageReferrer) Referral(id string) (triage.Referral, bool) {
	return r.Engine.Rulebook().Referral(id)
}

// TriageComplaint is the submission as the triage engine reads it. The
// party is the name typed, if any: a party chosen from the list is
// resolved only when the complaint is stored. It reads the answers as the
// triage pipeline reads the stored complaint (review's storedComplaints),
// so intake's referral and triage's later one agree: the number or address
// the sender contacted is left out (the engine does not use it, and
// personal data must never reach a result), and the day they asked the
// sender to stop is a TriageDay.
func (s *Submission) TriageComplaint() triage.Complaint {
	c := triage.Complaint{
		Channel: s.Channel, Party: s.PartyText,
		ReceivedAt: triage.Date{Time: s.ReceivedAt, DayOnly: !s.ReceivedAtHasTime},
		Sender:     s.Sender, Message: s.Message, Description: s.Description, Consent: s.Consent,
		OptedOut: optBool(s.OptedOut), TPSRegistered: optBool(s.TPSRegistered),
		SenderIdentified: optBool(s.SenderIdentified), OptOutOffered: optBool(s.OptOutOffered),
		SpecialCategory: optBool(s.SpecialCategory),
		Member:          optBool(s.Member), WorkAddress: optBool(s.WorkAddress),
		BreachWhere: s.BreachWhere,
	}
	if len(s.BreachExposed) > 0 {
		c.BreachExposed = s.BreachExposed
	}
	if s.RecipientsVisible != nil {
		c.RecipientsVisible = triage.Int(*s.RecipientsVisible)
	}
	if s.AskedToStopOn != nil {
		c.AskedToStopOn = TriageDay(*s.AskedToStopOn)
	}
	return c
}

// TriageDay is a calendar day (the day they asked the sender to stop) as
// the triage engine is given it: midnight in London of the London day t
// falls on, marked as a day without a time. Intake's London midnight and
// the database's date (midnight UTC, the same London day) give the same
// Date.
func TriageDay(t time.Time) triage.Date {
	y, m, d := t.In(vocab.London).Date()
	return triage.Date{Time: time.Date(y, m, d, 0, 0, 0, 0, vocab.London), DayOnly: true}
}

func optBool(b *bool) triage.OptBool {
	if b == nil {
		return triage.OptBool{}
	}
	return triage.OptBool{Set: true, Value: *b}
}

// ServiceOption changes how NewService builds the service.
type ServiceOption func(*Service)

// WithReferrer has the intake refer out-of-scope complaints with r.
// Without it no complaint is referred at intake (triage still marks them
// out of scope later).
func WithReferrer(r Referrer) ServiceOption {
	return func(s *Service) { s.referrer = r }
}

// Referral returns the wording of the referral with id (a
// Receipt.Referral) for the confirmation page and the API's answer; false
// when the service refers nothing or the rulebook in force no longer has
// it.
func (s *Service) Referral(id string) (triage.Referral, bool) {
	if s.referrer == nil || id == "" {
		return triage.Referral{}, false
	}
	return s.referrer.Referral(id)
}

// refer is the referral intake gives sub, or nil.
func (s *Service) refer(sub *Submission) *string {
	if s.referrer == nil {
		return nil
	}
	if id := s.referrer.Refer(sub); id != "" {
		return &id
	}
	return nil
}
