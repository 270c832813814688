package complaints_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivertest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/complaints"
	"github.com/campaignwatch/campaignwatch/complaints/review"
	"github.com/campaignwatch/campaignwatch/complaints/triage"
	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/internal/audit"
	"github.com/campaignwatch/campaignwatch/internal/fixture"
	"github.com/campaignwatch/campaignwatch/internal/mail"
	"github.com/campaignwatch/campaignwatch/internal/mail/mailtest"
	"github.com/campaignwatch/campaignwatch/internal/testdb"
	"github.com/campaignwatch/campaignwatch/jobs"
)

type env struct {
	pool   *pgxpool.Pool
	svc    *complaints.Service
	client *jobs.Client
	smtp   *mailtest.Server
}

// newEnv gives a service whose River client works jobs when work is set.
func newEnv(t *testing.T, work bool) *env {
	t.Helper()
	pool := testdb.New(t)
	smtp := mailtest.NewServer(t)
	sender, err := mail.NewSMTP(smtp.URL())
	require.NoError(t, err)
	reg := newRegistry(t, pool, sender)
	opts := jobs.Options{}
	if work {
		opts.Workers = map[string]int{"default": 2, "mail": 2}
	}
	client, err := jobs.NewClient(pool, reg, opts)
	require.NoError(t, err)
	if work {
		ctx, cancel := context.WithCancel(context.Background())
		require.NoError(t, client.Start(ctx))
		t.Cleanup(func() { cancel(); _ = client.Stop(context.Background()) })
	}
	return &env{pool: pool, svc: complaints.NewService(pool, client, complaints.WithReferrer(referrer(t))), client: client, smtp: smtp}
}

// newRegistry registers the complaint jobs (sending through sender) and
// the triage pipeline, as `campaignwatch serve` does.
func newRegistry(t *testing.T, pool *pgxpool.Pool, sender mail.Sender) *jobs.Registry {
	t.Helper()
	reg := jobs.NewRegistry()
	ref := referrer(t)
	complaints.Register(reg, complaints.NewService(pool, nil, complaints.WithReferrer(ref)), sender,
		complaints.JobSettings{MailFrom: "cw@example.org", BaseURL: "http://cw.test"})
	review.Register(reg, review.NewPipeline(pool, ref.Engine))
	return reg
}

// referrer refers complaints with the embedded rulebook's engine, as the
// composition root does with the rulebook in force.
func referrer(t *testing.T) complaints.TriageReferrer {
	t.Helper()
	rb, err := triage.DefaultRulebook()
	require.NoError(t, err)
	engine, err := triage.NewEngine(rb)
	require.NoError(t, err)
	return complaints.TriageReferrer{Engine: engine}
}

func (e *env) count(t *testing.T, sql string, args ...any) int {
	t.Helper()
	var n int
	require.NoError(t, e.pool.QueryRow(context.Background(), sql, args...).Scan(&n), sql)
	return n
}

func bp(b bool) *bool { return &b }

func sample() complaints.Submission {
	return complaints.Submission{
		Channel: "sms", PartyText: "Example Party", ReceivedAt: time.Now().Add(-2 * time.Hour), ReceivedAtHasTime: true,
		Sender: "07700 900123", Message: "Vote for us on Thursday!", Description: "I never gave them my number.",
		Consent: "no", OptedOut: bp(true), Source: "web", Lang: "en",
		Complainant: &complaints.Complainant{Name: "Ann Example", Email: "ann@example.org", MayContact: true},
		Evidence:    []complaints.Evidence{{Filename: "screenshot.txt", Data: []byte("Vote for us on Thursday!\n")}},
	}
}

func TestSubmitStoresComplaintEvidenceAndJobsTogether(t *testing.T) {
	e := newEnv(t, false)
	ctx := context.Background()
	rc, err := e.svc.Submit(ctx, sample(), complaints.Meta{})
	require.NoError(t, err)
	require.Equal(t, rc.Reference, complaints.NormalizeReference(rc.Reference), "receipt %+v", rc)
	require.Empty(t, rc.DuplicateOf, "receipt %+v", rc)
	require.Equal(t, 1, e.count(t, `SELECT count(*) FROM complaints WHERE reference = $1 AND status = 'new' AND channel = 'sms'`, rc.Reference), "complaints")
	require.Equal(t, 1, e.count(t, `SELECT count(*) FROM complaint_evidence WHERE complaint_id = $1 AND content_type = 'text/plain'`, rc.ComplaintID), "evidence")
	require.Equal(t, 1, e.count(t, `SELECT count(*) FROM complainants WHERE complaint_id = $1 AND email = 'ann@example.org'`, rc.ComplaintID), "complainants")
	river := riverpgxv5.New(e.pool)
	triageJob := rivertest.RequireInserted(ctx, t, river, complaints.TriageArgs{}, &rivertest.RequireInsertedOpts{Queue: jobs.QueueDefault})
	require.Equal(t, rc.ComplaintID, triageJob.Args.ComplaintID)
	ackJob := rivertest.RequireInserted(ctx, t, river, complaints.AcknowledgeArgs{}, &rivertest.RequireInsertedOpts{Queue: jobs.QueueMail})
	require.Equal(t, rc.ComplaintID, ackJob.Args.ComplaintID)

	// A failure part-way (an invalid party id) leaves nothing behind.
	bad := sample()
	bad.Sender = "another sender"
	id := int64(999999)
	bad.PartyID = &id
	_, err = e.svc.Submit(ctx, bad, complaints.Meta{})
	require.Equal(t, apperr.Invalid, apperr.CodeOf(err), "bad party: %v", err)
	require.Equal(t, 1, e.count(t, `SELECT count(*) FROM complaints`), "complaints after failure")
	rivertest.RequireManyInserted(ctx, t, river, []rivertest.ExpectedJob{
		{Args: complaints.TriageArgs{}}, {Args: complaints.AcknowledgeArgs{}},
	})

	// The public's complaint is not a staff action: no audit entry, but
	// its history still shows when and how it came in.
	require.Zero(t, e.count(t, `SELECT count(*) FROM audit_log WHERE object_id = $1`, rc.Reference), "audit entries for a public complaint")
	hist, err := e.svc.History(ctx, rc.Reference)
	require.NoError(t, err)
	require.Len(t, hist, 1, "history %+v", hist)
	require.Equal(t, "complaint.receive", hist[0].Action)
	require.Equal(t, "public", hist[0].Actor)
	require.Contains(t, string(hist[0].Summary), `"evidence":1`)

	// Signed-in staff submitting are audited, and History shows that
	// entry, not a second one.
	officer := fixture.New(t, e.pool).User(fixture.UserEmail("o@example.org"))
	staffCtx := fixture.As(ctx, officer)
	other := sample()
	other.Sender = "07700 900999"
	rc2, err := e.svc.Submit(staffCtx, other, complaints.Meta{IdempotencyKey: "k1"})
	require.NoError(t, err)
	hist, err = e.svc.History(ctx, rc2.Reference)
	require.NoError(t, err)
	require.Len(t, hist, 1, "staff history %+v", hist)
	require.Equal(t, "o@example.org", hist[0].Actor)

	// The same Idempotency-Key again answers with the first complaint and
	// stores nothing more.
	again, err := e.svc.Submit(staffCtx, other, complaints.Meta{IdempotencyKey: "k1"})
	require.NoError(t, err)
	require.Equal(t, rc2.Reference, again.Reference)
	require.Equal(t, rc2.ComplaintID, again.ComplaintID)
	require.Equal(t, 2, e.count(t, `SELECT count(*) FROM complaints`), "complaints after a repeated key")
	require.Equal(t, 2, e.count(t, `SELECT count(*) FROM river_job WHERE kind = 'complaint_triage'`), "triage jobs after a repeated key")

	// A staff receipt pushed out of the history's page by later entries
	// is not replaced by a made-up public one.
	require.NoError(t, pgx.BeginFunc(staffCtx, e.pool, func(tx pgx.Tx) error {
		for range 210 {
			if err := audit.Record(staffCtx, tx, "complaint.note", "complaint", rc2.Reference, audit.Change{}); err != nil {
				return err
			}
		}
		return nil
	}))
	hist, err = e.svc.History(ctx, rc2.Reference)
	require.NoError(t, err)
	require.Len(t, hist, 200, "long history")
	for _, h := range hist {
		require.NotEqual(t, "public", h.Actor, "long staff history shows a public receipt: %+v", h)
	}

	// Once retention has erased the evidence, the receipt no longer
	// claims a count it cannot know.
	_, err = e.pool.Exec(ctx, `UPDATE complaints SET anonymised_at = now() WHERE id = $1`, rc.ComplaintID)
	require.NoError(t, err)
	_, err = e.pool.Exec(ctx, `DELETE FROM complaint_evidence WHERE complaint_id = $1`, rc.ComplaintID)
	require.NoError(t, err)
	hist, err = e.svc.History(ctx, rc.Reference)
	require.NoError(t, err)
	require.Len(t, hist, 1, "history after retention %+v", hist)
	require.NotContains(t, string(hist[0].Summary), "evidence")
	require.Contains(t, string(hist[0].Summary), `"channel"`)
}

func TestSubmitLinksDuplicates(t *testing.T) {
	e := newEnv(t, false)
	ctx := context.Background()
	first, err := e.svc.Submit(ctx, sample(), complaints.Meta{})
	require.NoError(t, err)
	// Same sender (written differently), message and complainant: linked.
	again := sample()
	again.Sender = "+44 7700 900123"
	again.Message = "  vote for us   on Thursday! "
	second, err := e.svc.Submit(ctx, again, complaints.Meta{})
	require.NoError(t, err)
	require.Equal(t, first.Reference, second.DuplicateOf, "second = %+v", second)
	require.NotEqual(t, first.Reference, second.Reference)
	// Another complainant is not a duplicate.
	other := sample()
	other.Complainant.Email = "bob@example.org"
	third, err := e.svc.Submit(ctx, other, complaints.Meta{})
	require.NoError(t, err)
	require.Empty(t, third.DuplicateOf, "third = %+v", third)
	// A double click with the same idempotency key returns the first.
	k1, err := e.svc.Submit(ctx, other, complaints.Meta{IdempotencyKey: "click-1"})
	require.NoError(t, err)
	k2, err := e.svc.Submit(ctx, other, complaints.Meta{IdempotencyKey: "click-1"})
	require.NoError(t, err)
	require.Equal(t, k1.Reference, k2.Reference, "k1 %+v k2 %+v", k1, k2)
	require.Equal(t, k1.Reference, k2.DuplicateOf, "k1 %+v k2 %+v", k1, k2)
	require.Equal(t, 4, e.count(t, `SELECT count(*) FROM complaints`))
	// A day later it is a new complaint.
	_, err = e.pool.Exec(ctx, `UPDATE complaints SET created_at = created_at - interval '25 hours'`)
	require.NoError(t, err)
	late, err := e.svc.Submit(ctx, sample(), complaints.Meta{})
	require.NoError(t, err)
	require.Empty(t, late.DuplicateOf, "late = %+v", late)
}

func TestSubmitMatchesPartyAndElection(t *testing.T) {
	e := newEnv(t, false)
	ctx := context.Background()
	f := fixture.New(t, e.pool)
	party := f.Party(fixture.PartyName("Example Party"), fixture.PartyShortName("EP"), fixture.PartyAliases("The Examples"),
		fixture.PartyNations(vocab.NationWales))
	senedd := f.Election(fixture.ElectionName("Senedd"), fixture.ElectionType("senedd", "wales"), fixture.ElectionDays(-30, 10))
	f.Election(fixture.ElectionName("Holyrood"), fixture.ElectionType("scottish_parliament", "scotland"), fixture.ElectionDays(-5, 10))
	sub := sample()
	sub.PartyText = "the examples"
	rc, err := e.svc.Submit(ctx, sub, complaints.Meta{})
	require.NoError(t, err)
	var gotParty, gotElection *int64
	require.NoError(t, e.pool.QueryRow(ctx, `SELECT party_id, election_id FROM complaints WHERE id = $1`, rc.ComplaintID).Scan(&gotParty, &gotElection))
	require.NotNil(t, gotParty)
	require.NotNil(t, gotElection)
	require.Equal(t, party.ID, *gotParty)
	require.Equal(t, senedd.ID, *gotElection)
	unknown := sample()
	unknown.PartyText = "Nobody We Know"
	unknown.Sender = "x"
	rc, err = e.svc.Submit(ctx, unknown, complaints.Meta{})
	require.NoError(t, err)
	var text string
	require.NoError(t, e.pool.QueryRow(ctx, `SELECT party_text FROM complaints WHERE id = $1 AND party_id IS NULL`, rc.ComplaintID).Scan(&text))
	require.Equal(t, "Nobody We Know", text)
}

func TestNormalizeAndValidate(t *testing.T) {
	now := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	s := complaints.Submission{
		Channel: " SMS ", Sender: "Caf\u0065\u0301\x00 \u202Eevil", Message: "line1\r\nline2\x07\tend",
		ReceivedAt: now.Add(-time.Hour), ReceivedAtHasTime: true, Source: "web",
		Complainant: &complaints.Complainant{Postcode: "sw1a1aa", Email: "a@example.org"},
	}
	s.Normalize()
	require.Equal(t, "sms", s.Channel)
	require.Equal(t, "Café evil", s.Sender)
	require.Equal(t, "line1\nline2\tend", s.Message)
	require.Equal(t, "unsure", s.Consent)
	require.Equal(t, "SW1A 1AA", s.Complainant.Postcode)
	require.NoError(t, s.Validate(now), "valid submission")
	tomorrow := s
	tomorrow.ReceivedAt, tomorrow.ReceivedAtHasTime = now.AddDate(0, 0, 1), false
	fe := apperr.FieldsOf(tomorrow.Validate(now))
	require.Len(t, fe, 1, "future: %+v", fe)
	require.Equal(t, "received_at", fe[0].Field)
	require.Equal(t, "future", fe[0].Code)
}

func TestCheckEvidence(t *testing.T) {
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
	cases := []struct {
		name, data     string
		wantName, want string
		code           string
	}{
		{"a.png", string(png), "a.png", "image/png", ""},
		{"a.txt", string(png), "a.png", "image/png", ""}, // the content decides, not the name
		{"IMG_1.JPEG", "\xff\xd8\xff\xe0\x00\x10JFIF", "IMG_1.JPEG", "image/jpeg", ""},
		{"a.pdf", "%PDF-1.7\n", "a.pdf", "application/pdf", ""},
		{"mail.eml", "From: a@example.org\nSubject: Vote\n\nHello", "mail.eml", "message/rfc822", ""},
		{"notes.txt", "just some text", "notes.txt", "text/plain", ""},
		{"notes 12.03.2024", "just some text", "notes 12.03.2024.txt", "text/plain", ""},
		{"page.html", "<html><script>alert(1)</script>", "", "", "type"},
		{"mail.eml", "not an email at all", "", "", "type"},
		{"x.exe", "MZ\x90\x00\x03\x00\x00\x00", "", "", "type"},
		{"bad.txt", "caf\xe9 au lait", "", "", "type"},
		{"empty.txt", "", "", "", "empty"},
		// A PNG under a program's name keeps its name but says what it is.
		{"photo.jpg.exe", string(png), "photo.jpg.png", "image/png", ""},
		// SVG can carry script, and the sniffer calls it text.
		{"script.svg", `<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`, "", "", "markup"},
		{"drawing.png", "\ufeff  <!-- x --><svg onload=alert(1)>", "", "", "markup"},
		// Text under a drawing's name is stored as the text it is.
		{"script.svg", "I was sent this text", "script.txt", "text/plain", ""},
		// A polyglot: a GIF whose bytes are also a script page is kept as
		// a GIF, never under its .html name.
		{"evil.html", "GIF89a/*\x01\x00\x01\x00*/=1;<script>alert(1)</script>", "evil.gif", "image/gif", ""},
		{"..\\..\\.hidden", "text", "hidden.txt", "text/plain", ""},
		{`a"b;c.pdf`, "%PDF-1.4\n", "a_b_c.pdf", "application/pdf", ""},
	}
	for _, c := range cases {
		name, ct, err := complaints.CheckEvidence(c.name, strings.NewReader(c.data))
		var code string
		if fe := apperr.FieldsOf(err); len(fe) == 1 && fe[0].Field == "evidence" {
			code = fe[0].Code
		} else if !assert.NoError(t, err, c.name) {
			continue
		}
		assert.Equal(t, c.wantName, name, c.name)
		assert.Equal(t, c.want, ct, c.name)
		assert.Equal(t, c.code, code, c.name)
	}
}

// A large text file is checked to its end in pieces: a character cut by
// a piece's end is still valid, a bad byte far in is still found.
func TestCheckEvidenceReadsLongTextInPieces(t *testing.T) {
	long := strings.Repeat("Pleidleisiwch dros y Blaid – ŵ ŷ ✓ ", 40000)
	_, ct, err := complaints.CheckEvidence("long.txt", strings.NewReader(long))
	require.NoError(t, err, "long valid text")
	require.Equal(t, "text/plain", ct)
	_, _, err = complaints.CheckEvidence("long.txt", strings.NewReader(long+"\x00"))
	fe := apperr.FieldsOf(err)
	require.Len(t, fe, 1, "NUL at the end of long text: %v", err)
	require.Equal(t, "type", fe[0].Code)
}

func TestAcknowledgementEmailInEnglishAndWelsh(t *testing.T) {
	e := newEnv(t, true)
	ctx := context.Background()
	done := fixture.Subscribe(t, e.client)
	en := sample()
	cy := sample()
	cy.Lang, cy.Sender = "cy", "other sender"
	cy.Complainant = &complaints.Complainant{Email: "cymro@example.org"}
	rcEN, err := e.svc.Submit(ctx, en, complaints.Meta{})
	require.NoError(t, err)
	rcCY, err := e.svc.Submit(ctx, cy, complaints.Meta{})
	require.NoError(t, err)
	msgs := e.smtp.WaitFor(t, 2, 20*time.Second)
	byTo := map[string]string{}
	for _, m := range msgs {
		byTo[m.To[0]] = m.Parsed.Subject + "\n" + m.Parsed.MessageID + "\n" + m.Parsed.Text
	}
	english := byTo["ann@example.org"]
	require.Contains(t, english, rcEN.Reference)
	require.Contains(t, english, "We have received your complaint")
	require.Contains(t, english, "complaint-ack-")
	welsh := byTo["cymro@example.org"]
	require.Contains(t, welsh, rcCY.Reference)
	require.Contains(t, welsh, "Diolch")
	done.Wait(complaints.AcknowledgeArgs{}.Kind(), 2, 10*time.Second)
	done.Wait(complaints.TriageArgs{}.Kind(), 2, 10*time.Second)
	require.Equal(t, 2, e.count(t, `SELECT count(*) FROM complaints WHERE acknowledged_at IS NOT NULL AND triage_requested_at IS NOT NULL`),
		"acknowledged_at set once the jobs are done")

	// Running the job again sends nothing more: once both reruns have
	// completed, still only the two messages.
	rerun := fixture.Subscribe(t, e.client)
	_, err = e.pool.Exec(ctx, `UPDATE river_job SET state = 'available', scheduled_at = now(), finalized_at = NULL WHERE kind = 'complaint_acknowledge'`)
	require.NoError(t, err)
	rerun.Wait(complaints.AcknowledgeArgs{}.Kind(), 2, 20*time.Second)
	require.Len(t, e.smtp.Messages(), 2, "messages after rerun")
}

func TestRetentionErasesPersonalData(t *testing.T) {
	e := newEnv(t, false)
	ctx := context.Background()
	old, err := e.svc.Submit(ctx, sample(), complaints.Meta{})
	require.NoError(t, err)
	fresh := sample()
	fresh.Sender = "fresh"
	recent, err := e.svc.Submit(ctx, fresh, complaints.Meta{})
	require.NoError(t, err)
	_, err = e.pool.Exec(ctx, `UPDATE complaints SET created_at = now() - interval '800 days' WHERE id = $1`, old.ComplaintID)
	require.NoError(t, err)
	n, err := e.svc.ApplyRetention(ctx, 730)
	require.NoError(t, err)
	require.Equal(t, 1, n, "anonymised")
	require.Zero(t, e.count(t, `SELECT count(*) FROM complainants WHERE complaint_id = $1`, old.ComplaintID), "complainant kept")
	require.Zero(t, e.count(t, `SELECT count(*) FROM complaint_evidence WHERE complaint_id = $1`, old.ComplaintID), "evidence kept")
	require.Equal(t, 1, e.count(t, `SELECT count(*) FROM complaints WHERE id = $1 AND anonymised_at IS NOT NULL AND description = '' AND message <> ''`, old.ComplaintID),
		"complaint not kept anonymised")
	require.Equal(t, 1, e.count(t, `SELECT count(*) FROM complainants WHERE complaint_id = $1`, recent.ComplaintID), "recent complainant erased")
	require.Equal(t, 1, e.count(t, `SELECT count(*) FROM audit_log WHERE action = 'complaint.retention' AND actor = 'system'`), "retention audit entries")
	n, err = e.svc.ApplyRetention(ctx, 730)
	require.NoError(t, err)
	require.Zero(t, n, "second run anonymised")
}

func TestImport(t *testing.T) {
	e := newEnv(t, false)
	ctx := context.Background()
	good := "source_id,channel,received_at,sender,message,opted_out,complainant_email\n" +
		"A1,sms,2024-03-27,07700 900001,Vote now,yes,a@example.org\n" +
		"A2,live_call,27/03/2024,01632 960001,Hello,no,\n"
	header, rows, err := complaints.ReadImportFile("in.csv", []byte(good))
	require.NoError(t, err)
	rep, err := e.svc.Import(ctx, header, rows, complaints.ImportOptions{Source: "phone-line"})
	require.NoError(t, err)
	require.True(t, rep.Stored, "import: %+v", rep)
	require.Equal(t, 2, rep.Created, "import: %+v", rep)
	require.Empty(t, rep.Errors)
	river := riverpgxv5.New(e.pool)
	rivertest.RequireManyInserted(ctx, t, river, []rivertest.ExpectedJob{
		{Args: complaints.TriageArgs{}}, {Args: complaints.TriageArgs{}},
	})
	rivertest.RequireNotInserted(ctx, t, river, complaints.AcknowledgeArgs{}, nil) // imports must not email
	// Idempotent by source id.
	rep, err = e.svc.Import(ctx, header, rows, complaints.ImportOptions{Source: "phone-line"})
	require.NoError(t, err)
	require.Zero(t, rep.Created, "re-import: %+v", rep)
	require.Equal(t, 2, rep.Existing, "re-import: %+v", rep)
	bad := "source_id,channel,received_at,opted_out,recipients_visible,complainant_email,sender\n" +
		"B1,sms,2024-03-27,,,,07700 900002\n" +
		"B2,fax,not a date,maybe,lots,nope,x\n" +
		"B3,email,2024-03-28,,,,news@example.org\n"
	header, rows, _ = complaints.ReadImportFile("bad.csv", []byte(bad))
	rep, err = e.svc.Import(ctx, header, rows, complaints.ImportOptions{Source: "spam"})
	require.NoError(t, err)
	require.False(t, rep.Stored, "bad import: %+v", rep)
	require.Equal(t, 1, rep.Invalid, "bad import: %+v", rep)
	cols := map[string]bool{}
	for _, re := range rep.Errors {
		assert.Equal(t, 3, re.Row, "error on another row: %+v", re)
		cols[re.Column] = true
	}
	for _, c := range []string{"channel", "received_at", "opted_out", "recipients_visible", "complainant_email"} {
		assert.True(t, cols[c], "no error for column %s: %+v", c, rep.Errors)
	}
	require.Zero(t, e.count(t, `SELECT count(*) FROM complaints WHERE source = 'spam'`), "rows stored from an invalid file")
	rep, err = e.svc.Import(ctx, header, rows, complaints.ImportOptions{Source: "spam", SkipInvalid: true})
	require.NoError(t, err)
	require.True(t, rep.Stored, "skip-invalid: %+v", rep)
	require.Equal(t, 2, rep.Created, "skip-invalid: %+v", rep)
	require.Equal(t, 1, rep.Invalid, "skip-invalid: %+v", rep)
	rep, err = e.svc.Import(ctx, header, rows, complaints.ImportOptions{Source: "other", SkipInvalid: true, DryRun: true})
	require.NoError(t, err)
	require.False(t, rep.Stored, "dry run: %+v", rep)
	require.Zero(t, e.count(t, `SELECT count(*) FROM complaints WHERE source = 'other'`), "dry run stored rows")
}

// Triage claims new complaints in id order, so concurrent submissions must
// get ids from one block at a time, in order: no gaps among the ids of
// complaints submitted together, and each client's ids going up.
func TestConcurrentSubmissionsGetConsecutiveIDs(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false)
	ctx := context.Background()
	const workers, each = 48, 4
	errs := make(chan error, workers*each)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			last := int64(0)
			for i := 0; i < each; i++ {
				sub := sample()
				sub.Complainant, sub.Evidence = nil, nil
				sub.Message = fmt.Sprintf("Message %d from worker %d", i, w)
				rc, err := e.svc.Submit(ctx, sub, complaints.Meta{})
				if err == nil && rc.ComplaintID <= last {
					err = fmt.Errorf("worker %d got id %d after %d", w, rc.ComplaintID, last)
				}
				last = rc.ComplaintID
				errs <- err
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	var lo, hi, n int64
	require.NoError(t, e.pool.QueryRow(ctx, `SELECT min(id), max(id), count(*) FROM complaints`).Scan(&lo, &hi, &n))
	require.Equal(t, int64(workers*each), n)
	require.Equal(t, n, hi-lo+1, "%d complaints with ids %d to %d: ids were drawn in more than one block at once", n, lo, hi)
}

// TestRetentionInBatches proves retention erases many expired complaints a
// small transaction at a time, each batch with its own audit entry, and
// that a rerun finds nothing left to do.
func TestRetentionInBatches(t *testing.T) {
	e := newEnv(t, false)
	ctx := audit.WithActor(context.Background(), audit.Actor{Label: "system"})
	const expired, batch = 7, 3
	for i := range expired {
		c := sample()
		c.Sender = fmt.Sprintf("sender-%d", i)
		r, err := e.svc.Submit(ctx, c, complaints.Meta{})
		require.NoError(t, err)
		_, err = e.pool.Exec(ctx, `UPDATE complaints SET created_at = now() - interval '800 days' WHERE id = $1`, r.ComplaintID)
		require.NoError(t, err)
	}
	n, more, err := e.svc.ApplyRetentionBatches(ctx, 730, batch)
	require.NoError(t, err)
	require.Equal(t, expired, n, "anonymised")
	require.False(t, more)
	require.Zero(t, e.count(t, `SELECT count(*) FROM complainants`), "complainants kept")
	// One audit entry a batch, none larger than the batch: 3 + 3 + 1.
	require.Equal(t, 3, e.count(t, `SELECT count(*) FROM audit_log WHERE action = 'complaint.retention'`), "retention audit entries (one a batch)")
	require.Zero(t, e.count(t, `SELECT count(*) FROM audit_log WHERE action = 'complaint.retention' AND (summary->'after'->>'anonymised')::int > $1`, batch),
		"batches larger than %d", batch)
	n, more, err = e.svc.ApplyRetentionBatches(ctx, 730, batch)
	require.NoError(t, err)
	require.Zero(t, n, "rerun anonymised")
	require.False(t, more)
}
