package complaints

import (
	"unicode"
	"unicode/utf8"

	"github.com/campaignwatch/campaignwatch/complaints/triage"
)

// ReferralChoice is a referral as staff filters and reports name it.
type ReferralChoice struct {
	// ID is the rulebook's fixed referral id, as results store it.
	ID string
	// Label names the body in words ("Action Fraud"), or says that no
	// body can act.
	Label string
}

// noBodyLabel names the referral with no body: what happened is lawful.
const noBodyLabel = "No other body: what happened is lawful"

// referralBodies are the default rulebook's referral bodies by id, in the
// rulebook's order. Referral ids are fixed, so the shipped rulebook names
// them even when a replacement rulebook is in force.
var referralBodies = func() []ReferralChoice {
	rb, err := triage.DefaultRulebook()
	if err != nil {
		return nil
	}
	out := make([]ReferralChoice, 0, len(rb.Referrals))
	for _, r := range rb.Referrals {
		out = append(out, ReferralChoice{ID: r.ID, Label: r.Body.EN})
	}
	return out
}()

// ReferralChoices lists the referrals in the rulebook's order, each with
// its label, for filters and report tables.
func ReferralChoices() []ReferralChoice {
	out := make([]ReferralChoice, len(referralBodies))
	for i, r := range referralBodies {
		out[i] = ReferralChoice{ID: r.ID, Label: ReferralBodyLabel(r.ID)}
	}
	return out
}

// IsReferral reports whether id is a referral of the rulebook.
func IsReferral(id string) bool {
	for _, r := range referralBodies {
		if r.ID == id {
			return true
		}
	}
	return false
}

// ReferralBodyLabel names the body a referral sends the complainant to,
// starting with a capital ("The Electoral Commission"), for a table or a
// pick list; for the referral with no body it says so. An unknown id is
// returned as it is, so a figure is never lost.
func ReferralBodyLabel(id string) string {
	body, ok := referralBody(id)
	switch {
	case !ok:
		return id
	case body == "":
		return noBodyLabel
	}
	r, n := utf8.DecodeRuneInString(body)
	return string(unicode.ToUpper(r)) + body[n:]
}

// OutOfScopeLabel is the sentence staff read on an out-of-scope
// complaint: "Out of scope — referred to Action Fraud".
func OutOfScopeLabel(id string) string {
	body, ok := referralBody(id)
	switch {
	case !ok:
		return "Out of scope — referred elsewhere (" + id + ")"
	case body == "":
		return "Out of scope — no other body can act: what happened is lawful"
	}
	return "Out of scope — referred to " + body
}

func referralBody(id string) (string, bool) {
	for _, r := range referralBodies {
		if r.ID == id {
			return r.Label, true
		}
	}
	return "", false
}
