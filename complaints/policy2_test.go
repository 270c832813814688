package complaints_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivertest"
	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/complaints"
	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/internal/fixture"
)

// Sentences the shipped rulebook refers to the electoral registration
// office, in English and Welsh.
const (
	voterIDEN = "I was turned away at the polling station because I did not have voter ID"
	voterIDCY = "Ces i fy ngwrthod yn yr orsaf bleidleisio am nad oedd gen i ID pleidleisiwr"
)

// Policy 2's structured facts are asked where they decide the law: the
// form, the API and imports all read the same table.
func TestQuestionsPolicy2AsksWhereTheFactsMatter(t *testing.T) {
	t.Parallel()
	want := map[string][]string{
		"sms":             {"contacted", "member", "work_address", "asked_to_stop_on"},
		"email":           {"contacted", "member", "work_address", "asked_to_stop_on"},
		"automated_call":  {"contacted", "member", "asked_to_stop_on"},
		"live_call":       {"contacted", "member", "asked_to_stop_on"},
		"bcc_breach":      {"recipients_visible", "special_category"},
		"data_breach":     {"recipients_visible", "special_category", "breach_where", "breach_exposed"},
		"social_media_ad": {"special_category"},
		"other":           nil,
	}
	all := []string{"contacted", "member", "work_address", "asked_to_stop_on", "recipients_visible", "special_category",
		"breach_where", "breach_exposed"}
	require.Len(t, vocab.ChannelCodes(), len(want))
	for _, ch := range vocab.ChannelCodes() {
		var asked []string
		for _, q := range all {
			if complaints.Asks(ch, q) {
				asked = append(asked, q)
			}
		}
		require.Equal(t, want[ch], asked, ch)
	}
}

func day(s string) *time.Time {
	d, ok := complaints.ParseDay(s)
	if !ok {
		panic(s)
	}
	return &d
}

func TestSubmissionValidatesPolicy2Facts(t *testing.T) {
	t.Parallel()
	now := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	yes, no := true, false
	base := func(channel string) complaints.Submission {
		return complaints.Submission{Channel: channel, ReceivedAt: now.Add(-time.Hour), ReceivedAtHasTime: true,
			Message: "Vote for us", Consent: "no", Source: "api"}
	}

	// Good answers are kept, cleaned.
	s := base("sms")
	s.Contacted, s.Member, s.WorkAddress, s.OptedOut = "  07700\t900 982 ", &no, &yes, &yes
	s.AskedToStopOn = day("2024-05-01") // today is allowed
	s.Normalize()
	require.NoError(t, s.Validate(now))
	require.Equal(t, "07700 900 982", s.Contacted)
	require.Equal(t, "2024-05-01", s.AskedToStopOn.In(vocab.London).Format("2006-01-02"))
	s = base("email")
	s.Contacted = "me@work.example.org"
	s.Normalize()
	require.NoError(t, s.Validate(now))

	s = base("data_breach")
	s.BreachWhere, s.BreachExposed = " Group_Chat ", []string{"phone_number", " PARTY_MEMBERSHIP", "", "phone_number"}
	s.RecipientsVisible, s.SpecialCategory = ptrInt(250), &yes
	s.Normalize()
	require.NoError(t, s.Validate(now))
	require.Equal(t, "group_chat", s.BreachWhere)
	require.Equal(t, []string{"phone_number", "party_membership"}, s.BreachExposed)

	// Bad answers are refused, each naming its field.
	bad := []struct {
		field, code string
		change      func(*complaints.Submission)
	}{
		{"contacted", "invalid", func(s *complaints.Submission) { s.Contacted = "not a number" }},
		{"contacted", "invalid", func(s *complaints.Submission) { s.Contacted = "me@nowhere" }},
		{"asked_to_stop_on", "future", func(s *complaints.Submission) { s.AskedToStopOn = day("2024-05-02") }},
		{"asked_to_stop_on", "too_old", func(s *complaints.Submission) { s.AskedToStopOn = day("1999-12-31") }},
		{"asked_to_stop_on", "conflict", func(s *complaints.Submission) { s.AskedToStopOn, s.OptedOut = day("2024-04-01"), &no }},
		{"breach_where", "invalid", func(s *complaints.Submission) { s.Channel, s.BreachWhere = "data_breach", "on the bus" }},
		{"breach_exposed", "invalid", func(s *complaints.Submission) {
			s.Channel, s.BreachExposed = "data_breach", []string{"phone_number", "shoe_size"}
		}},
		// The data_breach questions mean nothing about a text: refused.
		{"breach_where", "not_asked", func(s *complaints.Submission) { s.BreachWhere = "group_chat" }},
		{"breach_exposed", "not_asked", func(s *complaints.Submission) { s.BreachExposed = []string{"phone_number"} }},
	}
	for _, b := range bad {
		s := base("sms")
		b.change(&s)
		s.Normalize()
		err := s.Validate(now)
		require.Equal(t, apperr.Invalid, apperr.CodeOf(err), "%s: %v", b.field, err)
		require.Equal(t, map[string]string{b.field: b.code}, fieldCodes(err), b.field)
	}
	s = base("email")
	s.BreachExposed = []string{"email_address"}
	s.Normalize()
	fe := apperr.FieldsOf(s.Validate(now))
	require.Len(t, fe, 1)
	require.Equal(t, "breach_exposed", fe[0].Field)
	require.Contains(t, fe[0].Message, "data_breach")
	require.Nil(t, s.BreachExposed, "a refused answer is not kept")
	s = base("data_breach")
	s.BreachExposed = []string{"shoe_size"}
	s.Normalize()
	fe = apperr.FieldsOf(s.Validate(now))
	require.Len(t, fe, 1)
	require.Contains(t, fe[0].Message, `"shoe_size"`)
	require.Contains(t, fe[0].Message, "voting_intention")

	// The facts about the person's dealings with the sender are kept from
	// any channel, as consent and opted_out always were: still true.
	s = base("data_breach")
	s.Member, s.Contacted = &yes, "07700 900982"
	s.Normalize()
	require.NoError(t, s.Validate(now))
	require.NotNil(t, s.Member)
	require.Equal(t, "07700 900982", s.Contacted)

	// The channel list names data_breach.
	s = base("fax")
	s.Normalize()
	fe = apperr.FieldsOf(s.Validate(now))
	require.Len(t, fe, 1)
	require.Contains(t, fe[0].Message, "data_breach")
}

func ptrInt(n int) *int { return &n }

// Every new answer lands in its column; the number contacted lands with
// the complainant's details, even when they gave no other.
func TestSubmitStoresPolicy2Facts(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false)
	ctx := context.Background()
	yes, no := true, false

	breach := sample()
	breach.Channel, breach.Sender = "data_breach", "Example Party volunteers"
	breach.Message = "Welcome to the Example Party helpers group!"
	breach.Description = "I was added to a WhatsApp group of 250 people and everyone could see my number."
	breach.OptedOut, breach.Evidence = nil, nil
	breach.BreachWhere, breach.BreachExposed = "group_chat", []string{"phone_number", "party_membership"}
	breach.RecipientsVisible, breach.SpecialCategory = ptrInt(250), &yes
	rc, err := e.svc.Submit(ctx, breach, complaints.Meta{})
	require.NoError(t, err)
	require.Empty(t, rc.Referral, "a data breach is in scope")
	var where string
	var exposed []string
	var referral *string
	require.NoError(t, e.pool.QueryRow(ctx, `SELECT channel, breach_where, breach_exposed, referral FROM complaints WHERE id = $1`, rc.ComplaintID).
		Scan(new(string), &where, &exposed, &referral))
	require.Equal(t, "group_chat", where)
	require.Equal(t, []string{"phone_number", "party_membership"}, exposed)
	require.Nil(t, referral)

	text := sample()
	text.Sender, text.Evidence = "07700 900555", nil
	text.Contacted, text.Member, text.WorkAddress, text.AskedToStopOn = "07700 900982", &no, &yes, day("2024-06-15")
	rc, err = e.svc.Submit(ctx, text, complaints.Meta{})
	require.NoError(t, err)
	var member, work *bool
	var asked *time.Time
	var contacted, email string
	require.NoError(t, e.pool.QueryRow(ctx, `SELECT c.member, c.work_address, c.asked_to_stop_on, c.breach_exposed, p.contacted, p.email
		FROM complaints c JOIN complainants p ON p.complaint_id = c.id WHERE c.id = $1`, rc.ComplaintID).
		Scan(&member, &work, &asked, &exposed, &contacted, &email))
	require.Equal(t, &no, member)
	require.Equal(t, &yes, work)
	require.Equal(t, "2024-06-15", asked.Format("2006-01-02"), "a summer day (BST) is stored as that day")
	require.Empty(t, exposed)
	require.Equal(t, "07700 900982", contacted)
	require.Equal(t, "ann@example.org", email)

	// Anonymous, but telling us the number contacted: kept with the
	// complainant's (empty) details, and no acknowledgement is queued.
	anon := sample()
	anon.Sender, anon.Evidence, anon.Complainant = "07700 900556", nil, nil
	anon.Contacted = "07700 900983"
	rc, err = e.svc.Submit(ctx, anon, complaints.Meta{})
	require.NoError(t, err)
	require.Equal(t, 1, e.count(t, `SELECT count(*) FROM complainants WHERE complaint_id = $1 AND contacted = '07700 900983' AND email = '' AND name = ''`, rc.ComplaintID))
	river := riverpgxv5.New(e.pool)
	jobs := rivertest.RequireManyInserted(ctx, t, river, []rivertest.ExpectedJob{
		{Args: complaints.TriageArgs{}}, {Args: complaints.AcknowledgeArgs{}},
		{Args: complaints.TriageArgs{}}, {Args: complaints.AcknowledgeArgs{}},
		{Args: complaints.TriageArgs{}},
	})
	require.Len(t, jobs, 5)
}

// An out-of-scope complaint is stored like any other, and the complainant
// is told at once where to go: the receipt carries the referral, stored
// with the complaint.
func TestSubmitRefersOutOfScopeComplaints(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false)
	ctx := context.Background()
	sub := sample()
	sub.Channel, sub.Sender, sub.Message, sub.OptedOut, sub.Evidence = "other", "", "", nil, nil
	sub.Description = voterIDEN
	rc, err := e.svc.Submit(ctx, sub, complaints.Meta{IdempotencyKey: "voter-id"})
	require.NoError(t, err)
	require.Equal(t, "electoral_registration", rc.Referral)
	require.Equal(t, 1, e.count(t, `SELECT count(*) FROM complaints WHERE id = $1 AND referral = 'electoral_registration' AND status = 'new'`, rc.ComplaintID))
	r, ok := e.svc.Referral(rc.Referral)
	require.True(t, ok)
	require.NotEmpty(t, r.Text.EN)
	require.NotEmpty(t, r.Text.CY)

	// The same request again gets the same answer.
	again, err := e.svc.Submit(ctx, sub, complaints.Meta{IdempotencyKey: "voter-id"})
	require.NoError(t, err)
	require.Equal(t, rc.Reference, again.Reference)
	require.Equal(t, "electoral_registration", again.Referral)

	// In Welsh too.
	cy := sample()
	cy.Channel, cy.Sender, cy.Message, cy.OptedOut, cy.Evidence, cy.Lang = "other", "", "", nil, nil, "cy"
	cy.Description = voterIDCY
	rc, err = e.svc.Submit(ctx, cy, complaints.Meta{})
	require.NoError(t, err)
	require.Equal(t, "electoral_registration", rc.Referral)

	// An in-scope complaint has none.
	rc, err = e.svc.Submit(ctx, sample(), complaints.Meta{})
	require.NoError(t, err)
	require.Empty(t, rc.Referral)
	require.Equal(t, 1, e.count(t, `SELECT count(*) FROM complaints WHERE id = $1 AND referral IS NULL`, rc.ComplaintID))

	// A service without a referrer refers nothing (triage still will).
	plain := complaints.NewService(e.pool, e.client)
	sub.Description += "."
	rc, err = plain.Submit(ctx, sub, complaints.Meta{})
	require.NoError(t, err)
	require.Empty(t, rc.Referral)
	_, ok = plain.Referral("electoral_registration")
	require.False(t, ok)
}

// The acknowledgement of an out-of-scope complaint tells the complainant
// where to go, in their language, naming the body and its web address,
// and shows no internal code.
func TestAcknowledgementCarriesTheReferralInEnglishAndWelsh(t *testing.T) {
	t.Parallel()
	e := newEnv(t, true)
	ctx := context.Background()
	done := fixture.Subscribe(t, e.client)
	en := sample()
	en.Channel, en.Sender, en.Message, en.OptedOut, en.Evidence = "other", "", "", nil, nil
	en.Description = voterIDEN
	cy := en
	cy.Lang, cy.Description = "cy", voterIDCY
	cy.Complainant = &complaints.Complainant{Email: "cymro@example.org"}
	rcEN, err := e.svc.Submit(ctx, en, complaints.Meta{})
	require.NoError(t, err)
	rcCY, err := e.svc.Submit(ctx, cy, complaints.Meta{})
	require.NoError(t, err)
	require.Equal(t, "electoral_registration", rcEN.Referral)
	require.Equal(t, "electoral_registration", rcCY.Referral)
	done.Wait(complaints.AcknowledgeArgs{}.Kind(), 2, 20*time.Second)
	msgs := e.smtp.Messages()
	require.Len(t, msgs, 2)
	byTo := map[string]string{}
	for _, m := range msgs {
		byTo[m.To[0]] = m.Parsed.Subject + "\n" + m.Parsed.Text
	}
	r, ok := e.svc.Referral("electoral_registration")
	require.True(t, ok)
	english := byTo["ann@example.org"]
	require.Contains(t, english, rcEN.Reference)
	require.Contains(t, english, "We have received your complaint")
	require.Contains(t, english, r.Text.EN)
	require.Contains(t, english, r.Body.EN)
	require.Contains(t, english, r.URL)
	welsh := byTo["cymro@example.org"]
	require.Contains(t, welsh, rcCY.Reference)
	require.Contains(t, welsh, r.Text.CY)
	require.Contains(t, welsh, r.Body.CY)
	require.Contains(t, welsh, r.URL)
	require.NotContains(t, welsh, r.Text.EN)
	for _, m := range []string{english, welsh} {
		require.NotContains(t, m, "electoral_registration")
		require.NotContains(t, m, "R22")
	}
}

// The acknowledgement's wording, without a database: no body, no address.
func TestAcknowledgementEmailWithoutABody(t *testing.T) {
	t.Parallel()
	r, ok := referrer(t).Referral("no_body")
	require.True(t, ok)
	for _, lang := range []string{"en", "cy"} {
		msg := complaints.AcknowledgementEmailWithReferral(lang, "CW-7K4M-Q2XD", "http://cw.test", r)
		require.True(t, msg.Complainant)
		require.Contains(t, msg.Text, r.Text.In(lang))
		require.NotContains(t, msg.Text, "Where to go")
		require.NotContains(t, msg.Text, "Ble i fynd")
		require.NotContains(t, msg.Text, "no_body")
	}
	plain := complaints.AcknowledgementEmail("en", "CW-7K4M-Q2XD", "http://cw.test")
	require.NotContains(t, plain.Text, "not something we deal with")
}

// The number contacted is personal data: retention erases it with the
// rest of the complainant's details.
func TestRetentionErasesTheNumberContacted(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false)
	ctx := context.Background()
	sub := sample()
	sub.Complainant, sub.Contacted = nil, "07700 900984"
	rc, err := e.svc.Submit(ctx, sub, complaints.Meta{})
	require.NoError(t, err)
	require.Equal(t, 1, e.count(t, `SELECT count(*) FROM complainants WHERE contacted = '07700 900984'`))
	_, err = e.pool.Exec(ctx, `UPDATE complaints SET created_at = now() - interval '800 days' WHERE id = $1`, rc.ComplaintID)
	require.NoError(t, err)
	n, err := e.svc.ApplyRetention(ctx, 730)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	require.Zero(t, e.count(t, `SELECT count(*) FROM complainants WHERE complaint_id = $1`, rc.ComplaintID))
	require.Zero(t, e.count(t, `SELECT count(*) FROM complainants WHERE contacted <> ''`))
}

// Imports take the new columns, with a row error naming the column for
// each bad value.
func TestImportPolicy2Columns(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false)
	ctx := context.Background()
	file := "source_id,channel,received_at,description,contacted,member,work_address,asked_to_stop_on,breach_where,breach_exposed,recipients_visible\n" +
		"P1,sms,2024-03-27,They texted me,07700 900985,no,yes,01/03/2024,,,\n" +
		"P2,data_breach,2024-03-27,A canvass sheet was left in the library,,,,,paper_record,\"home_address; voting_intention\",40\n" +
		"P3,other,2024-03-27," + voterIDEN + ",,,,,,,\n" +
		// Bad values, one per column.
		"P4,sms,2024-03-27,x,not a number,perhaps,sometimes,2099-01-01,,,\n" +
		"P5,data_breach,2024-03-27,x,,,,31/02/2024,in the bin,\"phone_number,shoe_size\",\n" +
		"P6,email,2024-03-27,x,,,,,group_chat,phone_number,\n"
	header, rows, err := complaints.ReadImportFile("p2.csv", []byte(file))
	require.NoError(t, err)
	rep, err := e.svc.Import(ctx, header, rows, complaints.ImportOptions{Source: "phone-line"})
	require.NoError(t, err)
	require.False(t, rep.Stored)
	require.Equal(t, 3, rep.Invalid, "%+v", rep.Errors)
	got := map[int][]string{}
	for _, re := range rep.Errors {
		got[re.Row] = append(got[re.Row], re.Column)
	}
	require.ElementsMatch(t, []string{"contacted", "member", "work_address", "asked_to_stop_on"}, got[5], "%+v", rep.Errors)
	require.ElementsMatch(t, []string{"asked_to_stop_on", "breach_where", "breach_exposed"}, got[6], "%+v", rep.Errors)
	require.ElementsMatch(t, []string{"breach_where", "breach_exposed"}, got[7], "%+v", rep.Errors)

	rep, err = e.svc.Import(ctx, header, rows, complaints.ImportOptions{Source: "phone-line", SkipInvalid: true})
	require.NoError(t, err)
	require.Equal(t, 3, rep.Created, "%+v", rep)
	var member, work *bool
	var asked *time.Time
	var contacted string
	require.NoError(t, e.pool.QueryRow(ctx, `SELECT c.member, c.work_address, c.asked_to_stop_on, p.contacted
		FROM complaints c JOIN complainants p ON p.complaint_id = c.id WHERE c.source_id = 'P1'`).Scan(&member, &work, &asked, &contacted))
	require.False(t, *member)
	require.True(t, *work)
	require.Equal(t, "2024-03-01", asked.Format("2006-01-02"))
	require.Equal(t, "07700 900985", contacted)
	var where string
	var exposed []string
	var recipients *int32
	require.NoError(t, e.pool.QueryRow(ctx, `SELECT breach_where, breach_exposed, recipients_visible FROM complaints WHERE source_id = 'P2'`).
		Scan(&where, &exposed, &recipients))
	require.Equal(t, "paper_record", where)
	require.Equal(t, []string{"home_address", "voting_intention"}, exposed)
	require.EqualValues(t, 40, *recipients)
	require.Equal(t, 1, e.count(t, `SELECT count(*) FROM complaints WHERE source_id = 'P3' AND referral = 'electoral_registration'`))
	require.Equal(t, 1, e.count(t, `SELECT count(*) FROM complaints WHERE referral IS NOT NULL`))
	require.True(t, strings.Contains(strings.Join(complaints.ImportColumns, ","), "breach_exposed"))
}
