package archtest

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/internal/sqlfilter"
	"github.com/campaignwatch/campaignwatch/internal/testdb"
)

// notPreparable are sqlfilter files whose statements PostgreSQL cannot
// PREPARE: administrative statements with identifiers (run by every test
// that makes a database), the migrator's own DDL, a COPY, and a bare WHERE
// fragment River completes (checked by outreach's own tests).
var notPreparable = map[string]bool{
	"internal/testdb/admin.sql":               true,
	"internal/pgcluster/admin.sql":            true,
	"internal/database/schema_migrations.sql": true,
	"complaints/copy.sql":                     true,
	"outreach/send_jobs.sql":                  true,
}

var namedArg = regexp.MustCompile(`(^|[^@\w:])@([a-z_][a-z0-9_]*)`)

// TestDynamicQueriesMatchTheSchema does for the dynamic queries what sqlc
// vet does for the static ones: every query of every sqlfilter file, with
// every one of its conditions chosen, is prepared against a freshly
// migrated database, so a migration that breaks a filter fails here
// rather than in the first request that chooses it.
func TestDynamicQueriesMatchTheSchema(t *testing.T) {
	root := repoRoot(t)
	var files []string
	require.NoError(t, filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if rel != "." && (strings.HasPrefix(d.Name(), ".") || rel == "var" || rel == "tools" || rel == "migrations" || d.Name() == "queries") {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(rel, ".sql") && !notPreparable[rel] {
			files = append(files, rel)
		}
		return nil
	}))
	require.NotEmpty(t, files)

	pool := testdb.New(t)
	ctx := context.Background()
	conn, err := pool.Acquire(ctx)
	require.NoError(t, err)
	defer conn.Release()
	prepared := 0
	for _, rel := range files {
		src, err := os.ReadFile(filepath.Join(root, rel))
		require.NoError(t, err)
		if !strings.Contains(string(src), "-- query:") {
			continue
		}
		set, err := sqlfilter.Parse(rel, string(src))
		require.NoError(t, err)
		orders := set.Orders()
		if len(orders) == 0 {
			orders = []string{""}
		}
		for _, q := range set.Queries() {
			for _, o := range orders {
				b := set.Builder(q)
				for _, c := range set.Conditions() {
					b.Where(c)
				}
				if o != "" {
					b.OrderBy(o)
				}
				sql, _ := b.Build()
				args := pgx.NamedArgs{}
				for _, m := range namedArg.FindAllStringSubmatch(sql, -1) {
					args[m[2]] = nil
				}
				positional, _, err := args.RewriteQuery(ctx, conn.Conn(), sql, nil)
				require.NoError(t, err, "%s: %s", rel, q)
				_, err = conn.Conn().Prepare(ctx, "", positional)
				assert.NoError(t, err, "%s: query %q (order %q) with every condition does not prepare against the schema", rel, q, o)
				prepared++
			}
		}
	}
	require.NotZero(t, prepared, "no dynamic query was found")
	t.Logf("%d dynamic queries prepared from %d files", prepared, len(files))
}
