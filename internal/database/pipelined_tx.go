package database

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"
)

// PipelinedTx is a transaction whose BEGIN travels to the server with its
// first statements and whose COMMIT travels with its last ones. pgx's
// Begin and Commit each cost a round trip of their own; on the public
// intake path, where a request is a handful of short statements, those two
// round trips are a large share of what the database spends per request.
//
// BeginDeferred goes further: BEGIN and its statements wait and travel
// with the transaction's next statement, whoever sends it, so a caller can
// put its reads in the same round trip as, say, River's job insert.
//
// It implements pgx.Tx, so River can insert jobs in it, but it does not
// nest (Begin fails) and has no large-object support.
//
// The batch that commits may not carry callbacks (CommitBatch refuses
// one): the server has run COMMIT before a callback could object, so a
// callback's error would report a failure for a transaction that in fact
// committed.
type PipelinedTx struct {
	conn    *pgxpool.Conn
	pending *pgx.Batch // BEGIN and statements not yet sent
}

var _ pgx.Tx = (*PipelinedTx)(nil)

// errNested is returned by Begin: nothing in the service needs a
// savepoint inside a pipelined transaction.
var errNested = errors.New("database: a pipelined transaction cannot be nested")

// ErrCommitCallback is returned by CommitBatch for a batch with a
// callback on one of its statements; see PipelinedTx.
var ErrCommitCallback = errors.New("database: the committing batch of a pipelined transaction cannot carry callbacks, which would run after COMMIT")

// ErrCommitUnknown is wrapped into CommitBatch's error when the
// connection failed after COMMIT may have reached the server: the
// transaction may have committed or not, and only a look on another
// connection can tell.
var ErrCommitUnknown = errors.New("database: the connection failed during COMMIT, so whether the transaction committed is unknown")

// errRolledBack is COMMIT's answer in a transaction an earlier statement
// aborted.
var errRolledBack = errors.New("database: the transaction was rolled back")

// BeginBatch takes a connection from pool, and sends BEGIN followed by the
// statements queued on b in one round trip. b's callbacks have run when it
// returns. On any error the transaction is rolled back and the connection
// returned to the pool.
func BeginBatch(ctx context.Context, pool *pgxpool.Pool, b *pgx.Batch) (*PipelinedTx, error) {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return nil, err
	}
	tx := &PipelinedTx{conn: conn}
	first := &pgx.Batch{QueuedQueries: make([]*pgx.QueuedQuery, 0, len(b.QueuedQueries)+1)}
	first.Queue("BEGIN")
	first.QueuedQueries = append(first.QueuedQueries, b.QueuedQueries...)
	if err := conn.SendBatch(ctx, first).Close(); err != nil {
		tx.release(ctx)
		return nil, err
	}
	return tx, nil
}

// BeginDeferred takes a connection from pool and holds BEGIN and the
// statements queued on b until the transaction's next statement, which
// they travel with; their callbacks run before that statement's result is
// read, and an error in one of them is that statement's error.
func BeginDeferred(ctx context.Context, pool *pgxpool.Pool, b *pgx.Batch) (*PipelinedTx, error) {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return nil, err
	}
	first := &pgx.Batch{QueuedQueries: make([]*pgx.QueuedQuery, 0, len(b.QueuedQueries)+2)}
	first.Queue("BEGIN")
	first.QueuedQueries = append(first.QueuedQueries, b.QueuedQueries...)
	return &PipelinedTx{conn: conn, pending: first}, nil
}

// withPending returns b with the held statements in front of its own.
func (tx *PipelinedTx) withPending(b *pgx.Batch) *pgx.Batch {
	if tx.pending == nil {
		return b
	}
	p := tx.pending
	tx.pending = nil
	if b != nil {
		p.QueuedQueries = append(p.QueuedQueries, b.QueuedQueries...)
	}
	return p
}

// Flush sends the held statements, if any, on their own and runs their
// callbacks. A caller that relies on them having run (because it reads
// what their callbacks set) flushes first: when the statements it sent
// already carried them, Flush costs nothing.
func (tx *PipelinedTx) Flush(ctx context.Context) error {
	if tx.conn == nil {
		return pgx.ErrTxClosed
	}
	if tx.pending == nil {
		return nil
	}
	return tx.conn.SendBatch(ctx, tx.withPending(nil)).Close()
}

// CommitBatch sends the statements queued on b followed by COMMIT in one
// round trip. If any of them fails, nothing of the transaction is kept.
// Either way the connection goes back to the pool. Statements with
// callbacks, in b or still held, are refused with ErrCommitCallback and
// the transaction is rolled back.
func (tx *PipelinedTx) CommitBatch(ctx context.Context, b *pgx.Batch) error {
	if tx.conn == nil {
		return pgx.ErrTxClosed
	}
	if b == nil {
		b = &pgx.Batch{}
	}
	b = tx.withPending(b)
	for _, q := range b.QueuedQueries {
		if q.Fn != nil {
			tx.release(ctx)
			return ErrCommitCallback
		}
	}
	committed := false
	b.Queue("COMMIT").Exec(func(ct pgconn.CommandTag) error {
		// COMMIT in a transaction that an earlier statement aborted
		// answers ROLLBACK rather than an error.
		if ct.String() != "COMMIT" {
			return fmt.Errorf("%w (%s)", errRolledBack, ct)
		}
		committed = true
		return nil
	})
	err := tx.conn.SendBatch(ctx, b).Close()
	tx.release(ctx)
	switch {
	case err == nil:
		return nil
	case committed:
		// The server answered COMMIT; what failed came after it (the
		// connection dropping before the batch's last message).
		return nil
	case commitOutcomeKnown(err):
		return err
	default:
		return fmt.Errorf("%w: %w", ErrCommitUnknown, err)
	}
}

// commitOutcomeKnown reports whether a failed committing batch certainly
// did not commit: a statement in it failed (the server then answers
// COMMIT with ROLLBACK), or nothing of it was sent. Anything else (the
// connection lost, the backend terminated, the context cancelled while
// waiting for the answer) may have struck after the server committed.
func commitOutcomeKnown(err error) bool {
	if errors.Is(err, errRolledBack) || errors.Is(err, ErrCommitCallback) {
		return true
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		// An ERROR is a statement failing inside the transaction; FATAL
		// and PANIC end the backend, possibly after its COMMIT.
		sev := pe.SeverityUnlocalized
		if sev == "" {
			sev = pe.Severity
		}
		return sev == "ERROR"
	}
	return pgconn.SafeToRetry(err)
}

// Commit commits the transaction.
func (tx *PipelinedTx) Commit(ctx context.Context) error { return tx.CommitBatch(ctx, nil) }

// Rollback rolls the transaction back and returns the connection; after a
// commit it does nothing, so it is safe to defer.
func (tx *PipelinedTx) Rollback(ctx context.Context) error {
	if tx.conn == nil {
		return nil
	}
	tx.release(ctx)
	return nil
}

// release ends whatever is left of the transaction and returns the
// connection. The pool closes a connection that is still inside a
// transaction, so a failed ROLLBACK costs a reconnect, never a leaked
// transaction.
func (tx *PipelinedTx) release(ctx context.Context) {
	c := tx.conn
	tx.conn, tx.pending = nil, nil
	if !c.Conn().IsClosed() && c.Conn().PgConn().TxStatus() != 'I' {
		_, _ = c.Exec(context.WithoutCancel(ctx), "ROLLBACK")
	}
	c.Release()
}

// Begin is not supported: see errNested.
func (tx *PipelinedTx) Begin(context.Context) (pgx.Tx, error) { return nil, errNested }

// CopyFrom runs COPY FROM in the transaction.
func (tx *PipelinedTx) CopyFrom(ctx context.Context, table pgx.Identifier, columns []string, src pgx.CopyFromSource) (int64, error) {
	if tx.conn == nil {
		return 0, pgx.ErrTxClosed
	}
	// COPY cannot carry the held statements.
	if err := tx.Flush(ctx); err != nil {
		return 0, err
	}
	return tx.conn.CopyFrom(ctx, table, columns, src)
}

// SendBatch sends b in the transaction. Held statements travel in front
// of b's in the same round trip; their results are read (and their
// callbacks run) before SendBatch returns, so the results the caller reads
// are b's own, in b's order.
func (tx *PipelinedTx) SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults {
	if tx.conn == nil {
		return failedBatch{pgx.ErrTxClosed}
	}
	if tx.pending == nil {
		return tx.conn.SendBatch(ctx, b)
	}
	all := tx.withPending(b)
	held := all.QueuedQueries[:len(all.QueuedQueries)-len(b.QueuedQueries)]
	br := tx.conn.SendBatch(ctx, all)
	if err := readHeld(br, held); err != nil {
		return failedBatch{err}
	}
	return br
}

// readHeld reads the results of the held statements at the head of br,
// running their callbacks. On an error it closes br, so the connection is
// ready for the transaction's end.
func readHeld(br pgx.BatchResults, held []*pgx.QueuedQuery) error {
	for _, q := range held {
		var err error
		if q.Fn != nil {
			err = q.Fn(br)
		} else {
			_, err = br.Exec()
		}
		if err != nil {
			_ = br.Close()
			return err
		}
	}
	return nil
}

// failedBatch is the BatchResults of a batch that could not be sent or
// whose held statements failed: every read reports that error.
type failedBatch struct{ err error }

func (f failedBatch) Exec() (pgconn.CommandTag, error) { return pgconn.CommandTag{}, f.err }
func (f failedBatch) Query() (pgx.Rows, error)         { return errRows{f.err}, f.err }
func (f failedBatch) QueryRow() pgx.Row                { return rowOf{err: f.err} }
func (f failedBatch) Close() error                     { return f.err }
func (f failedBatch) Tx() pgx.Tx                       { return nil }

// LargeObjects panics: the service never uses large objects, and a panic
// naming the cause is clearer than the nil dereference the zero
// pgx.LargeObjects would give at its first use.
func (tx *PipelinedTx) LargeObjects() pgx.LargeObjects {
	panic("database: a pipelined transaction has no large-object support")
}

// Prepare prepares a statement on the transaction's connection.
func (tx *PipelinedTx) Prepare(ctx context.Context, name, sql string) (*pgconn.StatementDescription, error) {
	if tx.conn == nil {
		return nil, pgx.ErrTxClosed
	}
	// Preparing cannot carry the held statements.
	if err := tx.Flush(ctx); err != nil {
		return nil, err
	}
	return tx.conn.Conn().Prepare(ctx, name, sql)
}

// Exec runs sql in the transaction.
func (tx *PipelinedTx) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	if tx.conn == nil {
		return pgconn.CommandTag{}, pgx.ErrTxClosed
	}
	if tx.pending == nil {
		return tx.conn.Exec(ctx, sql, args...)
	}
	var tag pgconn.CommandTag
	b := &pgx.Batch{}
	b.Queue(sql, args...).Exec(func(ct pgconn.CommandTag) error { tag = ct; return nil })
	err := tx.conn.SendBatch(ctx, tx.withPending(b)).Close()
	return tag, err
}

// Query runs sql in the transaction. With statements held, they go first
// in the same round trip, and their callbacks run before the rows are
// returned.
func (tx *PipelinedTx) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	if tx.conn == nil {
		return errRows{pgx.ErrTxClosed}, pgx.ErrTxClosed
	}
	if tx.pending == nil {
		return tx.conn.Query(ctx, sql, args...)
	}
	b := tx.withPending(nil)
	held := b.QueuedQueries
	b.Queue(sql, args...)
	br := tx.conn.SendBatch(ctx, b)
	if err := readHeld(br, held); err != nil {
		return errRows{err}, err
	}
	rows, err := br.Query()
	if err != nil {
		_ = br.Close()
		return errRows{err}, err
	}
	return &batchRows{Rows: rows, br: br}, nil
}

// errRows are the rows returned with an error. pgx promises rows that
// are safe to use even then (code may write `rows, _ := tx.Query(...)` and
// find the error in rows.Err), so they are never nil.
type errRows struct{ err error }

func (r errRows) Close()                                       {}
func (r errRows) Err() error                                   { return r.err }
func (r errRows) CommandTag() pgconn.CommandTag                { return pgconn.CommandTag{} }
func (r errRows) FieldDescriptions() []pgconn.FieldDescription { return nil }
func (r errRows) Next() bool                                   { return false }
func (r errRows) Scan(...any) error                            { return r.err }
func (r errRows) Values() ([]any, error)                       { return nil, r.err }
func (r errRows) RawValues() [][]byte                          { return nil }
func (r errRows) Conn() *pgx.Conn                              { return nil }
func (r errRows) TypeMap() *pgtype.Map                         { return nil }

// batchRows are the rows of a batch's last statement; closing them
// finishes the batch, so the connection is ready for the next one.
type batchRows struct {
	pgx.Rows
	br       pgx.BatchResults
	closed   bool
	closeErr error
}

// Next closes the rows (and so the batch) when they run out, as pgx's own
// rows do, so that a caller that reads to the end without calling Close
// can send its next statement, and Err reports how the batch ended.
func (r *batchRows) Next() bool {
	if r.closed {
		return false
	}
	if r.Rows.Next() {
		return true
	}
	r.Close()
	return false
}

func (r *batchRows) Close() {
	if r.closed {
		return
	}
	r.closed = true
	r.Rows.Close()
	r.closeErr = r.br.Close()
}

func (r *batchRows) Err() error {
	if err := r.Rows.Err(); err != nil {
		return err
	}
	return r.closeErr
}

// QueryRow runs sql in the transaction.
func (tx *PipelinedTx) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	rows, err := tx.Query(ctx, sql, args...)
	return rowOf{rows: rows, err: err}
}

// rowOf is QueryRow's answer, read from Query's rows as pgx does.
type rowOf struct {
	rows pgx.Rows
	err  error
}

func (r rowOf) Scan(dest ...any) error {
	if r.err != nil {
		return r.err
	}
	defer r.rows.Close()
	if !r.rows.Next() {
		if err := r.rows.Err(); err != nil {
			return err
		}
		return pgx.ErrNoRows
	}
	if err := r.rows.Scan(dest...); err != nil {
		return err
	}
	r.rows.Close()
	return r.rows.Err()
}

// Conn is the connection the transaction runs on, or nil once the
// transaction has ended and the connection gone back to the pool.
func (tx *PipelinedTx) Conn() *pgx.Conn {
	if tx.conn == nil {
		return nil
	}
	return tx.conn.Conn()
}
