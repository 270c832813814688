package complaints_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/campaignwatch/campaignwatch/complaints"
	"github.com/campaignwatch/campaignwatch/complaints/review"
	"github.com/campaignwatch/campaignwatch/complaints/triage"
	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/internal/audit"
	"github.com/campaignwatch/campaignwatch/internal/mail"
	"github.com/campaignwatch/campaignwatch/internal/mail/mailtest"
	"github.com/campaignwatch/campaignwatch/internal/testdb"
	"github.com/campaignwatch/campaignwatch/jobs"
)

type env struct {
	pool *pgxpool.Pool
	svc  *complaints.Service
	smtp *mailtest.Server
}

// newEnv gives a service whose River client works jobs when work is set.
func newEnv(t *testing.T, work bool) *env {
	t.Helper()
	pool := testdb.New(t)
	smtp := mailtest.NewServer(t)
	sender, err := mail.NewSMTP(smtp.URL())
	if err != nil {
		t.Fatal(err)
	}
	reg := newRegistry(t, pool, sender)
	opts := jobs.Options{}
	if work {
		opts.Workers = map[string]int{"default": 2, "mail": 2}
	}
	client, err := jobs.NewClient(pool, reg, opts)
	if err != nil {
		t.Fatal(err)
	}
	if work {
		ctx, cancel := context.WithCancel(context.Background())
		if err := client.Start(ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cancel(); _ = client.Stop(context.Background()) })
	}
	return &env{pool: pool, svc: complaints.NewService(pool, client), smtp: smtp}
}

// newRegistry registers the complaint jobs (sending through sender) and
// the triage pipeline, as `campaignwatch serve` does.
func newRegistry(t *testing.T, pool *pgxpool.Pool, sender mail.Sender) *jobs.Registry {
	t.Helper()
	reg := jobs.NewRegistry()
	complaints.Register(reg, complaints.NewService(pool, nil), sender, complaints.JobSettings{MailFrom: "cw@example.org", BaseURL: "http://cw.test"})
	rb, err := triage.DefaultRulebook()
	if err != nil {
		t.Fatal(err)
	}
	engine, err := triage.NewEngine(rb)
	if err != nil {
		t.Fatal(err)
	}
	review.Register(reg, review.NewPipeline(pool, engine))
	return reg
}

func (e *env) count(t *testing.T, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := e.pool.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
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
	if err != nil {
		t.Fatal(err)
	}
	if complaints.NormalizeReference(rc.Reference) != rc.Reference || rc.DuplicateOf != "" {
		t.Fatalf("receipt %+v", rc)
	}
	if n := e.count(t, `SELECT count(*) FROM complaints WHERE reference = $1 AND status = 'new' AND channel = 'sms'`, rc.Reference); n != 1 {
		t.Fatalf("complaints = %d", n)
	}
	if n := e.count(t, `SELECT count(*) FROM complaint_evidence WHERE complaint_id = $1 AND content_type = 'text/plain'`, rc.ComplaintID); n != 1 {
		t.Fatalf("evidence = %d", n)
	}
	if n := e.count(t, `SELECT count(*) FROM complainants WHERE complaint_id = $1 AND email = 'ann@example.org'`, rc.ComplaintID); n != 1 {
		t.Fatalf("complainants = %d", n)
	}
	if n := e.count(t, `SELECT count(*) FROM river_job WHERE kind = 'complaint_triage' AND queue = 'default' AND (args->>'complaint_id')::bigint = $1`, rc.ComplaintID); n != 1 {
		t.Fatalf("triage jobs = %d", n)
	}
	if n := e.count(t, `SELECT count(*) FROM river_job WHERE kind = 'complaint_acknowledge' AND queue = 'mail'`); n != 1 {
		t.Fatalf("ack jobs = %d", n)
	}

	// A failure part-way (an invalid party id) leaves nothing behind.
	bad := sample()
	bad.Sender = "another sender"
	id := int64(999999)
	bad.PartyID = &id
	if _, err := e.svc.Submit(ctx, bad, complaints.Meta{}); apperr.CodeOf(err) != apperr.Invalid {
		t.Fatalf("bad party: %v", err)
	}
	if n := e.count(t, `SELECT count(*) FROM complaints`); n != 1 {
		t.Fatalf("complaints after failure = %d", n)
	}
	if n := e.count(t, `SELECT count(*) FROM river_job WHERE kind LIKE 'complaint_%'`); n != 2 {
		t.Fatalf("jobs after failure = %d", n)
	}

	// The public's complaint is not a staff action: no audit entry, but
	// its history still shows when and how it came in.
	if n := e.count(t, `SELECT count(*) FROM audit_log WHERE object_id = $1`, rc.Reference); n != 0 {
		t.Fatalf("audit entries for a public complaint = %d", n)
	}
	hist, err := e.svc.History(ctx, rc.Reference)
	if err != nil || len(hist) != 1 || hist[0].Action != "complaint.receive" || hist[0].Actor != "public" ||
		!strings.Contains(string(hist[0].Summary), `"evidence":1`) {
		t.Fatalf("history %+v, %v", hist, err)
	}

	// Signed-in staff submitting are audited, and History shows that
	// entry, not a second one.
	staffID := int64(0)
	if err := e.pool.QueryRow(ctx, `INSERT INTO staff_users (email, role, password_hash) VALUES ('o@example.org', 'triage_officer', 'x') RETURNING id`).Scan(&staffID); err != nil {
		t.Fatal(err)
	}
	staffCtx := audit.WithActor(ctx, audit.Actor{UserID: &staffID, Label: "o@example.org"})
	other := sample()
	other.Sender = "07700 900999"
	rc2, err := e.svc.Submit(staffCtx, other, complaints.Meta{IdempotencyKey: "k1"})
	if err != nil {
		t.Fatal(err)
	}
	hist, err = e.svc.History(ctx, rc2.Reference)
	if err != nil || len(hist) != 1 || hist[0].Actor != "o@example.org" {
		t.Fatalf("staff history %+v, %v", hist, err)
	}

	// The same Idempotency-Key again answers with the first complaint and
	// stores nothing more.
	again, err := e.svc.Submit(staffCtx, other, complaints.Meta{IdempotencyKey: "k1"})
	if err != nil || again.Reference != rc2.Reference || again.ComplaintID != rc2.ComplaintID {
		t.Fatalf("repeat %+v, %v", again, err)
	}
	if n := e.count(t, `SELECT count(*) FROM complaints`); n != 2 {
		t.Fatalf("complaints after a repeated key = %d", n)
	}
	if n := e.count(t, `SELECT count(*) FROM river_job WHERE kind = 'complaint_triage'`); n != 2 {
		t.Fatalf("triage jobs after a repeated key = %d", n)
	}

	// A staff receipt pushed out of the history's page by later entries
	// is not replaced by a made-up public one.
	if _, err := e.pool.Exec(ctx, `INSERT INTO audit_log (actor, action, object_type, object_id, summary)
SELECT 'o@example.org', 'complaint.note', 'complaint', $1, '{}' FROM generate_series(1, 210)`, rc2.Reference); err != nil {
		t.Fatal(err)
	}
	hist, err = e.svc.History(ctx, rc2.Reference)
	if err != nil || len(hist) != 200 {
		t.Fatalf("long history: %d entries, %v", len(hist), err)
	}
	for _, h := range hist {
		if h.Actor == "public" {
			t.Fatalf("long staff history shows a public receipt: %+v", h)
		}
	}

	// Once retention has erased the evidence, the receipt no longer
	// claims a count it cannot know.
	if _, err := e.pool.Exec(ctx, `UPDATE complaints SET anonymised_at = now() WHERE id = $1`, rc.ComplaintID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.pool.Exec(ctx, `DELETE FROM complaint_evidence WHERE complaint_id = $1`, rc.ComplaintID); err != nil {
		t.Fatal(err)
	}
	hist, err = e.svc.History(ctx, rc.Reference)
	if err != nil || len(hist) != 1 || strings.Contains(string(hist[0].Summary), "evidence") ||
		!strings.Contains(string(hist[0].Summary), `"channel"`) {
		t.Fatalf("history after retention %+v, %v", hist, err)
	}
}

func TestSubmitLinksDuplicates(t *testing.T) {
	e := newEnv(t, false)
	ctx := context.Background()
	first, err := e.svc.Submit(ctx, sample(), complaints.Meta{})
	if err != nil {
		t.Fatal(err)
	}
	// Same sender (written differently), message and complainant: linked.
	again := sample()
	again.Sender = "+44 7700 900123"
	again.Message = "  vote for us   on Thursday! "
	second, err := e.svc.Submit(ctx, again, complaints.Meta{})
	if err != nil {
		t.Fatal(err)
	}
	if second.DuplicateOf != first.Reference || second.Reference == first.Reference {
		t.Fatalf("second = %+v, first = %s", second, first.Reference)
	}
	// Another complainant is not a duplicate.
	other := sample()
	other.Complainant.Email = "bob@example.org"
	third, err := e.svc.Submit(ctx, other, complaints.Meta{})
	if err != nil || third.DuplicateOf != "" {
		t.Fatalf("third = %+v, %v", third, err)
	}
	// A double click with the same idempotency key returns the first.
	k1, err := e.svc.Submit(ctx, other, complaints.Meta{IdempotencyKey: "click-1"})
	if err != nil {
		t.Fatal(err)
	}
	k2, err := e.svc.Submit(ctx, other, complaints.Meta{IdempotencyKey: "click-1"})
	if err != nil || k2.Reference != k1.Reference || k2.DuplicateOf != k1.Reference {
		t.Fatalf("k1 %+v k2 %+v %v", k1, k2, err)
	}
	if n := e.count(t, `SELECT count(*) FROM complaints`); n != 4 {
		t.Fatalf("complaints = %d, want 4", n)
	}
	// A day later it is a new complaint.
	if _, err := e.pool.Exec(ctx, `UPDATE complaints SET created_at = created_at - interval '25 hours'`); err != nil {
		t.Fatal(err)
	}
	late, err := e.svc.Submit(ctx, sample(), complaints.Meta{})
	if err != nil || late.DuplicateOf != "" {
		t.Fatalf("late = %+v %v", late, err)
	}
}

func TestSubmitMatchesPartyAndElection(t *testing.T) {
	e := newEnv(t, false)
	ctx := context.Background()
	var partyID, electionID int64
	if err := e.pool.QueryRow(ctx, `INSERT INTO parties (name, short_name, aliases, nations) VALUES ('Example Party', 'EP', '{"The Examples"}', '{wales}') RETURNING id`).Scan(&partyID); err != nil {
		t.Fatal(err)
	}
	if err := e.pool.QueryRow(ctx, `INSERT INTO elections (name, type, nations, announced_on, polling_day) VALUES ('Senedd', 'senedd', '{wales}', current_date - 30, current_date + 10) RETURNING id`).Scan(&electionID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.pool.Exec(ctx, `INSERT INTO elections (name, type, nations, announced_on, polling_day) VALUES ('Holyrood', 'scottish_parliament', '{scotland}', current_date - 5, current_date + 10)`); err != nil {
		t.Fatal(err)
	}
	sub := sample()
	sub.PartyText = "the examples"
	rc, err := e.svc.Submit(ctx, sub, complaints.Meta{})
	if err != nil {
		t.Fatal(err)
	}
	var gotParty, gotElection *int64
	if err := e.pool.QueryRow(ctx, `SELECT party_id, election_id FROM complaints WHERE id = $1`, rc.ComplaintID).Scan(&gotParty, &gotElection); err != nil {
		t.Fatal(err)
	}
	if gotParty == nil || *gotParty != partyID || gotElection == nil || *gotElection != electionID {
		t.Fatalf("party %v election %v, want %d %d", gotParty, gotElection, partyID, electionID)
	}
	unknown := sample()
	unknown.PartyText = "Nobody We Know"
	unknown.Sender = "x"
	rc, err = e.svc.Submit(ctx, unknown, complaints.Meta{})
	if err != nil {
		t.Fatal(err)
	}
	var text string
	if err := e.pool.QueryRow(ctx, `SELECT party_text FROM complaints WHERE id = $1 AND party_id IS NULL`, rc.ComplaintID).Scan(&text); err != nil || text != "Nobody We Know" {
		t.Fatalf("party text %q %v", text, err)
	}
}

func TestNormalizeAndValidate(t *testing.T) {
	now := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	s := complaints.Submission{
		Channel: " SMS ", Sender: "Caf\u0065\u0301\x00 \u202Eevil", Message: "line1\r\nline2\x07\tend",
		ReceivedAt: now.Add(-time.Hour), ReceivedAtHasTime: true, Source: "web",
		Complainant: &complaints.Complainant{Postcode: "sw1a1aa", Email: "a@example.org"},
	}
	s.Normalize()
	if s.Channel != "sms" || s.Sender != "Café evil" || s.Message != "line1\nline2\tend" || s.Consent != "unsure" || s.Complainant.Postcode != "SW1A 1AA" {
		t.Fatalf("normalised: %q %q %q %q %q", s.Channel, s.Sender, s.Message, s.Consent, s.Complainant.Postcode)
	}
	if err := s.Validate(now); err != nil {
		t.Fatalf("valid submission: %v", err)
	}
	tomorrow := s
	tomorrow.ReceivedAt, tomorrow.ReceivedAtHasTime = now.AddDate(0, 0, 1), false
	fe := apperr.FieldsOf(tomorrow.Validate(now))
	if len(fe) != 1 || fe[0].Field != "received_at" || fe[0].Code != "future" {
		t.Fatalf("future: %+v", fe)
	}
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
		} else if err != nil {
			t.Errorf("%q: unexpected error %v", c.name, err)
			continue
		}
		if name != c.wantName || ct != c.want || code != c.code {
			t.Errorf("%q: got %q, %q, code %q; want %q, %q, code %q", c.name, name, ct, code, c.wantName, c.want, c.code)
		}
	}
}

// A large text file is checked to its end in pieces: a character cut by
// a piece's end is still valid, a bad byte far in is still found.
func TestCheckEvidenceReadsLongTextInPieces(t *testing.T) {
	long := strings.Repeat("Pleidleisiwch dros y Blaid – ŵ ŷ ✓ ", 40000)
	_, ct, err := complaints.CheckEvidence("long.txt", strings.NewReader(long))
	if err != nil || ct != "text/plain" {
		t.Fatalf("long valid text: %q, %v", ct, err)
	}
	_, _, err = complaints.CheckEvidence("long.txt", strings.NewReader(long+"\x00"))
	if fe := apperr.FieldsOf(err); len(fe) != 1 || fe[0].Code != "type" {
		t.Fatalf("NUL at the end of long text: %v", err)
	}
}

func TestAcknowledgementEmailInEnglishAndWelsh(t *testing.T) {
	e := newEnv(t, true)
	ctx := context.Background()
	en := sample()
	cy := sample()
	cy.Lang, cy.Sender = "cy", "other sender"
	cy.Complainant = &complaints.Complainant{Email: "cymro@example.org"}
	rcEN, err := e.svc.Submit(ctx, en, complaints.Meta{})
	if err != nil {
		t.Fatal(err)
	}
	rcCY, err := e.svc.Submit(ctx, cy, complaints.Meta{})
	if err != nil {
		t.Fatal(err)
	}
	msgs := e.smtp.WaitFor(t, 2, 20*time.Second)
	byTo := map[string]string{}
	for _, m := range msgs {
		byTo[m.To[0]] = m.Parsed.Subject + "\n" + m.Parsed.MessageID + "\n" + m.Parsed.Text
	}
	if s := byTo["ann@example.org"]; !strings.Contains(s, rcEN.Reference) || !strings.Contains(s, "We have received your complaint") ||
		!strings.Contains(s, "complaint-ack-") {
		t.Fatalf("English email:\n%s", s)
	}
	if s := byTo["cymro@example.org"]; !strings.Contains(s, rcCY.Reference) || !strings.Contains(s, "Diolch") {
		t.Fatalf("Welsh email:\n%s", s)
	}
	deadline := time.Now().Add(10 * time.Second)
	for e.count(t, `SELECT count(*) FROM complaints WHERE acknowledged_at IS NOT NULL AND triage_requested_at IS NOT NULL`) != 2 {
		if time.Now().After(deadline) {
			t.Fatal("acknowledged_at not set")
		}
		time.Sleep(100 * time.Millisecond)
	}
	// Running the job again sends nothing more.
	if _, err := e.pool.Exec(ctx, `UPDATE river_job SET state = 'available', scheduled_at = now(), finalized_at = NULL WHERE kind = 'complaint_acknowledge'`); err != nil {
		t.Fatal(err)
	}
	time.Sleep(2 * time.Second)
	if n := len(e.smtp.Messages()); n != 2 {
		t.Fatalf("messages after rerun = %d", n)
	}
}

func TestRetentionErasesPersonalData(t *testing.T) {
	e := newEnv(t, false)
	ctx := context.Background()
	old, err := e.svc.Submit(ctx, sample(), complaints.Meta{})
	if err != nil {
		t.Fatal(err)
	}
	fresh := sample()
	fresh.Sender = "fresh"
	recent, err := e.svc.Submit(ctx, fresh, complaints.Meta{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.pool.Exec(ctx, `UPDATE complaints SET created_at = now() - interval '800 days' WHERE id = $1`, old.ComplaintID); err != nil {
		t.Fatal(err)
	}
	n, err := e.svc.ApplyRetention(ctx, 730)
	if err != nil || n != 1 {
		t.Fatalf("anonymised %d, %v", n, err)
	}
	if c := e.count(t, `SELECT count(*) FROM complainants WHERE complaint_id = $1`, old.ComplaintID); c != 0 {
		t.Fatal("complainant kept")
	}
	if c := e.count(t, `SELECT count(*) FROM complaint_evidence WHERE complaint_id = $1`, old.ComplaintID); c != 0 {
		t.Fatal("evidence kept")
	}
	if c := e.count(t, `SELECT count(*) FROM complaints WHERE id = $1 AND anonymised_at IS NOT NULL AND description = '' AND message <> ''`, old.ComplaintID); c != 1 {
		t.Fatal("complaint not kept anonymised")
	}
	if c := e.count(t, `SELECT count(*) FROM complainants WHERE complaint_id = $1`, recent.ComplaintID); c != 1 {
		t.Fatal("recent complainant erased")
	}
	if c := e.count(t, `SELECT count(*) FROM audit_log WHERE action = 'complaint.retention' AND actor = 'system'`); c != 1 {
		t.Fatalf("retention audit entries = %d", c)
	}
	if n, err := e.svc.ApplyRetention(ctx, 730); err != nil || n != 0 {
		t.Fatalf("second run anonymised %d, %v", n, err)
	}
}

func TestImport(t *testing.T) {
	e := newEnv(t, false)
	ctx := context.Background()
	good := "source_id,channel,received_at,sender,message,opted_out,complainant_email\n" +
		"A1,sms,2024-03-27,07700 900001,Vote now,yes,a@example.org\n" +
		"A2,live_call,27/03/2024,01632 960001,Hello,no,\n"
	header, rows, err := complaints.ReadImportFile("in.csv", []byte(good))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := e.svc.Import(ctx, header, rows, complaints.ImportOptions{Source: "phone-line"})
	if err != nil || !rep.Stored || rep.Created != 2 || len(rep.Errors) != 0 {
		t.Fatalf("import: %+v %v", rep, err)
	}
	if n := e.count(t, `SELECT count(*) FROM river_job WHERE kind = 'complaint_triage'`); n != 2 {
		t.Fatalf("triage jobs = %d", n)
	}
	if n := e.count(t, `SELECT count(*) FROM river_job WHERE kind = 'complaint_acknowledge'`); n != 0 {
		t.Fatalf("imports must not email: %d", n)
	}
	// Idempotent by source id.
	rep, err = e.svc.Import(ctx, header, rows, complaints.ImportOptions{Source: "phone-line"})
	if err != nil || rep.Created != 0 || rep.Existing != 2 {
		t.Fatalf("re-import: %+v %v", rep, err)
	}
	bad := "source_id,channel,received_at,opted_out,recipients_visible,complainant_email,sender\n" +
		"B1,sms,2024-03-27,,,,07700 900002\n" +
		"B2,fax,not a date,maybe,lots,nope,x\n" +
		"B3,email,2024-03-28,,,,news@example.org\n"
	header, rows, _ = complaints.ReadImportFile("bad.csv", []byte(bad))
	rep, err = e.svc.Import(ctx, header, rows, complaints.ImportOptions{Source: "spam"})
	if err != nil || rep.Stored || rep.Invalid != 1 {
		t.Fatalf("bad import: %+v %v", rep, err)
	}
	cols := map[string]bool{}
	for _, re := range rep.Errors {
		if re.Row != 3 {
			t.Errorf("error on row %d: %+v", re.Row, re)
		}
		cols[re.Column] = true
	}
	for _, c := range []string{"channel", "received_at", "opted_out", "recipients_visible", "complainant_email"} {
		if !cols[c] {
			t.Errorf("no error for column %s: %+v", c, rep.Errors)
		}
	}
	if n := e.count(t, `SELECT count(*) FROM complaints WHERE source = 'spam'`); n != 0 {
		t.Fatalf("stored %d rows from an invalid file", n)
	}
	rep, err = e.svc.Import(ctx, header, rows, complaints.ImportOptions{Source: "spam", SkipInvalid: true})
	if err != nil || !rep.Stored || rep.Created != 2 || rep.Invalid != 1 {
		t.Fatalf("skip-invalid: %+v %v", rep, err)
	}
	rep, err = e.svc.Import(ctx, header, rows, complaints.ImportOptions{Source: "other", SkipInvalid: true, DryRun: true})
	if err != nil || rep.Stored || e.count(t, `SELECT count(*) FROM complaints WHERE source = 'other'`) != 0 {
		t.Fatalf("dry run: %+v %v", rep, err)
	}
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
		if err != nil {
			t.Fatal(err)
		}
	}
	var lo, hi, n int64
	if err := e.pool.QueryRow(ctx, `SELECT min(id), max(id), count(*) FROM complaints`).Scan(&lo, &hi, &n); err != nil {
		t.Fatal(err)
	}
	if n != workers*each || hi-lo+1 != n {
		t.Fatalf("%d complaints with ids %d to %d: ids were drawn in more than one block at once", n, lo, hi)
	}
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
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.pool.Exec(ctx, `UPDATE complaints SET created_at = now() - interval '800 days' WHERE id = $1`, r.ComplaintID); err != nil {
			t.Fatal(err)
		}
	}
	n, more, err := e.svc.ApplyRetentionBatches(ctx, 730, batch)
	if err != nil || n != expired || more {
		t.Fatalf("anonymised %d (more %v), %v; want %d", n, more, err, expired)
	}
	if c := e.count(t, `SELECT count(*) FROM complainants`); c != 0 {
		t.Fatalf("%d complainants kept", c)
	}
	// One audit entry a batch, none larger than the batch: 3 + 3 + 1.
	if c := e.count(t, `SELECT count(*) FROM audit_log WHERE action = 'complaint.retention'`); c != 3 {
		t.Fatalf("retention audit entries = %d, want 3 (one a batch)", c)
	}
	if c := e.count(t, `SELECT count(*) FROM audit_log WHERE action = 'complaint.retention' AND (summary->'after'->>'anonymised')::int > $1`, batch); c != 0 {
		t.Fatalf("%d batches larger than %d", c, batch)
	}
	if n, more, err := e.svc.ApplyRetentionBatches(ctx, 730, batch); err != nil || n != 0 || more {
		t.Fatalf("rerun anonymised %d (more %v), %v", n, more, err)
	}
}
