package pgcluster

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"
)

// tempDir returns a directory the postgres account can reach when the
// tests run as root (t.TempDir's parents are private to root).
func tempDir(t *testing.T) string {
	d, err := os.MkdirTemp("", "pgc-")
	require.NoError(t, err)
	require.NoError(t, os.Chmod(d, 0o755))
	t.Cleanup(func() { os.RemoveAll(d) })
	return d
}

func TestStartReuseStop(t *testing.T) {
	c := &Cluster{Dir: filepath.Join(tempDir(t), "var")}
	ctx := context.Background()

	// Two starts at once on a fresh directory: one creates and starts the
	// cluster, the other finds it running.
	var wg sync.WaitGroup
	started := make([]bool, 2)
	errs := make([]error, 2)
	for i := range 2 {
		wg.Add(1)
		go func() { defer wg.Done(); started[i], errs[i] = c.Start(ctx) }()
	}
	wg.Wait()
	require.NoError(t, errs[0])
	require.NoError(t, errs[1])
	require.True(t, started[0] != started[1], "exactly one start started the server: %v", started)
	t.Cleanup(func() { _ = c.Stop(context.Background()) })

	require.NoError(t, c.EnsureDatabase(ctx, "app"))
	require.NoError(t, c.EnsureDatabase(ctx, "app"), "idempotent")
	conn, err := pgx.Connect(ctx, c.URL("app"))
	require.NoError(t, err)
	var one int
	require.NoError(t, conn.QueryRow(ctx, "SELECT 1").Scan(&one))
	var listen string
	require.NoError(t, conn.QueryRow(ctx, "SHOW listen_addresses").Scan(&listen))
	require.Empty(t, listen, "no TCP port is taken")
	conn.Close(ctx)

	again, err := c.Start(ctx)
	require.NoError(t, err)
	require.False(t, again)

	require.NoError(t, c.Stop(ctx))
	require.False(t, c.Running(ctx))
	restarted, err := c.Start(ctx)
	require.NoError(t, err)
	require.True(t, restarted, "the existing cluster starts again without initdb")
}

func TestFindBinaries(t *testing.T) {
	t.Setenv("PATH", "")
	dir, err := FindBinaries()
	require.NoError(t, err, "found in the standard locations without PATH")
	require.True(t, hasBinaries(dir))

	old := SearchRoots
	SearchRoots = []string{filepath.Join(t.TempDir(), "nothing-*")}
	defer func() { SearchRoots = old }()
	_, err = FindBinaries()
	require.ErrorIs(t, err, ErrNoBinaries)
	require.Contains(t, err.Error(), "install PostgreSQL")
	require.Contains(t, err.Error(), "DATABASE_URL")
	require.Contains(t, err.Error(), "docker compose up")
}

func TestLongDirectoryUsesShortSocketPath(t *testing.T) {
	long := filepath.Join("/tmp", string(make([]byte, 0)), "a-very-long-directory-name-that-goes-on-and-on-and-on-and-on", "and-on-and-on-and-on-and-on", "var")
	c := &Cluster{Dir: long}
	require.Less(t, len(c.SocketDir()+"/.s.PGSQL.5432"), 108)
}
