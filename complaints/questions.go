package complaints

import (
	"slices"
	"strings"

	"github.com/campaignwatch/campaignwatch/complaints/vocab"
)

// Which questions each channel asks. The form shows a question only when
// the complaint's channel asks it; Normalize and Validate apply the same
// rule to the API and imports, so all three agree.
//
// Two kinds of question differ in what happens to an answer a channel
// does not ask:
//   - the questions about how the channel itself works (tps_registered:
//     the TPS is a register of telephone numbers; sender_identified and
//     opt_out_offered: what the marketing rules require a text, an email
//     or a call to say) contradict any other channel, so such an answer
//     is refused, naming the field;
//   - the questions about the person's dealings with the sender and about
//     the message (consent, opted_out, recipients_visible,
//     targeting_reason, special_category, and policy 2's contacted,
//     member, work_address and asked_to_stop_on) are asked where they
//     matter most, but an answer about another channel is still true, so
//     it is kept as given (the API and imports have always stored them);
//   - the data_breach questions (breach_where, breach_exposed) describe
//     a leak, and mean nothing about a text or a call: they are strict.

// question is one channel-specific question: asked only of the channels
// in only, or of every channel but those in except.
type question struct {
	only, except []string
	// strict refuses an answer from a channel that does not ask it.
	strict bool
}

// The channel groups the questions are asked of.
var (
	directMarketing = []string{vocab.ChannelSMS, vocab.ChannelEmail, vocab.ChannelAutomatedCall, vocab.ChannelLiveCall}
	electronicMail  = []string{vocab.ChannelSMS, vocab.ChannelEmail}
	breaches        = []string{vocab.ChannelBCCBreach, vocab.ChannelDataBreach}
)

var questions = map[string]question{
	"consent":            {except: []string{vocab.ChannelSocialMediaAd}},
	"opted_out":          {except: []string{vocab.ChannelSocialMediaAd}},
	"tps_registered":     {only: []string{vocab.ChannelAutomatedCall, vocab.ChannelLiveCall}, strict: true},
	"sender_identified":  {only: directMarketing, strict: true},
	"opt_out_offered":    {only: electronicMail, strict: true},
	"recipients_visible": {only: breaches},
	"targeting_reason":   {only: []string{vocab.ChannelSocialMediaAd}},
	"special_category":   {only: []string{vocab.ChannelBCCBreach, vocab.ChannelDataBreach, vocab.ChannelSocialMediaAd}},

	// Policy 2's structured facts. Whom the sender contacted, whether they
	// had signed up as a member and when they asked to stop decide the
	// marketing rules of texts, emails and calls; a work address decides
	// whether regulation 22 (texts and emails only) protects them.
	"contacted":        {only: directMarketing},
	"member":           {only: directMarketing},
	"asked_to_stop_on": {only: directMarketing},
	"work_address":     {only: electronicMail},
	"breach_where":     {only: []string{vocab.ChannelDataBreach}, strict: true},
	"breach_exposed":   {only: []string{vocab.ChannelDataBreach}, strict: true},
}

// Asks reports whether a complaint that came by channel is asked question
// q (its JSON field name). Questions that do not depend on the channel
// are asked of every complaint.
func Asks(channel, q string) bool {
	rule, ok := questions[q]
	switch {
	case !ok:
		return true
	case rule.only != nil:
		return slices.Contains(rule.only, channel)
	default:
		return !slices.Contains(rule.except, channel)
	}
}

// askedOf lists the channels that ask q, for messages.
func askedOf(q string) []string {
	var out []string
	for _, c := range vocab.ChannelCodes() {
		if Asks(c, q) {
			out = append(out, c)
		}
	}
	return out
}

// applyQuestions removes the answers to questions about how a channel
// works that the submission's channel does not ask, remembering them for
// Validate to refuse. An unknown channel is left alone: Validate refuses
// the channel itself.
func (s *Submission) applyQuestions() {
	if !vocab.IsChannel(s.Channel) {
		return
	}
	drop := func(q string, answered bool, clear func()) {
		if answered && questions[q].strict && !Asks(s.Channel, q) {
			clear()
			if !slices.Contains(s.notAsked, q) {
				s.notAsked = append(s.notAsked, q)
			}
		}
	}
	drop("tps_registered", s.TPSRegistered != nil, func() { s.TPSRegistered = nil })
	drop("sender_identified", s.SenderIdentified != nil, func() { s.SenderIdentified = nil })
	drop("opt_out_offered", s.OptOutOffered != nil, func() { s.OptOutOffered = nil })
	drop("breach_where", s.BreachWhere != "", func() { s.BreachWhere = "" })
	drop("breach_exposed", len(s.BreachExposed) > 0, func() { s.BreachExposed = nil })
}

func notAskedMessage(q, channel string) string {
	return "Leave " + q + " out for a " + channel + " complaint: it is only asked about " +
		strings.Join(askedOf(q), ", ") + " complaints"
}
