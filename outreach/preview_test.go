package outreach_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/internal/fixture"
	"github.com/campaignwatch/campaignwatch/internal/staff"
	"github.com/campaignwatch/campaignwatch/outreach"
)

// rowCounts counts what an election call or a letters send creates.
func (e *env) rowCounts() map[string]int {
	e.t.Helper()
	out := map[string]int{}
	for name, q := range map[string]string{
		"elections": `SELECT count(*) FROM elections`,
		"batches":   `SELECT count(*) FROM letter_batches`,
		"letters":   `SELECT count(*) FROM letters`,
		"jobs":      `SELECT count(*) FROM river_job`,
		"counters":  `SELECT count(*) FROM letter_reference_counters`,
	} {
		var n int
		require.NoError(e.t, e.pool.QueryRow(context.Background(), q).Scan(&n))
		out[name] = n
	}
	return out
}

func days(n int) *time.Time {
	d := vocab.Today().AddDate(0, 0, n)
	return &d
}

func TestPreviewShowsTheCallAndCreatesNothing(t *testing.T) {
	e := newEnv(t, outreach.Settings{})
	ctx := e.user(staff.RolePoliticalTeam, 1)
	before := e.rowCounts()
	pv, err := e.svc.PreviewCall(ctx, outreach.CallInput{ElectionInput: outreach.ElectionInput{
		Name: "Senedd 2099", NameCY: "Etholiad y Senedd 2099", Type: "senedd", PollingDay: days(40)}})
	require.NoError(t, err)
	require.Equal(t, before, e.rowCounts(), "a preview creates nothing")

	want := activeContacts(t, e.pool, []string{"wales"})
	require.Equal(t, len(want), pv.Letters)
	var contacts int
	for _, p := range pv.Parties {
		contacts += len(p.Contacts)
		for _, c := range p.Contacts {
			require.Equal(t, "Welsh and English", c.Language, "a party standing in Wales writes bilingually by default")
		}
	}
	require.Equal(t, pv.Letters, contacts)
	require.Equal(t, "election-reminder", pv.Template)
	require.Len(t, pv.Versions, 2)
	require.Equal(t, "Welsh", pv.Versions[0].Language)
	require.Equal(t, "Senedd election", pv.ElectionType)
	require.Equal(t, []string{"Wales"}, pv.Nations)
	require.NotNil(t, pv.Sample)
	require.Contains(t, pv.Sample.Text, "Dear ")
	require.NotEmpty(t, pv.Sample.HTML)
	require.NotEmpty(t, pv.Sample.PDF)
	require.NotEmpty(t, pv.Token)
	require.Empty(t, pv.Warnings)

	_, err = e.svc.Call(ctx, outreach.CallInput{ElectionInput: outreach.ElectionInput{Name: "Senedd 2099", NameCY: "Etholiad y Senedd 2099", Type: "senedd", PollingDay: days(40)}})
	require.Equal(t, apperr.Invalid, apperr.CodeOf(err), "no call without a preview's confirmation")
	require.Equal(t, "confirmation", apperr.FieldsOf(err)[0].Field)
	require.Contains(t, apperr.FieldsOf(err)[0].Message, "Preview the election call first")
	require.Equal(t, before, e.rowCounts())

	res, err := e.svc.Call(ctx, outreach.CallInput{ElectionInput: outreach.ElectionInput{Name: "Senedd 2099", NameCY: "Etholiad y Senedd 2099", Type: "senedd", PollingDay: days(40)}, Confirm: pv.Token})
	require.NoError(t, err)
	require.Equal(t, pv.Letters, res.Letters)
	after := e.rowCounts()
	require.Equal(t, before["elections"]+1, after["elections"])
	require.Equal(t, before["letters"]+pv.Letters, after["letters"])
	require.Equal(t, before["jobs"]+pv.Letters, after["jobs"], "one send job per letter")
}

func TestConfirmationIsRefusedWhenAContactChangedSinceThePreview(t *testing.T) {
	e := newEnv(t, outreach.Settings{})
	ctx := e.user(staff.RolePoliticalTeam, 1)
	in := outreach.CallInput{ElectionInput: outreach.ElectionInput{Name: "NI 2099", NameCY: "Etholiad Gogledd Iwerddon 2099", Type: "ni_assembly", PollingDay: days(30)}}
	pv, err := e.svc.PreviewCall(ctx, in)
	require.NoError(t, err)
	before := e.rowCounts()
	_, err = e.pool.Exec(ctx, `UPDATE party_contacts SET email = 'new-dpo@dup.example.org' WHERE email = 'dpo@dup.example.org'`)
	require.NoError(t, err)

	in.Confirm = pv.Token
	_, err = e.svc.Call(ctx, in)
	require.Equal(t, apperr.Conflict, apperr.CodeOf(err), "%v", err)
	require.Equal(t, "Something changed since the preview (the parties and contacts); check the new preview.", apperr.MessageOf(err))
	require.Equal(t, before, e.rowCounts(), "nothing created")

	pv2, err := e.svc.PreviewCall(ctx, in)
	require.NoError(t, err)
	require.NotEqual(t, pv.Token, pv2.Token)
	in.Confirm = pv2.Token
	res, err := e.svc.Call(ctx, in)
	require.NoError(t, err)
	require.Equal(t, pv2.Letters, res.Letters)

	// A changed input is caught as well as a changed database.
	other := outreach.CallInput{ElectionInput: outreach.ElectionInput{Name: "NI 2099 again", NameCY: "Etholiad Gogledd Iwerddon 2099 eto", Type: "ni_assembly", PollingDay: days(30)}, Confirm: pv2.Token}
	_, err = e.svc.Call(ctx, other)
	require.Equal(t, apperr.Conflict, apperr.CodeOf(err))
	require.Contains(t, apperr.MessageOf(err), "the election")
}

func TestPastPollingDayIsRefusedUnlessRecordedOnly(t *testing.T) {
	e := newEnv(t, outreach.Settings{})
	ctx := e.user(staff.RolePoliticalTeam, 1)
	before := e.rowCounts()
	in := outreach.CallInput{ElectionInput: outreach.ElectionInput{Name: "Local elections 2024", NameCY: "Etholiad Local elections 2024", Type: "local", Nations: []string{"england"},
		AnnouncedOn: date("2024-03-26"), PollingDay: date("2024-05-02")}}
	_, err := e.svc.PreviewCall(ctx, in)
	fields := apperr.FieldsOf(err)
	require.Len(t, fields, 1, "%v", err)
	require.Equal(t, "polling_day", fields[0].Field)
	require.True(t, strings.HasPrefix(fields[0].Message, "Polling day was 2 May 2024, which has passed."), fields[0].Message)

	in.RecordOnly = true
	pv, err := e.svc.PreviewCall(ctx, in)
	require.NoError(t, err)
	require.True(t, pv.RecordOnly)
	require.Zero(t, pv.Letters)
	require.Nil(t, pv.Sample)
	require.Contains(t, strings.Join(pv.Warnings, " "), "no letter will be written")
	require.Equal(t, before, e.rowCounts())

	in.Confirm = pv.Token
	res, err := e.svc.Call(ctx, in)
	require.NoError(t, err)
	require.True(t, res.RecordOnly)
	after := e.rowCounts()
	require.Equal(t, before["elections"]+1, after["elections"], "the election is recorded")
	require.Equal(t, before["letters"], after["letters"], "no letters")
	require.Equal(t, before["batches"], after["batches"], "no batch")
	require.Equal(t, before["jobs"], after["jobs"])
	el, err := e.svc.Election(ctx, res.ElectionID)
	require.NoError(t, err)
	require.Equal(t, "Local elections 2024", el.Name)
}

func TestPollingDayWithinAWeekWarns(t *testing.T) {
	e := newEnv(t, outreach.Settings{})
	ctx := e.user(staff.RolePoliticalTeam, 1)
	pv, err := e.svc.PreviewCall(ctx, outreach.CallInput{ElectionInput: outreach.ElectionInput{Name: "Soon", NameCY: "Cyn bo hir", Type: "ni_assembly", PollingDay: days(3)}})
	require.NoError(t, err)
	require.Len(t, pv.Warnings, 1)
	require.Contains(t, pv.Warnings[0], "is in 3 days")
	require.Contains(t, pv.Warnings[0], vocab.FormatDay(*days(3), "en"))

	pv, err = e.svc.PreviewCall(ctx, outreach.CallInput{ElectionInput: outreach.ElectionInput{Name: "Later", NameCY: "Yn nes ymlaen", Type: "ni_assembly", PollingDay: days(7)}})
	require.NoError(t, err)
	require.Empty(t, pv.Warnings, "a week ahead is notice enough")
}

func TestLettersFollowEachContactsLanguage(t *testing.T) {
	e := newEnv(t, outreach.Settings{})
	ctx := e.user(staff.RolePoliticalTeam, 1)
	// Plaid Cymru's contact keeps the party default (Welsh and English);
	// the Liberal Democrats' reads Welsh only, Labour's English only.
	_, err := e.pool.Exec(ctx, `UPDATE party_contacts SET language = 'cy' WHERE email = 'dpo@libdems.example.org'`)
	require.NoError(t, err)
	_, err = e.pool.Exec(ctx, `UPDATE party_contacts SET language = 'en' WHERE email = 'dpo@labour.example.org'`)
	require.NoError(t, err)
	res, err := callConfirmed(ctx, e.svc, outreach.CallInput{Hold: true, ElectionInput: outreach.ElectionInput{
		Name: "Senedd 2099", NameCY: "Etholiad y Senedd 2099", Type: "senedd", PollingDay: date("2099-05-07")}})
	require.NoError(t, err)

	rows, err := e.pool.Query(ctx, `SELECT recipient_email, lang, template_cy_id IS NOT NULL, subject, body_text FROM letters WHERE batch_id = $1`, res.BatchID)
	require.NoError(t, err)
	type letter struct {
		lang, subject, text string
		cy                  bool
	}
	got := map[string]letter{}
	for rows.Next() {
		var email string
		var l letter
		require.NoError(t, rows.Scan(&email, &l.lang, &l.cy, &l.subject, &l.text))
		got[email] = l
	}
	require.NoError(t, rows.Err())

	// The Welsh version writes polling day in Welsh, the English one in
	// English, whichever Welsh template is in use.
	const welshDay, englishDay = "Dydd Iau 7 Mai 2099", "Thursday 7 May 2099"
	plaid := got["dpo@plaid.example.org"]
	require.Equal(t, "both", plaid.lang)
	require.True(t, plaid.cy)
	welsh, english := strings.Index(plaid.text, welshDay), strings.Index(plaid.text, englishDay)
	require.GreaterOrEqual(t, welsh, 0, "the bilingual letter has its Welsh version")
	require.Greater(t, english, welsh, "Welsh first, then English")

	lib := got["dpo@libdems.example.org"]
	require.Equal(t, "cy", lib.lang)
	require.True(t, lib.cy)
	require.Contains(t, lib.text, welshDay)
	require.NotContains(t, lib.text, englishDay, "Welsh only")

	lab := got["dpo@labour.example.org"]
	require.Equal(t, "en", lab.lang)
	require.False(t, lab.cy)
	require.NotContains(t, lab.text, welshDay)
	require.Contains(t, lab.text, englishDay)
}

func TestWelshReadersNeedAWelshTemplate(t *testing.T) {
	e := newEnv(t, outreach.Settings{})
	// A service whose templates have only their English version.
	plain, err := outreach.NewService(e.pool, outreach.Settings{}, e.mailer, fixture.InsertOnlyJobs(t, e.pool))
	require.NoError(t, err)
	ctx := e.user(staff.RolePoliticalTeam, 1)
	// A letter staff wrote in English only.
	tv, err := e.svc.Template(ctx, "election-reminder", 0)
	require.NoError(t, err)
	_, err = plain.SaveTemplate(ctx, "english-only", tv.Source, "")
	require.NoError(t, err)
	in := outreach.CallInput{Template: "english-only", ElectionInput: outreach.ElectionInput{Name: "Senedd", NameCY: "Etholiad y Senedd", Type: "senedd", PollingDay: days(40)}}
	before := e.rowCounts()
	_, err = plain.PreviewCall(ctx, in)
	fields := apperr.FieldsOf(err)
	require.Len(t, fields, 1, "%v", err)
	require.Equal(t, "template", fields[0].Field)
	require.Contains(t, fields[0].Message, `The letter template "english-only" has no Welsh version`)
	require.Contains(t, fields[0].Message, "8 of the contacts read letters in Welsh: Alex Morgan (Conservative and Unionist Party)")
	require.Equal(t, before, e.rowCounts())

	// English readers alone need no Welsh version.
	_, err = e.pool.Exec(ctx, `UPDATE party_contacts SET language = 'en'`)
	require.NoError(t, err)
	_, err = plain.PreviewCall(ctx, in)
	require.NoError(t, err)
}

func TestLettersToOneChosenParty(t *testing.T) {
	e := newEnv(t, outreach.Settings{})
	ctx := e.user(staff.RolePoliticalTeam, 1)
	var snp int64
	require.NoError(t, e.pool.QueryRow(ctx, `SELECT id FROM parties WHERE short_name = 'SNP'`).Scan(&snp))
	before := e.rowCounts()
	in := outreach.LettersInput{Template: "election-reminder", PartyIDs: []int64{snp},
		Fields: map[string]string{"ElectionName": "Scottish Parliament election 2099", "PollingDay": "Thursday 7 May 2099", "AnnouncementDate": "1 April 2099"}}
	pv, err := e.svc.PreviewLetters(ctx, in)
	require.NoError(t, err)
	require.Equal(t, before, e.rowCounts(), "a preview creates nothing")
	require.Equal(t, 1, pv.Letters)
	require.Equal(t, "Scottish National Party", pv.Parties[0].Party)
	require.Equal(t, "English", pv.Parties[0].Contacts[0].Language)
	require.Contains(t, pv.Sample.Text, "Scottish Parliament election 2099")

	_, err = e.svc.SendLetters(ctx, in)
	require.Equal(t, "confirmation", apperr.FieldsOf(err)[0].Field)
	in.Confirm = pv.Token
	res, err := e.svc.SendLetters(ctx, in)
	require.NoError(t, err)
	require.Equal(t, 1, res.Letters)
	require.Zero(t, res.ElectionID)

	var kind string
	var election *int64
	require.NoError(t, e.pool.QueryRow(ctx, `SELECT kind, election_id FROM letter_batches WHERE id = $1`, res.BatchID).Scan(&kind, &election))
	require.Equal(t, "parties", kind)
	require.Nil(t, election, "letters outside an election belong to none")
	var audited int
	require.NoError(t, e.pool.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = 'letters.send' AND object_id = $1`, fmt.Sprint(res.BatchID)).Scan(&audited))
	require.Equal(t, 1, audited)
	after := e.rowCounts()
	require.Equal(t, before["letters"]+1, after["letters"])
	require.Equal(t, before["jobs"]+1, after["jobs"])
	require.Equal(t, before["elections"], after["elections"])
}

func TestLettersToTwoChosenPartiesUnderAnElection(t *testing.T) {
	e := newEnv(t, outreach.Settings{})
	ctx := e.user(staff.RolePoliticalTeam, 1)
	call, err := callConfirmed(ctx, e.svc, outreach.CallInput{Hold: true, ElectionInput: outreach.ElectionInput{Name: "GE 2099", NameCY: "Etholiad Cyffredinol 2099", Type: "general", PollingDay: date("2099-07-02")}})
	require.NoError(t, err)
	var plaid, labour int64
	require.NoError(t, e.pool.QueryRow(ctx, `SELECT (SELECT id FROM parties WHERE short_name = 'Plaid Cymru'), (SELECT id FROM parties WHERE short_name = 'Labour')`).Scan(&plaid, &labour))
	in := outreach.LettersInput{Template: "election-reminder", PartyIDs: []int64{plaid, labour, plaid}, ElectionID: call.ElectionID, Hold: true}
	pv, err := e.svc.PreviewLetters(ctx, in)
	require.NoError(t, err)
	require.Equal(t, 2, pv.Letters, "one letter per active contact; Labour's former DPO is inactive")
	require.Len(t, pv.Parties, 2)
	in.Confirm = pv.Token
	res, err := e.svc.SendLetters(ctx, in)
	require.NoError(t, err)
	require.Equal(t, call.ElectionID, res.ElectionID)
	require.Equal(t, "held", res.BatchState)
	require.Len(t, res.Parties, 2)
	st, err := e.svc.Status(ctx, call.ElectionID)
	require.NoError(t, err)
	require.Len(t, st.Batches, 2, "the batch is filed under the election")

	_, err = e.svc.PreviewLetters(ctx, outreach.LettersInput{Template: "election-reminder", PartyIDs: []int64{999999}})
	require.Equal(t, "There is no party 999999", apperr.FieldsOf(err)[0].Message)
}

func TestLettersWithAnAttachmentAreRefused(t *testing.T) {
	e := newEnv(t, outreach.Settings{})
	ctx := e.user(staff.RolePoliticalTeam, 1)
	var snp int64
	require.NoError(t, e.pool.QueryRow(ctx, `SELECT id FROM parties WHERE short_name = 'SNP'`).Scan(&snp))
	before := e.rowCounts()
	for name, where := range map[string]string{
		"audit-follow-up":      "audit programme",
		"complaints-follow-up": "election's report page",
	} {
		in := outreach.LettersInput{Template: name, PartyIDs: []int64{snp}, Fields: map[string]string{"AuditYear": "2099"}}
		_, err := e.svc.PreviewLetters(ctx, in)
		fields := apperr.FieldsOf(err)
		require.Len(t, fields, 1, "%v", err)
		require.Equal(t, "template", fields[0].Field)
		require.Contains(t, fields[0].Message, "letter attaches a report, which this page cannot add", name)
		require.Contains(t, fields[0].Message, where, name)
		in.Confirm = "x"
		_, err = e.svc.SendLetters(ctx, in)
		require.Equal(t, "template", apperr.FieldsOf(err)[0].Field)
	}
	require.Equal(t, before, e.rowCounts(), "nothing is created")
}

func TestWelshReadersNeedTheElectionsWelshName(t *testing.T) {
	e := newEnv(t, outreach.Settings{})
	ctx := e.user(staff.RolePoliticalTeam, 1)
	before := e.rowCounts()
	in := outreach.CallInput{ElectionInput: outreach.ElectionInput{Name: "Senedd 2099", Type: "senedd", PollingDay: date("2099-05-07")}}
	_, err := e.svc.PreviewCall(ctx, in)
	fields := apperr.FieldsOf(err)
	require.Len(t, fields, 1, "%v", err)
	require.Equal(t, "name_cy", fields[0].Field)
	require.Regexp(t, `^Enter the election's name in Welsh: \d+ contacts of parties standing in Wales read Welsh$`, fields[0].Message)
	require.Equal(t, before, e.rowCounts())

	// A record of a past election writes to no one, so needs no Welsh name.
	_, err = e.svc.PreviewCall(ctx, outreach.CallInput{RecordOnly: true, ElectionInput: outreach.ElectionInput{Name: "Senedd 2021", Type: "senedd",
		AnnouncedOn: date("2021-03-01"), PollingDay: date("2021-05-06")}})
	require.NoError(t, err)

	in.NameCY = "Etholiad y Senedd 2099"
	pv, err := e.svc.PreviewCall(ctx, in)
	require.NoError(t, err)
	require.Equal(t, "Etholiad y Senedd 2099", pv.Election.NameCY)
	welsh, english := strings.Index(pv.Sample.Text, "Etholiad y Senedd 2099"), strings.LastIndex(pv.Sample.Text, "Senedd 2099")
	require.GreaterOrEqual(t, welsh, 0, "the Welsh version names the election in Welsh")
	require.Greater(t, english, welsh)
	in.Confirm = pv.Token
	res, err := e.svc.Call(ctx, in)
	require.NoError(t, err)
	el, err := e.svc.Election(ctx, res.ElectionID)
	require.NoError(t, err)
	require.Equal(t, "Etholiad y Senedd 2099", el.NameCY)
}

func TestWelshReadersNeedTheTemplateFieldsInWelsh(t *testing.T) {
	e := newEnv(t, outreach.Settings{})
	ctx := e.user(staff.RolePoliticalTeam, 1)
	var plaid int64
	require.NoError(t, e.pool.QueryRow(ctx, `SELECT id FROM parties WHERE short_name = 'Plaid Cymru'`).Scan(&plaid))
	in := outreach.LettersInput{Template: "election-reminder-briefing", PartyIDs: []int64{plaid},
		Fields: map[string]string{"ElectionName": "Senedd election 2099", "PollingDay": "Thursday 7 May 2099", "AnnouncementDate": "1 April 2099",
			"BriefingDate": "Monday 6 April 2099", "BriefingPlace": "Cardiff Bay"}}
	_, err := e.svc.PreviewLetters(ctx, in)
	got := map[string]string{}
	for _, f := range apperr.FieldsOf(err) {
		got[f.Field] = f.Message
	}
	require.Len(t, got, 5, "one error per field given only in English: %v", err)
	require.Equal(t, "Enter the Welsh for BriefingPlace: 1 of the contacts reads Welsh", got["fields_cy.BriefingPlace"])
	require.Contains(t, got, "fields_cy.ElectionName")

	in.FieldsCY = map[string]string{"ElectionName": "Etholiad y Senedd 2099", "PollingDay": "Dydd Iau 7 Mai 2099", "AnnouncementDate": "1 Ebrill 2099",
		"BriefingDate": "Dydd Llun 6 Ebrill 2099", "BriefingPlace": "Bae Caerdydd"}
	pv, err := e.svc.PreviewLetters(ctx, in)
	require.NoError(t, err)
	welsh := pv.Sample.Text[:strings.Index(pv.Sample.Text, "Senedd election 2099")]
	require.Contains(t, welsh, "Bae Caerdydd")
	require.NotContains(t, welsh, "Cardiff Bay", "no English inside the Welsh version")
	require.Contains(t, pv.Sample.Text, "Cardiff Bay")

	// English readers need no Welsh.
	_, err = e.pool.Exec(ctx, `UPDATE party_contacts SET language = 'en'`)
	require.NoError(t, err)
	in.FieldsCY = nil
	_, err = e.svc.PreviewLetters(ctx, in)
	require.NoError(t, err)
}

func TestRecordOfAPastElectionNeedsAPastPollingDay(t *testing.T) {
	e := newEnv(t, outreach.Settings{})
	ctx := e.user(staff.RolePoliticalTeam, 1)
	before := e.rowCounts()
	for _, pd := range []*time.Time{days(0), days(30)} {
		in := outreach.CallInput{RecordOnly: true, ElectionInput: outreach.ElectionInput{Name: "NI", Type: "ni_assembly", PollingDay: pd}}
		_, err := e.svc.PreviewCall(ctx, in)
		fields := apperr.FieldsOf(err)
		require.Len(t, fields, 1, "%v", err)
		require.Equal(t, "polling_day", fields[0].Field)
		require.Equal(t, fmt.Sprintf("Polling day is %s, which has not passed: only a past election can be recorded without letters. "+
			"To write to the parties about this election, do not choose \"record of a past election\"", vocab.FormatDate(*pd, "en")), fields[0].Message)
		in.Confirm = "x"
		_, err = e.svc.Call(ctx, in)
		require.Equal(t, "polling_day", apperr.FieldsOf(err)[0].Field)
	}
	require.Equal(t, before, e.rowCounts())
	_, err := e.svc.PreviewCall(ctx, outreach.CallInput{RecordOnly: true, ElectionInput: outreach.ElectionInput{Name: "NI", Type: "ni_assembly",
		AnnouncedOn: days(-30), PollingDay: days(-1)}})
	require.NoError(t, err, "yesterday has passed")
}

func TestCampaignRemindersUnderAPastElectionAreRefused(t *testing.T) {
	e := newEnv(t, outreach.Settings{})
	ctx := e.user(staff.RolePoliticalTeam, 1)
	in := outreach.CallInput{RecordOnly: true, ElectionInput: outreach.ElectionInput{Name: "Local elections 2024", Type: "local", Nations: []string{"england"},
		AnnouncedOn: date("2024-03-26"), PollingDay: date("2024-05-02")}}
	res, err := callConfirmed(ctx, e.svc, in)
	require.NoError(t, err)
	var snp int64
	require.NoError(t, e.pool.QueryRow(ctx, `SELECT id FROM parties WHERE short_name = 'SNP'`).Scan(&snp))
	before := e.rowCounts()
	for _, name := range []string{"election-reminder", "election-reminder-briefing"} {
		_, err = e.svc.PreviewLetters(ctx, outreach.LettersInput{Template: name, PartyIDs: []int64{snp}, ElectionID: res.ElectionID,
			Fields: map[string]string{"BriefingDate": "x", "BriefingPlace": "y"}})
		fields := apperr.FieldsOf(err)
		require.Len(t, fields, 1, "%s: %v", name, err)
		require.Equal(t, "election_id", fields[0].Field)
		require.Equal(t, "Local elections 2024's polling day was 2 May 2024, which has passed; campaign reminders go before polling day", fields[0].Message)
	}
	require.Equal(t, before, e.rowCounts())
}
