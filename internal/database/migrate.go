package database

import (
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"regexp"
	"sort"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/campaignwatch/campaignwatch/internal/database/internal/dbsqlc"
	"github.com/campaignwatch/campaignwatch/internal/sqlfilter"
	"github.com/campaignwatch/campaignwatch/migrations"
)

// migrationLockKey is the advisory lock every migrating process takes. The
// value is arbitrary but fixed: it must be the same in every release.
const migrationLockKey int64 = 0x63776D6967 // "cwmig"

//go:embed schema_migrations.sql
var schemaMigrationsSQL string

// schemaMigrations creates the migrator's own table, which must exist
// before the first migration runs (sqlc reads the same file as schema).
var schemaMigrations = sqlfilter.MustParse("schema_migrations.sql", schemaMigrationsSQL)

// Migration is one numbered migration file and, once applied, when.
type Migration struct {
	Version   int
	Name      string
	Checksum  string
	SQL       string
	AppliedAt *time.Time
}

// Status is the state of a database's schema.
type Status struct {
	Applied []Migration
	Pending []Migration
	// Modified lists applied migrations whose file has changed since; a
	// released migration must never change, so this is reported loudly.
	Modified []Migration
	// RiverApplied and RiverLatest are River's schema versions.
	RiverApplied int
	RiverLatest  int
}

// Current reports whether nothing is pending, ours or River's.
func (s *Status) Current() bool {
	return len(s.Pending) == 0 && s.RiverApplied >= s.RiverLatest
}

var migrationName = regexp.MustCompile(`^(\d{3,})_([a-z0-9_]+)\.up\.sql$`)

// Embedded returns the embedded migrations in version order.
func Embedded() ([]Migration, error) { return load(migrations.FS) }

func load(fsys fs.FS) ([]Migration, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, err
	}
	var out []Migration
	seen := map[int]string{}
	for _, e := range entries {
		if e.IsDir() || e.Name() == "embed.go" {
			continue
		}
		m := migrationName.FindStringSubmatch(e.Name())
		if m == nil {
			continue
		}
		v, _ := strconv.Atoi(m[1])
		if prev, dup := seen[v]; dup {
			return nil, fmt.Errorf("migrations %s and %s share version %d", prev, e.Name(), v)
		}
		seen[v] = e.Name()
		body, err := fs.ReadFile(fsys, e.Name())
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(body)
		out = append(out, Migration{Version: v, Name: m[2], Checksum: hex.EncodeToString(sum[:]), SQL: string(body)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	return out, nil
}

// Fingerprint identifies the embedded migrations as a whole; the test
// harness names its template database after it so a changed migration
// builds a fresh template.
func Fingerprint() string {
	ms, err := Embedded()
	if err != nil {
		return "invalid"
	}
	h := sha256.New()
	for _, m := range ms {
		fmt.Fprintf(h, "%d:%s\n", m.Version, m.Checksum)
	}
	fmt.Fprintf(h, "river:%d\n", riverLatest())
	return hex.EncodeToString(h.Sum(nil))[:12]
}

func riverLatest() int {
	mig, err := rivermigrate.New(riverpgxv5.New(nil), nil)
	if err != nil {
		return 0
	}
	all := mig.AllVersions()
	if len(all) == 0 {
		return 0
	}
	return all[len(all)-1].Version
}

// Migrate applies River's pending migrations and then ours, holding the
// migration advisory lock for the whole run. It returns the versions of our
// migrations it applied. It needs two connections from pool at once (the
// lock holder and River's migrator), so it is meant to be called once per
// process; separate processes may call it together.
func Migrate(ctx context.Context, pool *pgxpool.Pool, logger *slog.Logger) ([]int, error) {
	// Migrations are long by nature (an index on a large table) and wait
	// for each other's lock, so they run on a small pool of their own
	// without the request timeouts of the main pool; ctx bounds them.
	cfg := withoutTimeouts(pool.Config())
	cfg.MinConns, cfg.MaxConns = 0, 2
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connect for migration: %w", err)
	}
	defer pool.Close()
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return nil, fmt.Errorf("connect for migration: %w", err)
	}
	defer conn.Release()

	// A session-level lock held on this one connection: a second process
	// blocks here until the first has finished, then sees no pending work.
	q := dbsqlc.New(conn)
	if err := q.LockMigrations(ctx, migrationLockKey); err != nil {
		return nil, fmt.Errorf("take migration lock: %w", err)
	}
	defer func() {
		_ = q.UnlockMigrations(context.WithoutCancel(ctx), migrationLockKey)
	}()

	if err := migrateRiver(ctx, pool, logger); err != nil {
		return nil, err
	}
	if _, err := conn.Exec(ctx, schemaMigrations.Query("create")); err != nil {
		return nil, fmt.Errorf("create schema_migrations: %w", err)
	}
	all, err := Embedded()
	if err != nil {
		return nil, err
	}
	applied, err := appliedMigrations(ctx, q)
	if err != nil {
		return nil, err
	}
	var done []int
	for _, m := range all {
		if prev, ok := applied[m.Version]; ok {
			if prev.Checksum != m.Checksum {
				logger.Warn("applied migration has changed since it was applied", "version", m.Version, "name", m.Name)
			}
			continue
		}
		err := pgx.BeginFunc(ctx, conn.Conn(), func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, m.SQL); err != nil {
				return err
			}
			return q.WithTx(tx).RecordMigration(ctx, dbsqlc.RecordMigrationParams{Version: int32(m.Version), Name: m.Name, Checksum: m.Checksum})
		})
		if err != nil {
			return done, fmt.Errorf("migration %03d_%s failed: %w", m.Version, m.Name, err)
		}
		logger.Info("migration applied", "version", m.Version, "name", m.Name)
		done = append(done, m.Version)
	}
	return done, nil
}

// migrateRiver applies River's migrations, each in its own transaction
// (some of River's versions add enum values that cannot be used in the
// transaction that adds them). The caller holds the advisory lock.
func migrateRiver(ctx context.Context, pool *pgxpool.Pool, logger *slog.Logger) error {
	migrator, err := rivermigrate.New(riverpgxv5.New(pool), &rivermigrate.Config{Logger: logger})
	if err != nil {
		return err
	}
	res, err := migrator.Migrate(ctx, rivermigrate.DirectionUp, nil)
	if err != nil {
		return fmt.Errorf("river migrations failed: %w", err)
	}
	for _, v := range res.Versions {
		logger.Info("river migration applied", "version", v.Version)
	}
	return nil
}

func appliedMigrations(ctx context.Context, q *dbsqlc.Queries) (map[int]Migration, error) {
	rows, err := q.AppliedMigrations(ctx)
	if err != nil {
		return nil, fmt.Errorf("read schema_migrations: %w", err)
	}
	out := map[int]Migration{}
	for _, r := range rows {
		at := r.AppliedAt
		out[int(r.Version)] = Migration{Version: int(r.Version), Name: r.Name, Checksum: r.Checksum, AppliedAt: &at}
	}
	return out, nil
}

// GetStatus reports which migrations are applied and which are pending,
// without changing anything.
func GetStatus(ctx context.Context, pool *pgxpool.Pool) (*Status, error) {
	all, err := Embedded()
	if err != nil {
		return nil, err
	}
	st := &Status{RiverLatest: riverLatest()}

	q := dbsqlc.New(pool)
	exists, err := q.MigrationsTableExists(ctx)
	if err != nil {
		return nil, fmt.Errorf("read schema state: %w", err)
	}
	applied := map[int]Migration{}
	if exists {
		if applied, err = appliedMigrations(ctx, q); err != nil {
			return nil, err
		}
	}
	for _, m := range all {
		prev, ok := applied[m.Version]
		if !ok {
			st.Pending = append(st.Pending, m)
			continue
		}
		m.AppliedAt = prev.AppliedAt
		st.Applied = append(st.Applied, m)
		if prev.Checksum != m.Checksum {
			st.Modified = append(st.Modified, m)
		}
	}

	migrator, err := rivermigrate.New(riverpgxv5.New(pool), nil)
	if err != nil {
		return nil, err
	}
	existing, err := migrator.ExistingVersions(ctx)
	if err != nil && !errors.Is(err, context.Canceled) {
		// A database River has never touched has no river_migration table;
		// that simply means nothing of River's is applied yet.
		existing = nil
	}
	for _, v := range existing {
		if v.Version > st.RiverApplied {
			st.RiverApplied = v.Version
		}
	}
	return st, nil
}
