// Package testdb gives each test a database of its own, cloned from a
// migrated template, on a real PostgreSQL server.
//
// The server is TEST_DATABASE_URL, else DATABASE_URL, else the private
// cluster under <repo>/var (started if needed and left running for other
// test processes; `make test` stops it afterwards). The template is built
// once per migration fingerprint, under an advisory lock so parallel test
// processes build it only once, and renamed into place only when complete.
package testdb

import (
	"context"
	"crypto/rand"
	_ "embed"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/campaignwatch/campaignwatch/internal/database"
	"github.com/campaignwatch/campaignwatch/internal/pgcluster"
	"github.com/campaignwatch/campaignwatch/internal/sqlfilter"
	"github.com/campaignwatch/campaignwatch/internal/testdb/internal/dbsqlc"
)

const templateLockKey int64 = 0x63777470 // "cwtp"

//go:embed admin.sql
var adminSQL string

// admin holds the statements that name a database (create, drop, rename),
// which take the name as a quoted identifier rather than an argument.
var admin = sqlfilter.MustParse("admin.sql", adminSQL)

var (
	serverOnce sync.Once
	serverURL  string
	serverErr  error

	templateMu    sync.Mutex
	templateReady string
)

// ServerURL returns the URL of the maintenance database of the server the
// tests use.
func ServerURL(t testing.TB) string {
	t.Helper()
	serverOnce.Do(func() {
		for _, v := range []string{"TEST_DATABASE_URL", "DATABASE_URL"} {
			if u := os.Getenv(v); u != "" {
				serverURL = u
				return
			}
		}
		root, err := repoRoot()
		if err != nil {
			serverErr = err
			return
		}
		c := &pgcluster.Cluster{Dir: filepath.Join(root, "var")}
		if _, err := c.Start(context.Background()); err != nil {
			serverErr = err
			return
		}
		serverURL = c.URL("postgres")
	})
	if serverErr != nil {
		t.Fatalf("test database server: %v", serverErr)
	}
	return serverURL
}

func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above the working directory")
		}
		dir = parent
	}
}

// withDatabase returns rawURL with its database name replaced.
func withDatabase(rawURL, name string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return rawURL
	}
	u.Path = "/" + name
	return u.String()
}

// NewURL creates a fresh migrated database and returns its URL; it is
// dropped when the test ends.
func NewURL(t testing.TB) string {
	t.Helper()
	return create(t, ensureTemplate(t, ServerURL(t)))
}

// NewEmptyURL creates a fresh database with no migrations applied, for
// tests of migrating itself; it is dropped when the test ends.
func NewEmptyURL(t testing.TB) string {
	t.Helper()
	return create(t, "template0")
}

func create(t testing.TB, tpl string) string {
	t.Helper()
	ctx := context.Background()
	server := ServerURL(t)

	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "cw_test_" + hex.EncodeToString(b)
	conn, err := pgx.Connect(ctx, server)
	if err != nil {
		t.Fatalf("connect to test server: %v", err)
	}
	defer conn.Close(ctx)
	// Cloning may briefly fail if another process is still connected to
	// the template; retry a few times.
	for i := 0; ; i++ {
		sql, _ := admin.Builder("create_from_template").Ident("name", name).Ident("template", tpl).Build()
		_, err = conn.Exec(ctx, sql)
		if err == nil || i == 20 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		c, err := pgx.Connect(ctx, server)
		if err != nil {
			return
		}
		defer c.Close(ctx)
		sql, _ := admin.Builder("drop").Ident("name", name).Build()
		_, _ = c.Exec(ctx, sql)
	})
	return withDatabase(server, name)
}

// New returns a pool on a fresh migrated database, closed and dropped when
// the test ends. The pool is opened as production opens its own
// (database.Open) with production's default timeouts, so a statement that
// would hit DB_STATEMENT_TIMEOUT or DB_LOCK_TIMEOUT in production fails in
// tests too.
func New(t testing.TB) *pgxpool.Pool {
	t.Helper()
	return NewWithTimeouts(t, database.DefaultTimeouts())
}

// NewWithTimeouts is New with the server-side timeouts tm instead of
// production's defaults, for tests of what happens when one is reached.
func NewWithTimeouts(t testing.TB, tm database.Timeouts) *pgxpool.Pool {
	t.Helper()
	u := NewURL(t)
	pool, err := database.Open(context.Background(), u, 0, tm)
	if err != nil {
		t.Fatalf("open test database: %v", err)
	}
	t.Cleanup(pool.Close) // registered after the drop, so it runs first
	return pool
}

func ensureTemplate(t testing.TB, server string) string {
	templateMu.Lock()
	defer templateMu.Unlock()
	if templateReady != "" {
		return templateReady
	}
	ctx := context.Background()
	name := "cw_tpl_" + database.Fingerprint()
	conn, err := pgx.Connect(ctx, server)
	if err != nil {
		t.Fatalf("connect to test server: %v", err)
	}
	defer conn.Close(ctx)
	q := dbsqlc.New(conn)
	if err := q.LockTemplate(ctx, templateLockKey); err != nil {
		t.Fatalf("template lock: %v", err)
	}
	defer q.UnlockTemplate(ctx, templateLockKey)

	exists, err := q.DatabaseExists(ctx, name)
	if err != nil {
		t.Fatalf("find template: %v", err)
	}
	if !exists {
		building := name + "_building"
		drop, _ := admin.Builder("drop").Ident("name", building).Build()
		_, _ = conn.Exec(ctx, drop)
		create, _ := admin.Builder("create").Ident("name", building).Build()
		if _, err := conn.Exec(ctx, create); err != nil {
			t.Fatalf("create template: %v", err)
		}
		pool, err := pgxpool.New(ctx, withDatabase(server, building))
		if err != nil {
			t.Fatalf("open template: %v", err)
		}
		_, err = database.Migrate(ctx, pool, slog.New(slog.NewTextHandler(io.Discard, nil)))
		pool.Close()
		if err != nil {
			t.Fatalf("migrate template: %v", err)
		}
		rename, _ := admin.Builder("rename").Ident("name", building).Ident("new_name", name).Build()
		if _, err := conn.Exec(ctx, rename); err != nil {
			t.Fatalf("rename template: %v", err)
		}
		mark, _ := admin.Builder("mark_template").Ident("name", name).Build()
		if _, err := conn.Exec(ctx, mark); err != nil {
			t.Fatalf("mark template: %v", err)
		}
	}
	templateReady = name
	return name
}
