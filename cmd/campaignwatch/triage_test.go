package main

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/complaints"
	"github.com/campaignwatch/campaignwatch/complaints/triage"
	"github.com/campaignwatch/campaignwatch/internal/fixture"
	"github.com/campaignwatch/campaignwatch/internal/testdb"
)

const triageInput = `{"id": "a1", "channel": "other", "party": "Lib Dems", "received_at": "2024-06-12", "consent": "no", "sender": "07700 900123", "description": "A recorded message from the Lib Dems rang me twice."}
{"channel": "sms", "party":
{"channel": "sms", "received_at": "next Tuesday"}

{"channel": "bcc_breach", "party": "the Tories", "received_at": "2024-03-01T10:00:00Z", "recipients_visible": 150}
`

func TestTriageCommandUsesDatabaseContext(t *testing.T) {
	t.Parallel()
	url := testdb.NewURL(t)
	vars := baseVars(t, url)
	code, _, stderr := runCLI(t, vars, "", "demo")
	require.Equal(t, 0, code, stderr)
	pool, err := pgxpool.New(context.Background(), url)
	require.NoError(t, err)
	defer pool.Close()
	fixture.New(t, pool).Election(fixture.ElectionName("Test general election"), fixture.ElectionType("general"),
		fixture.ElectionDates(time.Date(2024, 5, 22, 0, 0, 0, 0, time.UTC), time.Date(2024, 7, 4, 0, 0, 0, 0, time.UTC)))

	code, stdout, stderr := runCLI(t, vars, triageInput, "triage")
	require.Equal(t, 0, code, stderr)
	require.Contains(t, stderr, "2 line(s) could not be read")
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	require.Len(t, lines, 4, stdout)

	var first struct {
		Line       int             `json:"line"`
		ID         string          `json:"id"`
		Channel    string          `json:"channel"`
		Channels   []string        `json:"channels"`
		Provisions []string        `json:"provisions"`
		Guidance   []string        `json:"guidance"`
		Score      int             `json:"score"`
		Priority   string          `json:"priority"`
		Actions    []string        `json:"actions"`
		Rationale  []string        `json:"rationale"`
		Party      string          `json:"party"`
		Version    string          `json:"rulebook_version"`
		Extra      json.RawMessage `json:"-"`
	}
	require.NoError(t, json.Unmarshal([]byte(lines[0]), &first))
	require.Equal(t, 1, first.Line)
	require.Equal(t, "a1", first.ID)
	require.Equal(t, "automated_call", first.Channel)
	require.Equal(t, []string{"PECR-19"}, first.Provisions)
	require.Equal(t, 65, first.Score, "55 + 10 inside the election from the database: %v", first.Rationale)
	require.Equal(t, "high", first.Priority)
	require.Equal(t, "Liberal Democrats", first.Party, "party alias from the registry")
	require.NotEmpty(t, first.Actions)
	require.Contains(t, strings.Join(first.Rationale, "\n"), "Test general election")

	require.JSONEq(t, `{"line": 2, "error": "line 2: not valid JSON: unexpected end of JSON input"}`, lines[1])
	require.Contains(t, lines[2], `"line":3`)
	require.Contains(t, lines[2], "received_at")

	var last map[string]any
	require.NoError(t, json.Unmarshal([]byte(lines[3]), &last))
	require.Equal(t, float64(5), last["line"], "blank lines keep their numbers")
	require.Equal(t, "urgent", last["priority"])
	require.Equal(t, "Conservative and Unionist Party", last["party"])
	for _, k := range []string{"channel", "channels", "provisions", "guidance", "score", "priority", "actions", "rationale"} {
		require.Contains(t, last, k)
	}
}

// TestTriageCommandSameSenderCounts checks the counts come from the
// complaints stored in the database, when that table exists.
func TestTriageCommandSameSenderCounts(t *testing.T) {
	t.Parallel()
	url := testdb.NewURL(t)
	pool, err := pgxpool.New(context.Background(), url)
	require.NoError(t, err)
	defer pool.Close()
	var table string
	require.NoError(t, pool.QueryRow(context.Background(),
		`SELECT CASE WHEN to_regclass('public.complaint_senders') IS NOT NULL THEN 'complaint_senders'
		             WHEN to_regclass('public.complaints') IS NOT NULL THEN 'complaints' ELSE '' END`).Scan(&table))
	require.NotEmpty(t, table, "the complaints migrations are applied")
	src := complaints.TriageSource{Pool: pool}
	tctx, err := src.Context(context.Background())
	require.NoError(t, err)
	require.NotNil(t, tctx.SameSender, "counts are read from %s", table)
	d, _ := triage.ParseDate("2024-03-10")
	require.Equal(t, 0, tctx.SameSender.RecentComplaints("+447700900123", d.Time))
}

func TestTriageCommandRefusesBadRulebook(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bad := strings.Replace(string(triage.DefaultRulebookYAML()), "provisions: [PECR-22]", "provisions: [PECR-99]", 1)
	path := filepath.Join(dir, "bad.yaml")
	require.NoError(t, os.WriteFile(path, []byte(bad), 0o600))
	line := strings.Count(bad[:strings.Index(bad, "PECR-99")], "\n") + 1

	vars := baseVars(t, "")
	vars["RULEBOOK"] = path
	code, _, stderr := runCLI(t, vars, `{"channel":"sms"}`, "triage", "--no-db")
	require.Equal(t, 1, code)
	require.Contains(t, stderr, `unknown provision id "PECR-99"`)
	require.Contains(t, stderr, "line "+itoa(line))

	// serve refuses to start, naming the line, before touching the database.
	vars["DATABASE_URL"] = testdb.NewURL(t)
	code, _, stderr = runCLI(t, vars, "", "serve")
	require.Equal(t, 1, code)
	require.Contains(t, stderr, "line "+itoa(line))
}

// TestTriageProcess runs the built binary as a real process on a pipe.
func TestTriageProcess(t *testing.T) {
	t.Parallel()
	cmd := exec.Command(binary, "triage", "--no-db")
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "VAR_DIR=" + t.TempDir(), "LOG_LEVEL=error"}
	cmd.Stdin = strings.NewReader(`{"channel":"sms","consent":"no","opt_out_offered":false,"sender_identified":true}` + "\n" + `not json` + "\n")
	out, err := cmd.Output()
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	require.Len(t, lines, 2)
	var r map[string]any
	require.NoError(t, json.Unmarshal([]byte(lines[0]), &r))
	require.Equal(t, float64(35), r["score"])
	require.Equal(t, "medium", r["priority"])
	require.Equal(t, []any{"PECR-22", "PECR-23"}, r["provisions"])
	require.Contains(t, lines[1], `"line":2`)
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

func TestTriageRerunCommandKeepsHistory(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := testdb.NewURL(t)
	vars := baseVars(t, url)
	pool, err := pgxpool.New(ctx, url)
	require.NoError(t, err)
	defer pool.Close()
	client := fixture.InsertOnlyJobs(t, pool)
	svc := complaints.NewService(pool, client)
	for _, msg := range []string{"Vote for us on Thursday", "A recorded message asked me to press 1"} {
		_, err := svc.Submit(ctx, complaints.Submission{
			Channel: "sms", ReceivedAt: time.Now().Add(-time.Hour), Sender: "07700 900123",
			Message: msg, Consent: "no", Source: "api", Lang: "en",
		}, complaints.Meta{})
		require.NoError(t, err)
	}

	code, stdout, stderr := runCLI(t, vars, "", "triage", "--rerun")
	require.Equal(t, 0, code, stderr)
	require.Contains(t, stdout, "2 complaint(s) checked, 2 new result(s) stored")
	code, stdout, stderr = runCLI(t, vars, "", "triage", "--rerun", "--since", time.Now().Add(-24*time.Hour).Format("2006-01-02"))
	require.Equal(t, 0, code, stderr)
	require.Contains(t, stdout, "2 complaint(s) checked, 0 new result(s) stored")

	// A changed rulebook stores a new current result and keeps the old one.
	rb := strings.Replace(string(triage.DefaultRulebookYAML()), `version: "2026.12"`, `version: "rerun-test"`, 1)
	path := filepath.Join(t.TempDir(), "rulebook.yaml")
	require.NoError(t, os.WriteFile(path, []byte(rb), 0o600))
	vars["RULEBOOK"] = path
	code, stdout, stderr = runCLI(t, vars, "", "triage", "--rerun")
	require.Equal(t, 0, code, stderr)
	require.Contains(t, stdout, "rulebook rerun-test: 2 complaint(s) checked, 2 new result(s) stored")
	var results int
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM triage_results`).Scan(&results))
	require.Equal(t, 4, results)

	code, _, stderr = runCLI(t, vars, "", "triage", "--since", "2024-01-01")
	require.Equal(t, 2, code)
	require.Contains(t, stderr, "--since goes with --rerun")
}

func TestTriageScoreExitCodes(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(body), 0o600))
		return p
	}
	good := `{"id": "g1", "complaint": {"channel": "other", "party": "Labour", "consent": "no", "description": "They texted me, then a man rang. I'm on the TPS."}, "expect_channel": ["live_call"], "expect_channels": ["sms", "live_call"], "expect_provisions": ["PECR-21", "PECR-22"], "forbid_provisions": ["PECR-19"], "expect_priority": "medium", "why": "R1 + R4, 40"}
{"id": "g2", "lang": "cy", "complaint": {"description": "Aeth fy nhad i'r orsaf bleidleisio ond cafodd ei droi i ffwrdd am nad oedd ganddo ID pleidleisiwr."}, "expect_channels": [], "expect_provisions": [], "expect_priority": "low", "expect_referral": "electoral_registration", "why": "R22"}
`
	code, stdout, stderr := runCLI(t, nil, "", "triage", "score", write("good.jsonl", good))
	require.Equal(t, 0, code, stderr)
	require.Contains(t, stdout, "2 labelled cases.")
	require.Contains(t, stdout, "Primary channel right: 100.0% (target at least 95%: target met).")
	require.Contains(t, stdout, "Cases with a forbidden provision: 0")
	require.NotContains(t, stdout, "not right")

	missed := good + `{"id": "m1", "complaint": {"channel": "sms", "consent": "no"}, "expect_provisions": ["PECR-22"], "forbid_provisions": ["PECR-22"], "expect_priority": "urgent", "why": "deliberately wrong"}
`
	code, stdout, stderr = runCLI(t, nil, "", "triage", "score", write("missed.jsonl", missed))
	require.Equal(t, 1, code, stdout)
	require.Contains(t, stdout, "TARGET MISSED")
	require.Contains(t, stdout, "- m1: primary channel sms, want other; forbidden PECR-22; band low (score 30), want urgent.")
	require.Contains(t, stdout, "R1 (Text or email without consent)", "the failing case's rationale is listed")
	require.Contains(t, stderr, "a target is missed")

	bad := good + "{\"id\": \"b1\", \"complaint\": {}, \"expect_priority\": \"soon\"}\n"
	code, _, stderr = runCLI(t, nil, "", "triage", "score", write("bad.jsonl", bad))
	require.Equal(t, 2, code)
	require.Contains(t, stderr, "line 3 (b1): expect_priority must be low, medium, high or urgent")

	code, _, stderr = runCLI(t, nil, "", "triage", "score", write("notjson.jsonl", "{\"id\": \n"))
	require.Equal(t, 2, code)
	require.Contains(t, stderr, "line 1 is not a labelled case")

	code, _, stderr = runCLI(t, nil, "", "triage", "score")
	require.Equal(t, 2, code)
	require.Contains(t, stderr, "give one labelled cases file")
}
