package main

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/internal/mail/mailtest"
	"github.com/campaignwatch/campaignwatch/internal/testdb"
)

// runBinary runs the built campaignwatch binary with vars as its whole
// environment and returns its output; a non-zero exit fails the test.
func runBinary(t *testing.T, vars map[string]string, args ...string) string {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH")}
	for k, v := range vars {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	out, err := cmd.Output()
	var stderr []byte
	if ee, ok := err.(*exec.ExitError); ok {
		stderr = ee.Stderr
	}
	require.NoError(t, err, "campaignwatch %s\n%s\n%s", strings.Join(args, " "), out, stderr)
	return string(out)
}

// startProcess starts a long-running campaignwatch command (serve, worker).
func startProcess(t *testing.T, vars map[string]string, args ...string) (*exec.Cmd, *lockedBuffer) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH")}
	for k, v := range vars {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	out := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill(); _, _ = cmd.Process.Wait() })
	return cmd, out
}

type callResult struct {
	ElectionID int64 `json:"election_id"`
	Letters    int   `json:"letters"`
}

func callGeneralElection(t *testing.T, vars map[string]string) callResult {
	t.Helper()
	out := runBinary(t, vars, "election", "call", "--name", "General Election 2099", "--name-cy", "Etholiad Cyffredinol 2099", "--type", "general",
		"--polling-day", "2099-05-07", "--announced", "2099-03-26", "--json", "--yes")
	var res callResult
	require.NoError(t, json.Unmarshal([]byte(out), &res), out)
	require.Positive(t, res.Letters)
	return res
}

// activeContactEmails lists the address of every active contact of an
// active party, each once per contact: a general election writes to all.
func activeContactEmails(t *testing.T, pool *pgxpool.Pool) []string {
	t.Helper()
	rows, err := pool.Query(context.Background(), `SELECT c.email FROM party_contacts c JOIN parties p ON p.id = c.party_id
WHERE c.active AND p.active ORDER BY c.email`)
	require.NoError(t, err)
	var emails []string
	for rows.Next() {
		var e string
		require.NoError(t, rows.Scan(&e))
		emails = append(emails, strings.ToLower(e))
	}
	require.NoError(t, rows.Err())
	return emails
}

func sentCount(t *testing.T, pool *pgxpool.Pool, election int64) int {
	var n int
	require.NoError(t, pool.QueryRow(context.Background(), `SELECT count(*) FROM letters WHERE election_id = $1 AND state = 'sent'`, election).Scan(&n))
	return n
}

// TestGeneralElectionDeliversThroughSMTPURL runs the real serve process
// against an SMTP server on loopback given as SMTP_URL, on demo data.
func TestGeneralElectionDeliversThroughSMTPURL(t *testing.T) {
	t.Parallel()
	url := testdb.NewURL(t)
	srv := mailtest.NewServer(t)
	vars := baseVars(t, url)
	vars["HTTP_ADDR"] = freeAddr(t)
	vars["SMTP_URL"] = srv.URL()
	vars["MAIL_RATE"] = "0"
	vars["WORKERS_MAIL"] = "4"
	runBinary(t, vars, "demo")
	pool, err := pgxpool.New(context.Background(), url)
	require.NoError(t, err)
	defer pool.Close()
	emails := activeContactEmails(t, pool)

	_, out := startProcess(t, vars, "serve")
	waitReady(t, vars["HTTP_ADDR"])
	res := callGeneralElection(t, vars)
	require.Equal(t, len(emails), res.Letters, "one letter per active contact")

	require.Eventually(t, func() bool { return sentCount(t, pool, res.ElectionID) == res.Letters },
		2*time.Minute, 100*time.Millisecond, "serve output:\n%s", out.String())
	msgs := srv.Messages()
	require.Len(t, msgs, res.Letters, "exactly one message per letter")
	var got []string
	ids := map[string]bool{}
	for _, m := range msgs {
		require.Len(t, m.To, 1, "one recipient per message")
		got = append(got, strings.ToLower(m.To[0]))
		require.False(t, ids[m.Parsed.MessageID], "Message-ID %s twice", m.Parsed.MessageID)
		ids[m.Parsed.MessageID] = true
		require.Contains(t, m.Parsed.Subject, "General Election 2099")
		require.Contains(t, m.Parsed.Text, "7 May 2099")
		require.Len(t, m.Parsed.Attachments, 1)
		require.Equal(t, "application/pdf", m.Parsed.Attachments[0].ContentType)
		require.True(t, strings.HasPrefix(string(m.Parsed.Attachments[0].Data), "%PDF-"))
	}
	sort.Strings(got)
	require.Equal(t, emails, got, "every active contact got exactly one message")

	status := runBinary(t, vars, "letters", "status", "--election", jsonInt(res.ElectionID))
	require.Contains(t, status, " sent "+jsonInt(int64(res.Letters))+".")
	for _, s := range []string{"queued", "sending", "failed", "held"} {
		require.NotContains(t, strings.SplitN(status, "\n", 2)[0], s)
	}
}

// TestSIGKILLedWorkerSendsEveryLetterAtMostTwice kills a worker in the
// middle of a batch, while the relay is slow so sends are in flight, then
// starts another. Every letter must end sent. A letter can reach the relay
// twice only if the kill fell between the relay accepting it and the
// database recording "sent" (see the outreach package documentation), so
// at most one duplicate per mail worker that was in flight.
func TestSIGKILLedWorkerSendsEveryLetterAtMostTwice(t *testing.T) {
	t.Parallel()
	const workers = 4
	url := testdb.NewURL(t)
	srv := mailtest.NewServer(t)
	srv.SetDelay(200 * time.Millisecond)
	vars := baseVars(t, url)
	vars["SMTP_URL"] = srv.URL()
	vars["MAIL_RATE"] = "0"
	vars["WORKERS_MAIL"] = jsonInt(workers)
	// A killed worker's jobs stay "running" until River's rescuer finds
	// them; production waits minutes, the test seconds.
	vars["JOB_TIMEOUT"] = "2s"
	vars["JOB_RESCUE_AFTER"] = "4s"
	runBinary(t, vars, "demo")
	pool, err := pgxpool.New(context.Background(), url)
	require.NoError(t, err)
	defer pool.Close()
	res := callGeneralElection(t, vars)
	require.Greater(t, res.Letters, 3*workers, "enough letters to kill the worker mid-batch")

	first, out := startProcess(t, vars, "worker")
	require.Eventually(t, func() bool { return len(srv.Messages()) >= workers }, time.Minute, 20*time.Millisecond, "worker output:\n%s", out.String())
	require.Less(t, sentCount(t, pool, res.ElectionID), res.Letters, "the batch is still in flight")
	require.NoError(t, first.Process.Signal(syscall.SIGKILL))
	_, _ = first.Process.Wait()
	var sending int
	require.NoError(t, pool.QueryRow(context.Background(), `SELECT count(*) FROM letters WHERE election_id = $1 AND state = 'sending'`, res.ElectionID).Scan(&sending))
	t.Logf("killed the worker with %d letters sent, %d sending, %d messages at the relay", sentCount(t, pool, res.ElectionID), sending, len(srv.Messages()))

	srv.SetDelay(0)
	_, out2 := startProcess(t, vars, "worker")
	require.Eventually(t, func() bool { return sentCount(t, pool, res.ElectionID) == res.Letters },
		3*time.Minute, 200*time.Millisecond, "second worker output:\n%s", out2.String())

	seen := map[string]int{}
	for _, m := range srv.Messages() {
		seen[m.Parsed.MessageID]++
	}
	require.Len(t, seen, res.Letters, "every letter reached the relay")
	dups := 0
	for id, n := range seen {
		require.LessOrEqual(t, n, 2, "Message-ID %s arrived %d times", id, n)
		dups += n - 1
	}
	require.LessOrEqual(t, dups, workers, "at most one duplicate per worker in flight at the kill")
	t.Logf("%d letters, %d duplicates after the kill", res.Letters, dups)
}

func jsonInt(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}
