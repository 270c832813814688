package complaints_test

import (
	"bytes"
	"context"
	"io"
	"net"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/complaints"
	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/internal/fixture"
	"github.com/campaignwatch/campaignwatch/internal/testdb"
)

// cutter breaks the database connection that carries a marked submission's
// COMMIT, at a chosen moment: before the server sees the COMMIT, or after
// the server has answered it but before the client reads the answer.
// Every byte up to that moment is real protocol between pgx and
// PostgreSQL.
type cutter struct {
	marker      []byte
	afterCommit bool

	mu    sync.Mutex
	fired bool
}

func (c *cutter) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	conn, err := (&net.Dialer{}).DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	return &cutConn{Conn: conn, c: c}, nil
}

// take reports whether p carries the marker, once.
func (c *cutter) take(p []byte) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.fired || !bytes.Contains(p, c.marker) {
		return false
	}
	c.fired = true
	return true
}

func (c *cutter) hasFired() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.fired
}

type cutConn struct {
	net.Conn
	c        *cutter
	dropping bool   // the COMMIT batch is being swallowed
	awaiting bool   // the COMMIT batch went through; its answer is awaited
	answer   []byte // what the server sent back since
}

func (cc *cutConn) Write(p []byte) (int, error) {
	if cc.dropping {
		return len(p), nil
	}
	if cc.c.take(p) {
		if !cc.c.afterCommit {
			// The batch with the rows and COMMIT never reaches the
			// server, which sees the connection close mid-transaction.
			cc.dropping = true
			_ = cc.Conn.Close()
			return len(p), nil
		}
		cc.awaiting = true
	}
	return cc.Conn.Write(p)
}

func (cc *cutConn) Read(p []byte) (int, error) {
	n, err := cc.Conn.Read(p)
	if cc.awaiting {
		cc.answer = append(cc.answer, p[:n]...)
		// CommandComplete for COMMIT: the server has committed. The
		// client never sees it.
		if bytes.Contains(cc.answer, []byte("COMMIT\x00")) {
			_ = cc.Conn.Close()
			return 0, io.ErrUnexpectedEOF
		}
	}
	return n, err
}

// TestSubmitConnectionLostDuringCommit: when the connection fails during
// COMMIT, Submit looks on another connection and tells the truth: the
// reference when the complaint was stored, Unavailable when it was not.
func TestSubmitConnectionLostDuringCommit(t *testing.T) {
	t.Parallel()
	for _, afterCommit := range []bool{true, false} {
		name := map[bool]string{true: "committed", false: "not committed"}[afterCommit]
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			url := testdb.NewURL(t)
			cfg, err := pgxpool.ParseConfig(url)
			require.NoError(t, err)
			cut := &cutter{marker: []byte("marker-" + name), afterCommit: afterCommit}
			cfg.ConnConfig.DialFunc = cut.dial
			pool, err := pgxpool.NewWithConfig(ctx, cfg)
			require.NoError(t, err)
			t.Cleanup(pool.Close)
			client := fixture.InsertOnlyJobs(t, pool)
			svc := complaints.NewService(pool, client)

			sub := sample()
			sub.Message = "marker-" + name
			rc, err := svc.Submit(ctx, sub, complaints.Meta{})
			require.True(t, cut.hasFired(), "the connection was never cut: the marker did not travel with COMMIT")

			// Count on a connection of the test's own.
			check, err2 := pgxpool.New(ctx, url)
			require.NoError(t, err2)
			t.Cleanup(check.Close)
			var stored []string
			rows, err2 := check.Query(ctx, `SELECT reference FROM complaints WHERE message = $1`, sub.Message)
			require.NoError(t, err2)
			for rows.Next() {
				var ref string
				_ = rows.Scan(&ref)
				stored = append(stored, ref)
			}
			require.NoError(t, rows.Err())

			if afterCommit {
				require.NoError(t, err, "the complaint was committed, but Submit said otherwise")
				require.Equal(t, []string{rc.Reference}, stored, "stored, answered")
				return
			}
			require.Equal(t, apperr.Unavailable, apperr.CodeOf(err), "nothing was committed, but Submit answered %+v, %v", rc, err)
			require.Empty(t, stored, "stored after a COMMIT that never arrived")
		})
	}
}
