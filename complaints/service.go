package complaints

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/internal/audit"
	"github.com/campaignwatch/campaignwatch/internal/database"
	"github.com/campaignwatch/campaignwatch/jobs"
)

// DuplicateWindow is how far back an identical complaint counts as the
// same one sent twice.
const DuplicateWindow = 24 * time.Hour

// Service stores and reads complaints.
type Service struct {
	pool *pgxpool.Pool
	jobs *jobs.Client
	now  func() time.Time
	ids  idBlock
}

// NewService returns a service using pool for storage and client to enqueue jobs.
func NewService(pool *pgxpool.Pool, client *jobs.Client) *Service {
	return &Service{pool: pool, jobs: client, now: time.Now}
}

// Pool is the database the service works on (used by its workers).
func (s *Service) Pool() *pgxpool.Pool { return s.pool }

// Submit normalises, validates, and stores the complaint, its evidence and
// its jobs in one transaction. Nothing is stored unless all of it is.
func (s *Service) Submit(ctx context.Context, sub Submission, meta Meta) (Receipt, error) {
	sub.Normalize()
	if err := sub.Validate(s.now()); err != nil {
		return Receipt{}, err
	}
	for attempt := 1; ; attempt++ {
		rc, err := s.submitOnce(ctx, &sub, meta)
		if err == nil {
			return rc, nil
		}
		// A unique violation on the complaint is a reference drawn twice
		// (very rare) or a concurrent request with the same
		// Idempotency-Key; nothing of this attempt was kept, and the next
		// draws a new reference or finds that request's complaint.
		if isComplaintConflict(err) && attempt < 5 {
			continue
		}
		if ctx.Err() != nil {
			return Receipt{}, err
		}
		return Receipt{}, unavailable(err)
	}
}

// submitOnce stores a public submission in two round trips: BEGIN and the
// lookups ride with River's insert of the jobs, then the rows and COMMIT.
// Under load the round trips, not the statements, are most of what a
// submission costs. The complaint's id, which its jobs carry, is drawn
// beforehand from a block the service holds.
func (s *Service) submitOnce(ctx context.Context, sub *Submission, meta Meta) (Receipt, error) {
	id, err := s.ids.take(ctx, s.pool)
	if err != nil {
		return Receipt{}, err
	}
	hash := sub.dedupeHash(meta.IP)
	var l lookups
	b := &pgx.Batch{}
	l.queue(b, sub, meta, hash)
	// Last, so the counts' rows are locked after the duplicate lock, in
	// every submission's same order, and for as short a time as can be.
	l.queueCharge(b, id, sub, meta.Charge)
	tx, err := database.BeginDeferred(ctx, s.pool, b)
	if err != nil {
		return Receipt{}, err
	}
	defer tx.Rollback(ctx)
	// The jobs go in before the lookups are known. A repeat or a refused
	// party rolls them back with everything else.
	if _, err := s.jobs.InsertManyTx(ctx, tx, jobParams(id, sub, true)); err != nil {
		return Receipt{}, fmt.Errorf("queue complaint jobs: %w", err)
	}
	// River's insert carried the lookups; should a River version ever
	// insert without a statement, this sends them, so l is never read
	// unfilled.
	if err := tx.Flush(ctx); err != nil {
		return Receipt{}, err
	}
	if l.repeated {
		return l.replay(meta)
	}
	if err := l.resolveParty(sub); err != nil {
		return Receipt{}, err
	}
	if err := checkDraftFiles(sub, l.draftFiles); err != nil {
		return Receipt{}, err
	}
	// A refused charge rolls back with everything else, the counts
	// already added to included.
	if err := l.checkCharge(); err != nil {
		return Receipt{}, err
	}
	rc := Receipt{Reference: NewReference(), ComplaintID: id, DuplicateOf: l.dupRef}
	w := &pgx.Batch{}
	w.Queue(insertComplaintWithID, append([]any{id}, complaintArgs(sub, meta, hash, &l, rc.Reference)...)...)
	queueDetails(w, id, sub)
	// The audit log records what staff do. A member of the public's
	// complaint is its own record of receipt (History shows it as one), so
	// only a submission by signed-in staff gets an audit entry.
	if audit.ActorFrom(ctx).UserID != nil {
		if err := audit.Queue(ctx, w, "complaint.receive", "complaint", rc.Reference, audit.Change{After: receiveSummary(sub, rc)}); err != nil {
			return Receipt{}, err
		}
	}
	if err := tx.CommitBatch(ctx, w); err != nil {
		if errors.Is(err, database.ErrCommitUnknown) {
			return s.resolveCommit(ctx, rc, hash, err)
		}
		return Receipt{}, err
	}
	return rc, nil
}

// resolveCommit finds out, on another connection, whether a submission
// whose connection failed during COMMIT was stored: answering "try again"
// for a stored complaint would have the person send it twice. Taking the
// submission's duplicate lock first waits for the old transaction to end,
// should its backend still be running, so the answer is final.
func (s *Service) resolveCommit(ctx context.Context, rc Receipt, hash []byte, commitErr error) (Receipt, error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), commitResolveTimeout)
	defer cancel()
	var stored bool
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		b := &pgx.Batch{}
		b.Queue(setResolveLockTimeout)
		b.Queue(lockDuplicates, dedupeLockKey(hash))
		b.Queue(complaintStored, rc.ComplaintID).QueryRow(func(row pgx.Row) error { return row.Scan(&stored) })
		return tx.SendBatch(ctx, b).Close()
	})
	switch {
	case err != nil:
		return Receipt{}, apperr.Wrap(apperr.Unavailable, errors.Join(commitErr, err),
			"The service lost its connection while saving your complaint and cannot yet tell whether it was saved. Please try again in a few minutes, sending the same Idempotency-Key if you gave one, so that it is not saved twice.")
	case !stored:
		return Receipt{}, apperr.Wrap(apperr.Unavailable, commitErr, "The service cannot save complaints just now. Please try again in a few minutes.")
	}
	return rc, nil
}

// commitResolveTimeout bounds resolveCommit, which holds up the answer.
const commitResolveTimeout = 10 * time.Second

// setResolveLockTimeout stops resolveCommit waiting long on a transaction
// whose backend has not yet noticed that its client is gone.
const setResolveLockTimeout = `SET LOCAL lock_timeout = '5s'`

// complaintStored tells whether a complaint id was committed.
const complaintStored = `SELECT EXISTS (SELECT 1 FROM complaints WHERE id = $1)`

// idBlock hands out complaint ids drawn from the complaints sequence a
// block at a time, so that a submission knows its id before its first
// round trip. Ids left in a block when the process stops are never used;
// ids are internal (the public sees references), so gaps do not matter.
//
// Order does matter: triage claims new complaints by ascending id
// (review.TriageBatch), so within a process ids must reach submissions in
// about the order they commit. One block is drawn at a time and used up
// before the next: were every request that found the block empty to draw
// its own, ids would be scattered over many blocks at once, and triage
// would pass over most complaints and leave each to its own job. (Two
// instances interleave block by block; triage's periodic look-back and
// each complaint's own job cover that.)
type idBlock struct {
	once sync.Once
	turn chan struct{} // held while handing out or drawing ids
	ids  []int64
}

// idBlockSize is how many ids one draw takes: one extra statement per
// this many submissions.
const idBlockSize = 64

// take returns the next id, drawing a new block when none is left.
// Waiting for the turn ends with ctx, so a slow or stopped database holds
// a request no longer than its own deadline.
func (b *idBlock) take(ctx context.Context, pool *pgxpool.Pool) (int64, error) {
	b.once.Do(func() { b.turn = make(chan struct{}, 1) })
	select {
	case b.turn <- struct{}{}:
	case <-ctx.Done():
		return 0, ctx.Err()
	}
	defer func() { <-b.turn }()
	if len(b.ids) == 0 {
		if err := pool.QueryRow(ctx, `SELECT array_agg(nextval('complaints_id_seq') ORDER BY n) FROM generate_series(1, $1) n`, idBlockSize).Scan(&b.ids); err != nil {
			return 0, err
		}
	}
	id := b.ids[0]
	b.ids = b.ids[1:]
	return id, nil
}

// isComplaintConflict reports a unique violation on the complaints table.
func isComplaintConflict(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505" && pe.TableName == "complaints"
}

// inTx runs fn in a transaction and turns a lost or refused connection
// into Unavailable, so callers can tell "try again later" from a bug.
func (s *Service) inTx(ctx context.Context, fn func(pgx.Tx) error) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return err
		}
		// No connection could be had: whatever the server said, the
		// database is not taking work now.
		return apperr.Wrap(apperr.Unavailable, err, "The service cannot save complaints just now. Please try again in a few minutes.")
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	if err := fn(tx); err != nil {
		return unavailable(err)
	}
	if err := tx.Commit(ctx); err != nil {
		return unavailable(err)
	}
	return nil
}

// unavailable maps connection failures to apperr.Unavailable and leaves
// every other error as it is.
func unavailable(err error) error {
	if err == nil {
		return nil
	}
	var ae *apperr.Error
	if errors.As(err, &ae) {
		return err
	}
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) {
		return apperr.Wrap(apperr.Unavailable, err, "The service cannot save complaints just now. Please try again in a few minutes.")
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		// Class 08 is connection trouble, 57 an operator intervention
		// (shutdown, terminated backend), 53 insufficient resources.
		switch pe.Code[:2] {
		case "08", "57", "53":
			return apperr.Wrap(apperr.Unavailable, err, "The service cannot save complaints just now. Please try again in a few minutes.")
		}
		return err
	}
	if errors.Is(err, context.Canceled) {
		return err
	}
	// Anything else from the driver is a network or pool failure.
	return apperr.Wrap(apperr.Unavailable, err, "The service cannot save complaints just now. Please try again in a few minutes.")
}

const complaintColumns = `reference, source, source_id, channel, party_id, party_text, election_id,
    received_at, received_at_has_time, sender, sender_normalized, message, description, consent,
    opted_out, tps_registered, sender_identified, opt_out_offered, recipients_visible,
    special_category, targeting_reason, lang, dedupe_hash, duplicate_of_id, idempotency_key,
    idempotency_body_sha256, triage_requested_at`

// insertComplaint is the import's insert: a row whose source id (or
// reference) is already taken is skipped, and the caller looks up which.
const insertComplaint = `
INSERT INTO complaints (` + complaintColumns + `)
VALUES ($1, $2, NULLIF($3, ''), $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,
    $19, $20, $21, $22, $23, $24, NULLIF($25, ''), $26, now())
ON CONFLICT DO NOTHING
RETURNING id`

// insertComplaintWithID is the public intake's insert, with the id drawn
// earlier in the transaction for the jobs; a conflict fails the whole
// transaction and Submit tries again.
const insertComplaintWithID = `
INSERT INTO complaints (id, ` + complaintColumns + `) OVERRIDING SYSTEM VALUE
VALUES ($1, $2, $3, NULLIF($4, ''), $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19,
    $20, $21, $22, $23, $24, $25, NULLIF($26, ''), $27, now())`

// partyAndElection resolves the party (by partyFilter, on $2) and the
// election whose period (announcement to polling day plus follow-up)
// covers the date ($1), standing in the party's nations, in one
// statement. It comes in three forms, one per way the party was given,
// because a single form with CASE on its parameters is planned afresh on
// every call, and that planning cost more than running it.
const partyAndElection = `
WITH p AS (
    SELECT id, nations FROM parties WHERE %s
    ORDER BY active DESC, id LIMIT 1)
SELECT (SELECT id FROM p),
    (SELECT e.id FROM elections e
     WHERE ($1::timestamptz AT TIME ZONE 'Europe/London')::date
           BETWEEN e.announced_on AND e.polling_day + e.follow_up_days
       AND (NOT EXISTS (SELECT 1 FROM p) OR e.nations && (SELECT nations FROM p))
     ORDER BY e.announced_on DESC, e.id DESC LIMIT 1)`

var (
	partyByIDAndElection   = fmt.Sprintf(partyAndElection, `id = $2`)
	partyByNameAndElection = fmt.Sprintf(partyAndElection, `lower(name) = lower($2) OR lower(short_name) = lower($2)
        OR EXISTS (SELECT 1 FROM unnest(aliases) a WHERE lower(a) = lower($2))`)
	noPartyAndElection = fmt.Sprintf(partyAndElection, `false`)
)

// firstDuplicate finds the earliest complaint with the same content in
// the window; linked duplicates point at it, never at each other.
//
// The window is part of the text, not a parameter: with it as a parameter
// PostgreSQL re-planned the statement on most calls.
var firstDuplicate = fmt.Sprintf(`
SELECT id, reference FROM complaints
WHERE dedupe_hash = $1 AND created_at >= now() - interval '%d seconds' AND duplicate_of_id IS NULL
ORDER BY id LIMIT 1`, int(DuplicateWindow.Seconds()))

// selectByIdempotencyKey finds the complaint a key created, and the hash
// of the request that created it.
const selectByIdempotencyKey = `SELECT id, reference, idempotency_body_sha256 FROM complaints WHERE idempotency_key = $1`

// lockDuplicates serialises submissions with the same content hash, for
// the rest of the transaction.
const lockDuplicates = `SELECT pg_advisory_xact_lock(hashtextextended($1, 7))`

// dedupeLockKey is lockDuplicates' argument for a content hash.
func dedupeLockKey(hash []byte) string { return fmt.Sprintf("%x", hash) }

// lookups are what a submission needs to know before its row is written.
type lookups struct {
	repeated   bool    // the Idempotency-Key was used before
	existing   Receipt // the complaint it created
	keyHash    []byte  // the hash of the request that first used the key
	partyID    *int64
	electionID *int64
	dupID      *int64
	dupRef     string
	draftFiles []int64  // the draft's files to copy, locked
	charge     []string // the counts inline evidence is charged to (see queueCharge)
	charged    []string // those of them it fitted
}

// queue queues the lookups on b. They are independent reads, so they
// travel as one pipelined batch.
func (l *lookups) queue(b *pgx.Batch, sub *Submission, meta Meta, hash []byte) {
	// The draft's files are locked first: a second "Send" of the same
	// draft waits here for the first to commit, and the key lookup after
	// it then finds the first's complaint and replays it, instead of
	// taking the files the first marked sent for expired ones.
	if len(sub.EvidenceDraft) > 0 {
		b.Queue(sqlDraftFilesToSend, sub.EvidenceDraft).QueryRow(func(row pgx.Row) error {
			return row.Scan(&l.draftFiles)
		})
	}
	if meta.IdempotencyKey != "" {
		b.Queue(selectByIdempotencyKey, meta.IdempotencyKey).QueryRow(func(row pgx.Row) error {
			err := row.Scan(&l.existing.ComplaintID, &l.existing.Reference, &l.keyHash)
			if errors.Is(err, pgx.ErrNoRows) {
				return nil
			}
			l.repeated = err == nil
			return err
		})
	}
	scan := func(row pgx.Row) error { return row.Scan(&l.partyID, &l.electionID) }
	switch {
	case sub.PartyID != nil:
		b.Queue(partyByIDAndElection, sub.ReceivedAt, *sub.PartyID).QueryRow(scan)
	case sub.PartyText != "":
		b.Queue(partyByNameAndElection, sub.ReceivedAt, sub.PartyText).QueryRow(scan)
	default:
		b.Queue(noPartyAndElection, sub.ReceivedAt).QueryRow(scan)
	}
	// Serialise submissions with the same content so two simultaneous
	// clicks cannot both become "the first". The duplicate lookup after it
	// is a separate statement, so it sees what the lock holder committed.
	b.Queue(lockDuplicates, dedupeLockKey(hash))
	b.Queue(firstDuplicate, hash).QueryRow(func(row pgx.Row) error {
		var id int64
		err := row.Scan(&id, &l.dupRef)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		if err == nil {
			l.dupID = &id
		}
		return err
	})
}

// replay is the answer to a repeated Idempotency-Key: the complaint the
// key created, or a conflict when the key came then with a different
// request (a client's bug, or two people who chose the same key).
func (l *lookups) replay(meta Meta) (Receipt, error) {
	if l.keyHash != nil && meta.RequestHash != nil && !bytes.Equal(l.keyHash, meta.RequestHash) {
		return Receipt{}, apperr.New(apperr.Conflict, "This Idempotency-Key was already used for a different complaint. Send each new complaint with a new key.")
	}
	return Receipt{Reference: l.existing.Reference, ComplaintID: l.existing.ComplaintID, DuplicateOf: l.existing.Reference}, nil
}

// resolveParty replaces the chosen party with the one found, and refuses
// a chosen party that does not exist.
func (l *lookups) resolveParty(sub *Submission) error {
	if sub.PartyID != nil && l.partyID == nil {
		return apperr.Fields(fieldErr("party", "invalid", "Choose a party from the list, or choose 'not sure or other' and type the name"))
	}
	sub.PartyID = l.partyID
	return nil
}

// complaintArgs are the values of complaintColumns, in order.
func complaintArgs(sub *Submission, meta Meta, hash []byte, l *lookups, ref string) []any {
	return []any{ref, sub.Source, sub.SourceID, sub.Channel, sub.PartyID, sub.PartyText, l.electionID,
		sub.ReceivedAt, sub.ReceivedAtHasTime, sub.Sender, NormalizeSender(sub.Sender), sub.Message, sub.Description, sub.Consent,
		sub.OptedOut, sub.TPSRegistered, sub.SenderIdentified, sub.OptOutOffered, sub.RecipientsVisible,
		sub.SpecialCategory, sub.TargetingReason, sub.Lang, hash, l.dupID, meta.IdempotencyKey, meta.RequestHash}
}

// queueDetails queues the complainant's details and the evidence.
func queueDetails(b *pgx.Batch, id int64, sub *Submission) {
	if c := sub.Complainant; c != nil {
		b.Queue(`INSERT INTO complainants (complaint_id, name, email, phone, postcode, may_contact) VALUES ($1, $2, $3, $4, $5, $6)`,
			id, c.Name, c.Email, c.Phone, c.Postcode, c.MayContact)
	}
	for _, e := range sub.Evidence {
		sum := sha256.Sum256(e.Data)
		b.Queue(`INSERT INTO complaint_evidence (complaint_id, filename, content_type, size, sha256, data) VALUES ($1, $2, $3, $4, $5, $6)`,
			id, e.Filename, e.ContentType, len(e.Data), sum[:], e.Data)
	}
	queueDraftEvidence(b, id, sub)
}

// jobParams are the complaint's jobs: triage, and with ack the
// acknowledgement when an email address was given.
func jobParams(id int64, sub *Submission, ack bool) []river.InsertManyParams {
	params := []river.InsertManyParams{{Args: TriageArgs{ComplaintID: id}}}
	if ack && sub.Complainant != nil && sub.Complainant.Email != "" {
		params = append(params, river.InsertManyParams{Args: AcknowledgeArgs{ComplaintID: id}})
	}
	return params
}

// receiveSummary is the audit summary of a received complaint: how it
// came and what it holds, never who sent it.
func receiveSummary(sub *Submission, rc Receipt) map[string]any {
	summary := map[string]any{"source": sub.Source, "channel": sub.Channel, "evidence": len(sub.Evidence)}
	if rc.DuplicateOf != "" {
		summary["duplicate_of"] = rc.DuplicateOf
	}
	return summary
}

// storeTx writes one complaint in tx, for the importer. With ack it also
// queues the acknowledgement when an email address was given. It reports
// whether a new row was written (false for a source id already imported).
func (s *Service) storeTx(ctx context.Context, tx pgx.Tx, sub *Submission, meta Meta, ack bool) (Receipt, bool, error) {
	hash := sub.dedupeHash(meta.IP)
	var l lookups
	b := &pgx.Batch{}
	l.queue(b, sub, meta, hash)
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return Receipt{}, false, err
	}
	if l.repeated {
		rc, err := l.replay(meta)
		return rc, false, err
	}
	if err := l.resolveParty(sub); err != nil {
		return Receipt{}, false, err
	}
	rc := Receipt{DuplicateOf: l.dupRef}
	for attempt := 0; ; attempt++ {
		ref := NewReference()
		err := tx.QueryRow(ctx, insertComplaint, complaintArgs(sub, meta, hash, &l, ref)...).Scan(&rc.ComplaintID)
		if err == nil {
			rc.Reference = ref
			break
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			return Receipt{}, false, err
		}
		// A conflict: the source's id or the idempotency key was taken by
		// a concurrent request, or (very rarely) the reference.
		existing, found, err := s.existingTx(ctx, tx, sub, meta)
		if err != nil {
			return Receipt{}, false, err
		}
		if found {
			return existing, false, nil
		}
		if attempt == 5 {
			return Receipt{}, false, errors.New("could not find a free complaint reference")
		}
	}
	w := &pgx.Batch{}
	queueDetails(w, rc.ComplaintID, sub)
	if err := audit.Queue(ctx, w, "complaint.receive", "complaint", rc.Reference, audit.Change{After: receiveSummary(sub, rc)}); err != nil {
		return Receipt{}, false, err
	}
	if err := tx.SendBatch(ctx, w).Close(); err != nil {
		return Receipt{}, false, err
	}
	if _, err := s.jobs.InsertManyTx(ctx, tx, jobParams(rc.ComplaintID, sub, ack)); err != nil {
		return Receipt{}, false, fmt.Errorf("queue complaint jobs: %w", err)
	}
	return rc, true, nil
}

func (s *Service) existingTx(ctx context.Context, tx pgx.Tx, sub *Submission, meta Meta) (Receipt, bool, error) {
	var rc Receipt
	var err error
	switch {
	case meta.IdempotencyKey != "":
		err = tx.QueryRow(ctx, `SELECT id, reference FROM complaints WHERE idempotency_key = $1`, meta.IdempotencyKey).Scan(&rc.ComplaintID, &rc.Reference)
		rc.DuplicateOf = rc.Reference
	case sub.SourceID != "":
		err = tx.QueryRow(ctx, `SELECT id, reference FROM complaints WHERE source = $1 AND source_id = $2`, sub.Source, sub.SourceID).Scan(&rc.ComplaintID, &rc.Reference)
	default:
		return rc, false, nil
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return rc, false, nil
	}
	return rc, err == nil, err
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }
