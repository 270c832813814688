// Package pgcluster runs a private PostgreSQL cluster from the local
// PostgreSQL binaries, so development and tests need no database set up by
// hand.
//
// The cluster lives under a directory of the project (./var/pg), listens
// only on a unix socket (no TCP port is taken), and is started or reused
// under a file lock so that several processes starting together are safe.
// PostgreSQL refuses to run as root; when the process is root the cluster
// runs as the unprivileged "postgres" system account, which owns the data
// directory.
package pgcluster

import (
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/campaignwatch/campaignwatch/internal/pgcluster/internal/dbsqlc"
	"github.com/campaignwatch/campaignwatch/internal/sqlfilter"
)

// ErrNoBinaries is returned when no PostgreSQL installation is found.
var ErrNoBinaries = errors.New("no PostgreSQL binaries (initdb, pg_ctl) were found: install PostgreSQL (e.g. apt-get install postgresql), or set DATABASE_URL to an existing server, or run 'docker compose up'")

// SearchRoots are the glob patterns searched, after PATH, for a directory
// holding initdb and pg_ctl. Tests replace it.
var SearchRoots = []string{
	"/usr/lib/postgresql/*/bin",
	"/usr/pgsql-*/bin",
	"/opt/homebrew/opt/postgresql*/bin",
	"/usr/local/opt/postgresql*/bin",
	"/opt/homebrew/bin",
	"/usr/local/bin",
}

// FindBinaries returns the directory holding initdb, pg_ctl and postgres.
func FindBinaries() (string, error) {
	if p, err := exec.LookPath("pg_ctl"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			if dir := filepath.Dir(real); hasBinaries(dir) {
				return dir, nil
			}
		}
	}
	for _, pattern := range SearchRoots {
		matches, _ := filepath.Glob(pattern)
		// Highest version first: "…/16/bin" before "…/15/bin".
		sort.Slice(matches, func(i, j int) bool { return versionOf(matches[i]) > versionOf(matches[j]) })
		for _, dir := range matches {
			if hasBinaries(dir) {
				return dir, nil
			}
		}
	}
	return "", ErrNoBinaries
}

func versionOf(path string) float64 {
	for _, part := range strings.Split(path, string(filepath.Separator)) {
		digits := strings.TrimLeft(part, "postgresql@-pgsql")
		if v, err := strconv.ParseFloat(digits, 64); err == nil {
			return v
		}
	}
	return 0
}

func hasBinaries(dir string) bool {
	for _, b := range []string{"initdb", "pg_ctl", "postgres"} {
		if fi, err := os.Stat(filepath.Join(dir, b)); err != nil || fi.IsDir() {
			return false
		}
	}
	return true
}

// Cluster is a private cluster under Dir.
type Cluster struct {
	// Dir is the base directory; the data lives in Dir/pg.
	Dir    string
	Logger *slog.Logger
}

// DataDir is the cluster's data directory.
func (c *Cluster) DataDir() string { return filepath.Join(c.abs(), "pg") }

func (c *Cluster) abs() string {
	a, err := filepath.Abs(c.Dir)
	if err != nil {
		return c.Dir
	}
	return a
}

// SocketDir is where the server's unix socket lives: Dir/run, or a short
// directory under the system temp dir when that path would be too long for
// a unix socket address (about 107 bytes).
func (c *Cluster) SocketDir() string {
	d := filepath.Join(c.abs(), "run")
	if len(d)+len("/.s.PGSQL.5432") < 100 {
		return d
	}
	sum := sha256.Sum256([]byte(c.abs()))
	return filepath.Join(os.TempDir(), "cwpg-"+hex.EncodeToString(sum[:])[:12])
}

// URL is a connection URL for dbname over the unix socket.
func (c *Cluster) URL(dbname string) string {
	return fmt.Sprintf("postgres://postgres@/%s?host=%s&sslmode=disable", dbname, url.QueryEscape(c.SocketDir()))
}

func (c *Cluster) log() *slog.Logger {
	if c.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return c.Logger
}

// Running reports whether a server answers on the cluster's socket.
func (c *Cluster) Running(ctx context.Context) bool {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, c.URL("postgres"))
	if err != nil {
		return false
	}
	conn.Close(ctx)
	return true
}

// Start starts the cluster, creating it first if needed, or reuses a server
// already running on it. It reports whether this call started the server.
func (c *Cluster) Start(ctx context.Context) (bool, error) {
	bin, err := FindBinaries()
	if err != nil {
		return false, err
	}
	base := c.abs()
	if err := os.MkdirAll(base, 0o755); err != nil {
		return false, fmt.Errorf("create %s: %w", base, err)
	}
	lock, err := os.OpenFile(filepath.Join(base, "pg.lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return false, err
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return false, fmt.Errorf("lock %s: %w", lock.Name(), err)
	}
	defer syscall.Flock(int(lock.Fd()), syscall.LOCK_UN)

	if c.Running(ctx) {
		return false, nil
	}
	cred, err := runAs()
	if err != nil {
		return false, err
	}
	data, sock := c.DataDir(), c.SocketDir()
	for _, d := range []string{data, sock} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return false, err
		}
		if cred != nil {
			if err := os.Chown(d, int(cred.Uid), int(cred.Gid)); err != nil {
				return false, err
			}
		}
	}
	if cred != nil {
		// The unprivileged account must be able to reach its directories.
		_ = os.Chmod(base, 0o755)
	}
	if _, err := os.Stat(filepath.Join(data, "PG_VERSION")); errors.Is(err, os.ErrNotExist) {
		c.log().Info("creating the private PostgreSQL cluster", "dir", data)
		if out, err := c.cmd(ctx, cred, bin, "initdb", "-D", data, "-U", "postgres", "--auth=trust",
			"--encoding=UTF8", "--locale=C", "--no-sync").CombinedOutput(); err != nil {
			return false, fmt.Errorf("initdb failed: %v: %s", err, lastLines(string(out), 5))
		}
	}
	logFile := filepath.Join(base, "pg.log")
	if cred != nil {
		f, err := os.OpenFile(logFile, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o640)
		if err == nil {
			f.Close()
			_ = os.Chown(logFile, int(cred.Uid), int(cred.Gid))
		}
	}
	opts := fmt.Sprintf("-c listen_addresses='' -c unix_socket_directories='%s' -c max_connections=200 -c shared_buffers=128MB -c fsync=on", sock)
	out, err := c.cmd(ctx, cred, bin, "pg_ctl", "start", "-w", "-t", "60", "-D", data, "-l", logFile, "-o", opts).CombinedOutput()
	if err != nil {
		tail, _ := os.ReadFile(logFile)
		return false, fmt.Errorf("the private PostgreSQL cluster did not start: %v: %s %s", err, lastLines(string(out), 3), lastLines(string(tail), 5))
	}
	return true, nil
}

// Stop stops the server (fast shutdown: sessions are disconnected).
func (c *Cluster) Stop(ctx context.Context) error {
	bin, err := FindBinaries()
	if err != nil {
		return err
	}
	cred, err := runAs()
	if err != nil {
		return err
	}
	out, err := c.cmd(ctx, cred, bin, "pg_ctl", "stop", "-m", "fast", "-w", "-D", c.DataDir()).CombinedOutput()
	if err != nil && !strings.Contains(string(out), "Is server running?") {
		return fmt.Errorf("stop the private PostgreSQL cluster: %v: %s", err, lastLines(string(out), 3))
	}
	return nil
}

//go:embed admin.sql
var adminSQL string

// admin holds the statements that name a database, which take the name as
// a quoted identifier rather than an argument.
var admin = sqlfilter.MustParse("admin.sql", adminSQL)

// EnsureDatabase creates database name if it does not exist.
func (c *Cluster) EnsureDatabase(ctx context.Context, name string) error {
	conn, err := pgx.Connect(ctx, c.URL("postgres"))
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	exists, err := dbsqlc.New(conn).DatabaseExists(ctx, name)
	if err != nil {
		return err
	}
	if exists {
		return nil
	}
	create, _ := admin.Builder("create_database").Ident("name", name).Build()
	_, err = conn.Exec(ctx, create)
	var pgErr interface{ SQLState() string }
	if errors.As(err, &pgErr) && pgErr.SQLState() == "42P04" {
		return nil // created concurrently by another process
	}
	return err
}

func (c *Cluster) cmd(ctx context.Context, cred *syscall.Credential, bin, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, filepath.Join(bin, name), args...)
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	cmd.Dir = os.TempDir()
	// A process group of its own: a Ctrl-C meant for campaignwatch must not
	// reach the server, which campaignwatch stops in its own time.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Credential: cred}
	return cmd
}

// runAs returns the credentials of the postgres account when running as
// root, because PostgreSQL will not run as root.
func runAs() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, errors.New("running as root, and there is no 'postgres' system account to run the private PostgreSQL cluster as; create one, run as another user, or set DATABASE_URL")
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, " | ")
}
