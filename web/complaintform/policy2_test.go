package complaintform_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/complaints"
	"github.com/campaignwatch/campaignwatch/web/complaintform"
	"github.com/campaignwatch/campaignwatch/web/internal/formtest"
	"github.com/campaignwatch/campaignwatch/web/webtest"
)

// dateValues are a date's three inputs named prefix_day, _month, _year.
func dateValues(prefix string, t time.Time) url.Values {
	return url.Values{prefix + "_day": {fmt.Sprint(t.Day())}, prefix + "_month": {fmt.Sprint(int(t.Month()))},
		prefix + "_year": {fmt.Sprint(t.Year())}}
}

// walkToMessage answers the channel and sender pages and the message page,
// and requires next after it.
func (w *formWalker) walkToMessage(channel, sender, message, next string) {
	w.T.Helper()
	w.Step("/complaints/new", url.Values{"channel": {channel}}, "/complaints/new/sender")
	v := dateValues("received", time.Now().AddDate(0, 0, -1))
	v.Set("sender", sender)
	w.Step("/complaints/new/sender", v, "/complaints/new/message")
	w.Step("/complaints/new/message", url.Values{"message": {message}}, next)
}

// A data breach is asked where it happened, how many people's details
// were exposed and what was exposed, one page each, with the GOV.UK
// errors; check answers shows the answers in words with change links.
func TestComplaintFormDataBreachPages(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{})
	partyID := addParty(t, env, "Example Party")
	w := newFormWalker(t, env)

	status, body := w.Get("/complaints/new")
	require.Equal(t, http.StatusOK, status)
	require.Contains(t, body, `value="data_breach"`)
	require.Contains(t, body, "My details were shared or leaked another way")

	w.walkToMessage("data_breach", "Example Party canvassers", "The group showed all 240 members' numbers", "/complaints/new/breach-where")
	status, body = w.Get("/complaints/new/message")
	require.Equal(t, http.StatusOK, status)
	require.NotContains(t, body, `name="recipients_visible"`, "a breach's count has a page of its own")
	require.NotContains(t, body, `name="special_category"`, "what was exposed asks it instead")

	// Where: a choice is needed.
	status, _, body = w.Post("/complaints/new/breach-where", url.Values{})
	require.Equal(t, http.StatusUnprocessableEntity, status)
	require.Contains(t, body, `<a href="#breach_where">Select where your details were shared or leaked</a>`)
	require.Contains(t, body, `<h1 class="fieldset-heading">Where were your details shared or leaked?</h1>`)
	status, _, _ = w.Post("/complaints/new/breach-where", url.Values{"breach_where": {"the_moon"}})
	require.Equal(t, http.StatusUnprocessableEntity, status)
	w.Step("/complaints/new/breach-where", url.Values{"breach_where": {"group_chat"}}, "/complaints/new/breach-count")

	// How many: a whole number, or nothing.
	status, _, body = w.Post("/complaints/new/breach-count", url.Values{"recipients_visible": {"lots"}})
	require.Equal(t, http.StatusUnprocessableEntity, status)
	require.Contains(t, body, `<a href="#recipients_visible">Enter the number of people as a whole number, like 25, or leave it blank</a>`)
	require.Contains(t, body, `value="lots"`, "the answer is shown again as typed")
	w.Step("/complaints/new/breach-count", url.Values{"recipients_visible": {"2,400"}}, "/complaints/new/breach-exposed")

	// What: any of the list, or none.
	status, body = w.Get("/complaints/new/breach-exposed")
	require.Equal(t, http.StatusOK, status)
	require.Contains(t, body, `type="checkbox" value="phone_number"`)
	require.Contains(t, body, "That I am a member or supporter of a party or campaign")
	status, _, body = w.Post("/complaints/new/breach-exposed", url.Values{"breach_exposed": {"phone_number", "bank_details"}})
	require.Equal(t, http.StatusUnprocessableEntity, status)
	require.Contains(t, body, "Select what it showed about you from the list")
	w.Step("/complaints/new/breach-exposed", url.Values{"breach_exposed": {"phone_number", "party_membership"}}, "/complaints/new/permission")

	// The texts' and calls' own questions are not asked of a breach.
	status, body = w.Get("/complaints/new/permission")
	require.Equal(t, http.StatusOK, status)
	require.Contains(t, body, "Had you agreed to them sharing your details this way?")
	require.NotContains(t, body, `name="member"`)
	res := w.C.Get("/complaints/new/contacted")
	res.Body.Close()
	require.Equal(t, http.StatusSeeOther, res.StatusCode, "no contacted page for a breach")

	w.Step("/complaints/new/permission", url.Values{"consent": {"no"}, "opted_out": {"no"}}, "/complaints/new/party")
	w.Step("/complaints/new/party", url.Values{"party": {fmt.Sprint(partyID)}}, "/complaints/new/evidence")
	status, loc, body := w.Upload("", nil, "continue")
	require.Equal(t, http.StatusSeeOther, status, body)
	require.Equal(t, "/complaints/new/about-you", loc)
	w.Step("/complaints/new/about-you", url.Values{}, "/complaints/new/check")

	status, body = w.Get("/complaints/new/check")
	require.Equal(t, http.StatusOK, status)
	for _, want := range []string{
		"Where it happened", "In a group chat (for example WhatsApp or Messenger)",
		"How many people&#39;s details were exposed", "2,400",
		"What it showed about you", "<li>My phone number</li>", "<li>That I am a member or supporter of a party or campaign</li>",
		`href="/complaints/new/breach-where?change=1"`, `href="/complaints/new/breach-count?change=1"`,
		`href="/complaints/new/breach-exposed?change=1"`,
	} {
		require.Contains(t, body, want)
	}
	require.NotContains(t, body, "party_membership", "codes are never shown")

	// A change link comes back to check answers, keeping the other answers.
	status, body = w.Get("/complaints/new/breach-exposed?change=1")
	require.Equal(t, http.StatusOK, status)
	require.Contains(t, body, `value="party_membership" checked`)
	w.Step("/complaints/new/breach-exposed", url.Values{"change": {"1"}, "breach_exposed": {"phone_number", "voting_intention"}}, "/complaints/new/check")

	w.Step("/complaints/new/check", url.Values{}, "/complaints/new/confirmation")
	status, body = w.Get("/complaints/new/confirmation")
	require.Equal(t, http.StatusOK, status)
	ref := formtest.ReferenceRE.FindString(body)
	require.NotEmpty(t, ref)
	var channel string
	var visible int
	require.NoError(t, env.Pool.QueryRow(context.Background(), `SELECT channel, recipients_visible FROM complaints WHERE reference = $1`, ref).
		Scan(&channel, &visible))
	require.Equal(t, "data_breach", channel)
	require.Equal(t, 2400, visible)
}

// Texts, emails and calls are asked the number or address contacted, a
// work address (texts and emails), membership and, after a "yes" to
// having asked them to stop, the day they asked: each can be skipped.
func TestComplaintFormStructuredFacts(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{})
	w := newFormWalker(t, env)
	w.walkToMessage("email", "news@example.org", "Our newsletter", "/complaints/new/contacted")

	status, body := w.Get("/complaints/new/contacted")
	require.Equal(t, http.StatusOK, status)
	require.Contains(t, body, "Which of your email addresses did they send it to? (optional)")
	require.Contains(t, body, "Your own email address")
	require.Contains(t, body, "Your email address is personal information.")
	require.Contains(t, body, "delete it when we delete them")
	require.Contains(t, body, "Was it sent to a work email address?")
	status, _, body = w.Post("/complaints/new/contacted", url.Values{"contacted": {strings.Repeat("a", 201)}, "work_address": {"maybe"}})
	require.Equal(t, http.StatusUnprocessableEntity, status)
	require.Contains(t, body, `<a href="#contacted">The number or address must be 200 characters or fewer</a>`)
	require.Contains(t, body, `<a href="#work_address">Select yes, no or I&#39;m not sure</a>`)
	// Both may be left blank.
	w.Step("/complaints/new/contacted", url.Values{}, "/complaints/new/permission")

	status, body = w.Get("/complaints/new/permission")
	require.Equal(t, http.StatusOK, status)
	require.Contains(t, body, "Are you a member or supporter who signed up to hear from them?")
	// No to having asked them to stop: the date is not asked.
	w.Step("/complaints/new/permission", url.Values{"consent": {"unsure"}, "member": {"unsure"}, "opted_out": {"no"}}, "/complaints/new/party")
	res := w.C.Get("/complaints/new/asked-to-stop")
	res.Body.Close()
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	require.Equal(t, "/complaints/new/party", res.Header.Get("Location"))

	// Yes: the date is asked next, and checked the GOV.UK way.
	w.Step("/complaints/new/permission", url.Values{"consent": {"no"}, "member": {"yes"}, "opted_out": {"yes"}}, "/complaints/new/asked-to-stop")
	status, body = w.Get("/complaints/new/asked-to-stop")
	require.Equal(t, http.StatusOK, status)
	require.Contains(t, body, `<h1 class="fieldset-heading">When did you ask them to stop? (optional)</h1>`)
	require.Contains(t, body, `name="stopped_month"`)

	cases := []struct {
		day, month, year string
		link, message    string
	}{
		{"12", "", "2024", "asked_to_stop_on-month", "The date you asked them to stop must include a month"},
		{"", "", "2024", "asked_to_stop_on", "The date you asked them to stop must include a day and month"},
		{"12", "3", "24", "asked_to_stop_on-year", "Year must include 4 numbers"},
		{"30", "2", "2024", "asked_to_stop_on", "The date you asked them to stop must be a real date"},
		{"1", "13", "2024", "asked_to_stop_on", "The date you asked them to stop must be a real date"},
		{"1", "1", "1999", "asked_to_stop_on", "The date you asked them to stop must be in the year 2000 or later"},
	}
	tomorrow := time.Now().AddDate(0, 0, 2)
	cases = append(cases, struct{ day, month, year, link, message string }{fmt.Sprint(tomorrow.Day()), fmt.Sprint(int(tomorrow.Month())),
		fmt.Sprint(tomorrow.Year()), "asked_to_stop_on", "The date you asked them to stop must be today or in the past"})
	for _, c := range cases {
		status, _, body = w.Post("/complaints/new/asked-to-stop", url.Values{"stopped_day": {c.day}, "stopped_month": {c.month}, "stopped_year": {c.year}})
		require.Equal(t, http.StatusUnprocessableEntity, status, "%+v", c)
		require.Contains(t, body, `<a href="#`+c.link+`">`+c.message+`</a>`, "%+v", c)
		require.Contains(t, body, `id="asked_to_stop_on-error"`)
	}
	// Only the part in error is marked.
	status, _, body = w.Post("/complaints/new/asked-to-stop", url.Values{"stopped_day": {"12"}, "stopped_year": {"2024"}})
	require.Equal(t, http.StatusUnprocessableEntity, status)
	require.Contains(t, body, `class="input input-width-2 input-error" id="asked_to_stop_on-month"`)
	require.Contains(t, body, `class="input input-width-2" id="asked_to_stop_on"`)
	require.Contains(t, body, `value="12"`)

	// Left blank, it is skipped; given, it is kept.
	w.Step("/complaints/new/asked-to-stop", url.Values{}, "/complaints/new/party")
	w.Step("/complaints/new/asked-to-stop", url.Values{"stopped_day": {"4"}, "stopped_month": {"7"}, "stopped_year": {"2024"}}, "/complaints/new/party")

	// In Welsh too.
	status, body = w.Get("/complaints/new/asked-to-stop?lang=cy")
	require.Equal(t, http.StatusOK, status)
	require.Contains(t, body, "Pryd wnaethoch chi ofyn iddyn nhw stopio? (dewisol)")
	status, _, body = w.Post("/complaints/new/asked-to-stop", url.Values{"stopped_day": {"31"}, "stopped_month": {"6"}, "stopped_year": {"2024"}})
	require.Equal(t, http.StatusUnprocessableEntity, status)
	require.Contains(t, body, "Rhaid i&#39;r dyddiad y gofynnoch iddyn nhw stopio fod yn ddyddiad go iawn")
	w.Get("/complaints/new?lang=en")
}

// Check answers shows the facts, and saying "no" to having asked them to
// stop forgets the day.
func TestComplaintFormStructuredFactsOnCheckAnswers(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{})
	partyID := addParty(t, env, "Example Party")
	w := newFormWalker(t, env)
	w.walkToCheck(partyID, "Vote for us")
	status, body := w.Get("/complaints/new/check")
	require.Equal(t, http.StatusOK, status)
	stopped := time.Now().AddDate(0, 0, -8)
	for _, want := range []string{
		"Number they contacted", "07700 900123", `href="/complaints/new/contacted?change=1"`,
		"Sent to a work phone", "Member or supporter who signed up",
		"When you asked them to stop", fmt.Sprintf("%d %s %d", stopped.Day(), stopped.Month(), stopped.Year()),
		`href="/complaints/new/asked-to-stop?change=1"`,
	} {
		require.Contains(t, body, want)
	}

	// Changing "asked them to stop" to no comes straight back, without
	// the day.
	w.Step("/complaints/new/permission", url.Values{"change": {"1"}, "consent": {"no"}, "opted_out": {"no"}}, "/complaints/new/check")
	status, body = w.Get("/complaints/new/check")
	require.Equal(t, http.StatusOK, status)
	require.NotContains(t, body, "When you asked them to stop")
	// And back to yes: the day is asked again before check answers.
	w.Step("/complaints/new/permission", url.Values{"change": {"1"}, "consent": {"no"}, "opted_out": {"yes"}}, "/complaints/new/asked-to-stop?change=1")
	status, body = w.Get("/complaints/new/asked-to-stop?change=1")
	require.Equal(t, http.StatusOK, status)
	require.NotContains(t, body, fmt.Sprintf(`value="%d"`, stopped.Year()), "the forgotten day is not shown again")
	w.Step("/complaints/new/asked-to-stop", url.Values{"change": {"1"}}, "/complaints/new/check")

	// A changed channel forgets what the new one does not ask.
	w.Step("/complaints/new", url.Values{"channel": {"automated_call"}, "change": {"1"}}, "/complaints/new/sender?change=1")
	status, body = w.Get("/complaints/new/contacted")
	require.Equal(t, http.StatusOK, status)
	require.Contains(t, body, "Which of your numbers did they call? (optional)")
	require.NotContains(t, body, `name="work_address"`, "a call is not asked about a work address")
}

// The calls' wording, and the contacted page's Welsh.
func TestComplaintFormContactedInWelsh(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{})
	w := newFormWalker(t, env)
	w.Get("/complaints/new?lang=cy")
	w.walkToMessage("sms", "07700 900982", "Pleidleisiwch drosom", "/complaints/new/contacted")
	status, body := w.Get("/complaints/new/contacted")
	require.Equal(t, http.StatusOK, status)
	require.Contains(t, body, "I ba un o&#39;ch rhifau yr anfonon nhw&#39;r neges destun? (dewisol)")
	require.Contains(t, body, "A gafodd ei anfon i ffôn gwaith?")
	require.Contains(t, body, `type="tel"`)
}

// The confirmation page of a complaint for another body says, after the
// reference, who can help (a link to them) and what to do, in the page's
// language, and that the report is kept all the same; with no body to
// send them to it says only what to do.
func TestComplaintConfirmationShowsReferral(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{})
	show := func(lang string, receipt complaints.Receipt) string {
		t.Helper()
		w := newFormWalker(t, env)
		if lang == "cy" {
			w.Get("/complaints/new?lang=cy")
		}
		v, err := complaintform.SealedDone(env.Config.SessionSecret, receipt)
		require.NoError(t, err)
		u, err := url.Parse(w.C.URL("/"))
		require.NoError(t, err)
		w.C.Jar.SetCookies(u, []*http.Cookie{{Name: complaintform.DoneCookie, Value: v, Path: "/"}})
		status, body := w.Get("/complaints/new/confirmation")
		require.Equal(t, http.StatusOK, status)
		require.Contains(t, body, receipt.Reference)
		return body
	}
	ref := complaints.NewReference()

	body := show("en", complaints.Receipt{Reference: ref, Referral: "electoral_registration"})
	require.Contains(t, body, `<h2 id="referral-heading">Who can help with this</h2>`)
	require.Contains(t, body, `<a href="https://www.electoralcommission.org.uk">The Electoral Commission or your local electoral registration office</a>`)
	require.Contains(t, body, "Polling stations, voter ID, postal and proxy votes and the electoral register are run by")
	require.Contains(t, body, "We have still kept your report under the reference above")
	require.Less(t, strings.Index(body, ref), strings.Index(body, "Who can help with this"), "the referral follows the reference")
	require.Less(t, strings.Index(body, "Who can help with this"), strings.Index(body, "What happens next"), "and comes before the rest")

	body = show("cy", complaints.Receipt{Reference: ref, Referral: "electoral_registration"})
	require.Contains(t, body, "Pwy all helpu gyda hyn")
	require.Contains(t, body, `<a href="https://www.electoralcommission.org.uk">Y Comisiwn Etholiadol neu eich swyddfa cofrestru etholiadol leol</a>`)
	require.Contains(t, body, "sy&#39;n gyfrifol am orsafoedd pleidleisio")
	require.Contains(t, body, "Rydym wedi cadw eich adroddiad")

	body = show("en", complaints.Receipt{Reference: ref, Referral: "no_body"})
	require.Contains(t, body, "About what you told us")
	require.Contains(t, body, "Parties may deliver unaddressed leaflets")
	require.NotContains(t, body, "Who can help with this")
	require.NotContains(t, body, `class="cf-referral-body"`)

	// A repeat of an earlier complaint shows that one's reference.
	first := complaints.NewReference()
	body = show("en", complaints.Receipt{DuplicateOf: first, Referral: "action_fraud", Reference: first})
	require.Contains(t, body, `<a href="https://www.actionfraud.police.uk">Action Fraud</a>`)

	// No referral, or one the rulebook no longer has: no section.
	for _, id := range []string{"", "withdrawn_body"} {
		body = show("en", complaints.Receipt{Reference: ref, Referral: id})
		require.NotContains(t, body, "cf-referral", id)
		require.Contains(t, body, "What happens next")
	}
}

// A BCC email's "no" to sensitive details is forgotten when the channel
// becomes a data breach, whose exposed-data checkboxes ask it instead: a
// hidden stale answer must not reach triage and outweigh them.
func TestComplaintFormBreachForgetsTheSpecialCategoryAnswer(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{})
	partyID := addParty(t, env, "Example Party")
	w := newFormWalker(t, env)
	w.Step("/complaints/new", url.Values{"channel": {"bcc_breach"}}, "/complaints/new/sender")
	v := dateValues("received", time.Now().AddDate(0, 0, -1))
	v.Set("sender", "news@example.org")
	w.Step("/complaints/new/sender", v, "/complaints/new/message")
	w.Step("/complaints/new/message", url.Values{"message": {"Everyone's address was in the To line"},
		"recipients_visible": {"40"}, "special_category": {"no"}}, "/complaints/new/permission")
	w.Step("/complaints/new/permission", url.Values{"consent": {"no"}, "opted_out": {"no"}}, "/complaints/new/party")
	w.Step("/complaints/new/party", url.Values{"party": {fmt.Sprint(partyID)}}, "/complaints/new/evidence")
	status, loc, body := w.Upload("", nil, "continue")
	require.Equal(t, http.StatusSeeOther, status, body)
	require.Equal(t, "/complaints/new/about-you", loc)
	w.Step("/complaints/new/about-you", url.Values{}, "/complaints/new/check")

	w.Step("/complaints/new", url.Values{"channel": {"data_breach"}, "change": {"1"}}, "/complaints/new/sender?change=1")
	w.Step("/complaints/new/sender", url.Values{"change": {"1"}, "sender": {"news@example.org"},
		"received_day": v["received_day"], "received_month": v["received_month"], "received_year": v["received_year"]},
		"/complaints/new/message?change=1")
	w.Step("/complaints/new/message", url.Values{"change": {"1"}, "message": {"The group showed all members' details"}},
		"/complaints/new/breach-where?change=1")
	w.Step("/complaints/new/breach-where", url.Values{"change": {"1"}, "breach_where": {"group_chat"}}, "/complaints/new/breach-count?change=1")
	w.Step("/complaints/new/breach-count", url.Values{"change": {"1"}}, "/complaints/new/breach-exposed?change=1")
	w.Step("/complaints/new/breach-exposed", url.Values{"change": {"1"}, "breach_exposed": {"party_membership"}}, "/complaints/new/permission?change=1")
	w.Step("/complaints/new/permission", url.Values{"change": {"1"}, "consent": {"no"}, "opted_out": {"no"}}, "/complaints/new/check")
	status, body = w.Get("/complaints/new/check")
	require.Equal(t, http.StatusOK, status)
	require.NotContains(t, body, "special_category")

	w.Step("/complaints/new/check", url.Values{}, "/complaints/new/confirmation")
	_, body = w.Get("/complaints/new/confirmation")
	ref := formtest.ReferenceRE.FindString(body)
	require.NotEmpty(t, ref)
	var channel string
	var special *bool
	require.NoError(t, env.Pool.QueryRow(context.Background(), `SELECT channel, special_category FROM complaints WHERE reference = $1`, ref).
		Scan(&channel, &special))
	require.Equal(t, "data_breach", channel)
	require.Nil(t, special, "the BCC email's answer is not sent for a breach")
}

// The number or address contacted is checked on its own page with the
// domain's rule (a possible phone number, or an email address), so a
// mistake is shown there and not first at check answers.
func TestComplaintFormContactedIsCheckedOnItsPage(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{})
	w := newFormWalker(t, env)
	w.walkToMessage("sms", "07700 900982", "Vote for us", "/complaints/new/contacted")
	for _, bad := range []string{"my mobile", "name@", "name@example"} {
		status, _, body := w.Post("/complaints/new/contacted", url.Values{"contacted": {bad}})
		require.Equal(t, http.StatusUnprocessableEntity, status, bad)
		require.Contains(t, body, `<a href="#contacted">Enter your own number or email address, or leave it blank</a>`, bad)
		require.Contains(t, body, `id="contacted-error"`, bad)
	}
	status, _, body := w.Post("/complaints/new/contacted?lang=cy", url.Values{"contacted": {"my mobile"}})
	require.Equal(t, http.StatusUnprocessableEntity, status)
	require.Contains(t, body, "Rhowch eich rhif neu&#39;ch cyfeiriad e-bost eich hun, neu gadewch ef yn wag")
	w.Get("/complaints/new?lang=en")
	for _, good := range []string{"07700-900-123", "+44 7700 900123", "name@example.com"} {
		w.Step("/complaints/new/contacted", url.Values{"contacted": {good}}, "/complaints/new/permission")
	}
}
