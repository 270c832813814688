package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/internal/fixture"
	"github.com/campaignwatch/campaignwatch/internal/testdb"
	"github.com/campaignwatch/campaignwatch/jobs"
)

// binary is the campaignwatch binary built once for the process tests.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "cw-bin-")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "campaignwatch")
	if out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// runCLI runs a command in-process with vars as its whole environment.
func runCLI(t *testing.T, vars map[string]string, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &env{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb, getenv: func(k string) string { return vars[k] }}
	code = run(context.Background(), e, args)
	return code, out.String(), errb.String()
}

func baseVars(t *testing.T, dbURL string) map[string]string {
	return map[string]string{
		"DATABASE_URL":   dbURL,
		"SESSION_SECRET": strings.Repeat("x", 40),
		"VAR_DIR":        t.TempDir(),
		"LOG_LEVEL":      "error",
	}
}

func TestExitCodesAndMessages(t *testing.T) {
	t.Parallel()
	vars := baseVars(t, testdb.NewURL(t))

	code, _, stderr := runCLI(t, vars, "", "frobnicate")
	require.Equal(t, 2, code)
	require.Contains(t, stderr, `unknown command "frobnicate"`)

	code, _, stderr = runCLI(t, vars, "", "user", "add", "--email", "a@example.org")
	require.Equal(t, 2, code)
	require.Contains(t, stderr, "--email and --role are required")

	code, _, stderr = runCLI(t, vars, "", "user", "add", "--email", "a@example.org", "--role", "king")
	require.Equal(t, 2, code)
	require.Contains(t, stderr, `unknown role "king"`)

	code, _, _ = runCLI(t, vars, "", "serve", "--help")
	require.Equal(t, 0, code)

	code, _, stderr = runCLI(t, vars, "", "migrate", "sideways")
	require.Equal(t, 2, code)
	require.Contains(t, stderr, "say 'up'")

	bad := baseVars(t, "")
	bad["LOG_LEVEL"] = "chatty"
	code, _, stderr = runCLI(t, bad, "", "migrate", "status")
	require.Equal(t, 1, code)
	require.Contains(t, stderr, "invalid LOG_LEVEL")
	require.Equal(t, 1, strings.Count(strings.TrimSpace(stderr), "\n")+1, "one line")

	bad = baseVars(t, "mysql://nope")
	code, _, stderr = runCLI(t, bad, "", "migrate", "status")
	require.Equal(t, 1, code)
	require.Contains(t, stderr, "invalid DATABASE_URL")

	code, stdout, _ := runCLI(t, vars, "", "version")
	require.Equal(t, 0, code)
	require.Contains(t, stdout, "campaignwatch")
}

func TestUserAndTokenCommands(t *testing.T) {
	t.Parallel()
	url := testdb.NewURL(t)
	vars := baseVars(t, url)

	code, stdout, stderr := runCLI(t, vars, "", "user", "add", "--email", "Officer@Example.org", "--role", "triage_officer")
	require.Equal(t, 0, code, stderr)
	require.Contains(t, stdout, "Created officer@example.org (Triage officer)")
	require.Regexp(t, `Password: \S{20}`, stdout)

	code, _, stderr = runCLI(t, vars, "", "user", "add", "--email", "officer@example.org", "--role", "analyst")
	require.Equal(t, 1, code)
	require.Contains(t, stderr, "already exists")

	code, _, stderr = runCLI(t, vars, "a long enough password\n", "user", "add", "--email", "analyst@example.org", "--role", "analyst", "--password-stdin")
	require.Equal(t, 0, code, stderr)
	code, _, stderr = runCLI(t, vars, "short\n", "user", "add", "--email", "x@example.org", "--role", "analyst", "--password-stdin")
	require.Equal(t, 1, code)
	require.Contains(t, stderr, "at least 12 characters")

	code, token, stderr := runCLI(t, vars, "", "token", "create", "--email", "analyst@example.org")
	require.Equal(t, 0, code, stderr)
	token = strings.TrimSpace(token)
	require.True(t, strings.HasPrefix(token, "cwt_"))

	code, stdout, _ = runCLI(t, vars, "", "token", "revoke", "--email", "analyst@example.org")
	require.Equal(t, 0, code)
	require.Contains(t, stdout, "Revoked 1 token(s).")
	code, _, stderr = runCLI(t, vars, "", "token", "revoke", "--email", "analyst@example.org")
	require.Equal(t, 1, code)
	require.Contains(t, stderr, "no live token matches")

	pool, err := pgxpool.New(context.Background(), url)
	require.NoError(t, err)
	defer pool.Close()
	var n int
	require.NoError(t, pool.QueryRow(context.Background(),
		`SELECT count(*) FROM audit_log WHERE actor = 'cli' AND action IN ('user.create', 'token.create', 'token.revoke')`).Scan(&n))
	require.Equal(t, 4, n)
}

func TestDemoIsIdempotent(t *testing.T) {
	t.Parallel()
	url := testdb.NewURL(t)
	vars := baseVars(t, url)
	code, stdout, stderr := runCLI(t, vars, "", "demo")
	require.Equal(t, 0, code, stderr)
	require.Regexp(t, `Admin login: admin@example.org / \S+`, stdout)
	require.Contains(t, stdout, `Demo audit programme "2019 audits of political parties": 7 audits, 100 recommendations`)
	require.Contains(t, stdout, "Demo audit under way: Scottish Green Party, 6 recommendations, 3 overdue.")
	code, stdout, _ = runCLI(t, vars, "", "demo")
	require.Equal(t, 0, code)
	require.Contains(t, stdout, "0 new contacts")
	require.Contains(t, stdout, "already exists")
	require.Contains(t, stdout, `Demo audit programme "2019 audits of political parties" already loaded`)
	require.Contains(t, stdout, "Demo audit under way (Scottish Green Party) already loaded.")

	pool, err := pgxpool.New(context.Background(), url)
	require.NoError(t, err)
	defer pool.Close()
	var parties, nations int
	require.NoError(t, pool.QueryRow(context.Background(), `SELECT count(*), count(DISTINCT n) FROM parties, unnest(nations) n`).Scan(&parties, &nations))
	var distinct int
	require.NoError(t, pool.QueryRow(context.Background(), `SELECT count(*) FROM parties`).Scan(&distinct))
	require.GreaterOrEqual(t, distinct, 13)
	require.Equal(t, 4, nations)
	var badEmail int
	require.NoError(t, pool.QueryRow(context.Background(), `SELECT count(*) FROM party_contacts WHERE email NOT LIKE '%@%example.org'`).Scan(&badEmail))
	require.Zero(t, badEmail)
}

func freeAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return l.Addr().String()
}

// lockedBuffer lets the test read a child's output while the exec package's
// copying goroutine is still writing it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func startServe(t *testing.T, vars map[string]string, args ...string) (*exec.Cmd, *lockedBuffer) {
	cmd := exec.Command(binary, append([]string{"serve"}, args...)...)
	for k, v := range vars {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.Env = append(cmd.Env, "PATH="+os.Getenv("PATH"))
	out := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill(); _, _ = cmd.Process.Wait() })
	return cmd, out
}

func waitReady(t *testing.T, addr string) {
	require.Eventually(t, func() bool {
		res, err := http.Get("http://" + addr + "/readyz")
		if err != nil {
			return false
		}
		res.Body.Close()
		return res.StatusCode == http.StatusOK
	}, 60*time.Second, 100*time.Millisecond)
}

func TestTwoServersMigrateOneFreshDatabaseOnce(t *testing.T) {
	t.Parallel()
	url := testdb.NewEmptyURL(t)
	a, b := baseVars(t, url), baseVars(t, url)
	a["HTTP_ADDR"], b["HTTP_ADDR"] = freeAddr(t), freeAddr(t)
	a["LOG_LEVEL"], b["LOG_LEVEL"] = "info", "info"
	_, outA := startServe(t, a, "--migrate")
	_, outB := startServe(t, b, "--migrate")
	waitReady(t, a["HTTP_ADDR"])
	waitReady(t, b["HTTP_ADDR"])

	applied := strings.Count(outA.String(), `msg="migration applied"`) + strings.Count(outB.String(), `msg="migration applied"`)
	pool, err := pgxpool.New(context.Background(), url)
	require.NoError(t, err)
	defer pool.Close()
	var versions int
	require.NoError(t, pool.QueryRow(context.Background(), `SELECT count(*) FROM schema_migrations`).Scan(&versions))
	require.Equal(t, versions, applied, "each migration applied by exactly one of the two")
	require.Positive(t, versions)
}

func TestServeRefusesPendingMigrations(t *testing.T) {
	t.Parallel()
	vars := baseVars(t, testdb.NewEmptyURL(t))
	vars["HTTP_ADDR"] = freeAddr(t)
	code, _, stderr := runCLI(t, vars, "", "serve")
	require.Equal(t, 1, code)
	require.Contains(t, stderr, "pending migration")
	require.Contains(t, stderr, "--migrate")
}

func TestSIGTERMLetsRunningJobFinish(t *testing.T) {
	t.Parallel()
	url := testdb.NewURL(t)
	vars := baseVars(t, url)
	vars["HTTP_ADDR"] = freeAddr(t)
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, url)
	require.NoError(t, err)
	defer pool.Close()
	client := fixture.InsertOnlyJobs(t, pool)
	res, err := client.Insert(ctx, jobs.NoopArgs{Sleep: 3 * time.Second}, nil)
	require.NoError(t, err)

	cmd, out := startServe(t, vars)
	require.Eventually(t, func() bool {
		var state string
		_ = pool.QueryRow(ctx, `SELECT state FROM river_job WHERE id = $1`, res.Job.ID).Scan(&state)
		return state == "running"
	}, 30*time.Second, 50*time.Millisecond)

	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	err = cmd.Wait()
	require.NoError(t, err, "exit 0 after SIGTERM; output:\n%s", out.String())
	var state string
	require.NoError(t, pool.QueryRow(ctx, `SELECT state FROM river_job WHERE id = $1`, res.Job.ID).Scan(&state))
	require.Equal(t, "completed", state)
}
