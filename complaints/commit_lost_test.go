package complaints_test

import (
	"bytes"
	"context"
	"io"
	"net"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/campaignwatch/campaignwatch/complaints"
	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/internal/testdb"
	"github.com/campaignwatch/campaignwatch/jobs"
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
			if err != nil {
				t.Fatal(err)
			}
			cut := &cutter{marker: []byte("marker-" + name), afterCommit: afterCommit}
			cfg.ConnConfig.DialFunc = cut.dial
			pool, err := pgxpool.NewWithConfig(ctx, cfg)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(pool.Close)
			client, err := jobs.NewClient(pool, jobs.NewRegistry(), jobs.Options{})
			if err != nil {
				t.Fatal(err)
			}
			svc := complaints.NewService(pool, client)

			sub := sample()
			sub.Message = "marker-" + name
			rc, err := svc.Submit(ctx, sub, complaints.Meta{})
			if !cut.hasFired() {
				t.Fatal("the connection was never cut: the marker did not travel with COMMIT")
			}

			// Count on a connection of the test's own.
			check, err2 := pgxpool.New(ctx, url)
			if err2 != nil {
				t.Fatal(err2)
			}
			t.Cleanup(check.Close)
			var stored []string
			rows, err2 := check.Query(ctx, `SELECT reference FROM complaints WHERE message = $1`, sub.Message)
			if err2 != nil {
				t.Fatal(err2)
			}
			for rows.Next() {
				var ref string
				_ = rows.Scan(&ref)
				stored = append(stored, ref)
			}
			if rows.Err() != nil {
				t.Fatal(rows.Err())
			}

			if afterCommit {
				if err != nil {
					t.Fatalf("the complaint was committed, but Submit said: %v", err)
				}
				if len(stored) != 1 || stored[0] != rc.Reference {
					t.Fatalf("stored %v, answered %q", stored, rc.Reference)
				}
				return
			}
			if apperr.CodeOf(err) != apperr.Unavailable {
				t.Fatalf("nothing was committed, but Submit answered %+v, %v", rc, err)
			}
			if len(stored) != 0 {
				t.Fatalf("stored %v after a COMMIT that never arrived", stored)
			}
		})
	}
}
