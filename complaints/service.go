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

	"github.com/campaignwatch/campaignwatch/complaints/internal/dbsqlc"
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
	// referrer refers out-of-scope complaints at intake; nil refers none.
	referrer Referrer
}

// NewService returns a service using pool for storage and client to
// enqueue jobs, changed by opts.
func NewService(pool *pgxpool.Pool, client *jobs.Client, opts ...ServiceOption) *Service {
	s := &Service{pool: pool, jobs: client, now: time.Now}
	for _, o := range opts {
		o(s)
	}
	return s
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
	l.queue(ctx, b, sub, meta, hash)
	// Last, so the counts' rows are locked after the duplicate lock, in
	// every submission's same order, and for as short a time as can be.
	l.queueCharge(ctx, b, id, sub, meta.Charge)
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
	// The complainant is told at once where to go when another body
	// handles what they report; the referral is stored with the
	// complaint, so the acknowledgement says the same.
	row := complaintRow(sub, meta, hash, &l, rc.Reference)
	row.Referral = s.refer(sub)
	if row.Referral != nil {
		rc.Referral = *row.Referral
	}
	w := &pgx.Batch{}
	// database.Queue only queues, so its methods never fail.
	_ = dbsqlc.New(database.Queue{Batch: w}).InsertComplaintWithID(ctx, withID(id, row))
	queueDetails(ctx, w, id, sub)
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
		q := dbsqlc.New(database.Queue{Batch: b})
		// A backend that has not yet noticed that its client is gone
		// may hold the duplicate lock for a while: wait 5s at most.
		_ = q.SetResolveLockTimeout(ctx)
		_ = q.LockDuplicates(ctx, dedupeLockKey(hash))
		database.QueueScan(b, newQueries, func(q *dbsqlc.Queries) { _, _ = q.ComplaintStored(ctx, rc.ComplaintID) },
			func(row pgx.Row) error { return row.Scan(&stored) })
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
		ids, err := dbsqlc.New(pool).NextComplaintIDs(ctx, idBlockSize)
		if err != nil {
			return 0, err
		}
		b.ids = ids
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

// dedupeLockKey is LockDuplicates' argument for a content hash.
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
func (l *lookups) queue(ctx context.Context, b *pgx.Batch, sub *Submission, meta Meta, hash []byte) {
	// The draft's files are locked first: a second "Send" of the same
	// draft waits here for the first to commit, and the key lookup after
	// it then finds the first's complaint and replays it, instead of
	// taking the files the first marked sent for expired ones.
	if len(sub.EvidenceDraft) > 0 {
		database.QueueScan(b, newQueries, func(q *dbsqlc.Queries) { _, _ = q.DraftFilesToSend(ctx, sub.EvidenceDraft) },
			func(row pgx.Row) error { return row.Scan(&l.draftFiles) })
	}
	if meta.IdempotencyKey != "" {
		database.QueueScan(b, newQueries, func(q *dbsqlc.Queries) { _, _ = q.SelectByIdempotencyKey(ctx, meta.IdempotencyKey) }, func(row pgx.Row) error {
			var referral *string
			err := row.Scan(&l.existing.ComplaintID, &l.existing.Reference, &l.keyHash, &referral)
			if referral != nil {
				l.existing.Referral = *referral
			}
			if errors.Is(err, pgx.ErrNoRows) {
				return nil
			}
			l.repeated = err == nil
			return err
		})
	}
	// One query per way the party was given: see PartyByIDAndElection. Its
	// own scan, since either id may be NULL and sqlc types them as int64.
	database.QueueScan(b, newQueries, func(q *dbsqlc.Queries) {
		switch {
		case sub.PartyID != nil:
			_, _ = q.PartyByIDAndElection(ctx, dbsqlc.PartyByIDAndElectionParams{ReceivedAt: sub.ReceivedAt, PartyID: *sub.PartyID})
		case sub.PartyText != "":
			_, _ = q.PartyByNameAndElection(ctx, dbsqlc.PartyByNameAndElectionParams{ReceivedAt: sub.ReceivedAt, PartyText: sub.PartyText})
		default:
			_, _ = q.NoPartyAndElection(ctx, sub.ReceivedAt)
		}
	}, func(row pgx.Row) error { return row.Scan(&l.partyID, &l.electionID) })
	// Serialise submissions with the same content so two simultaneous
	// clicks cannot both become "the first". The duplicate lookup after it
	// is a separate statement, so it sees what the lock holder committed.
	_ = dbsqlc.New(database.Queue{Batch: b}).LockDuplicates(ctx, dedupeLockKey(hash))
	database.QueueScan(b, newQueries, func(q *dbsqlc.Queries) { _, _ = q.FirstDuplicate(ctx, hash) }, func(row pgx.Row) error {
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
	return Receipt{Reference: l.existing.Reference, ComplaintID: l.existing.ComplaintID, Referral: l.existing.Referral,
		DuplicateOf: l.existing.Reference}, nil
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

// complaintRow is the complaint's row as the import inserts it; the
// intake adds the id it drew (withID).
func complaintRow(sub *Submission, meta Meta, hash []byte, l *lookups, ref string) dbsqlc.InsertComplaintParams {
	return dbsqlc.InsertComplaintParams{
		Reference: ref, Source: sub.Source, SourceID: sub.SourceID, Channel: sub.Channel,
		PartyID: sub.PartyID, PartyText: sub.PartyText, ElectionID: l.electionID,
		ReceivedAt: sub.ReceivedAt, ReceivedAtHasTime: sub.ReceivedAtHasTime,
		Sender: sub.Sender, SenderNormalized: NormalizeSender(sub.Sender),
		Message: sub.Message, Description: sub.Description, Consent: sub.Consent,
		OptedOut: sub.OptedOut, TpsRegistered: sub.TPSRegistered, SenderIdentified: sub.SenderIdentified,
		OptOutOffered: sub.OptOutOffered, RecipientsVisible: int32Ptr(sub.RecipientsVisible),
		SpecialCategory: sub.SpecialCategory, TargetingReason: sub.TargetingReason, Lang: sub.Lang,
		Member: sub.Member, WorkAddress: sub.WorkAddress, AskedToStopOn: sub.AskedToStopOn,
		BreachWhere: sub.BreachWhere, BreachExposed: breachExposed(sub.BreachExposed),
		DedupeHash: hash, DuplicateOfID: l.dupID,
		IdempotencyKey: meta.IdempotencyKey, IdempotencyBodySha256: meta.RequestHash,
	}
}

// breachExposed is the answer as its column stores it: an empty list,
// never NULL.
func breachExposed(v []string) []string {
	if v == nil {
		return []string{}
	}
	return v
}

// withID is r with the complaint id drawn for the intake.
func withID(id int64, r dbsqlc.InsertComplaintParams) dbsqlc.InsertComplaintWithIDParams {
	return dbsqlc.InsertComplaintWithIDParams{
		ID: id, Reference: r.Reference, Source: r.Source, SourceID: r.SourceID, Channel: r.Channel,
		PartyID: r.PartyID, PartyText: r.PartyText, ElectionID: r.ElectionID,
		ReceivedAt: r.ReceivedAt, ReceivedAtHasTime: r.ReceivedAtHasTime,
		Sender: r.Sender, SenderNormalized: r.SenderNormalized,
		Message: r.Message, Description: r.Description, Consent: r.Consent,
		OptedOut: r.OptedOut, TpsRegistered: r.TpsRegistered, SenderIdentified: r.SenderIdentified,
		OptOutOffered: r.OptOutOffered, RecipientsVisible: r.RecipientsVisible,
		SpecialCategory: r.SpecialCategory, TargetingReason: r.TargetingReason, Lang: r.Lang,
		Member: r.Member, WorkAddress: r.WorkAddress, AskedToStopOn: r.AskedToStopOn,
		BreachWhere: r.BreachWhere, BreachExposed: r.BreachExposed, Referral: r.Referral,
		DedupeHash: r.DedupeHash, DuplicateOfID: r.DuplicateOfID,
		IdempotencyKey: r.IdempotencyKey, IdempotencyBodySha256: r.IdempotencyBodySha256,
	}
}

// int32Ptr is an optional count as the integer column stores it.
func int32Ptr(v *int) *int32 {
	if v == nil {
		return nil
	}
	n := int32(*v)
	return &n
}

// queueDetails queues the complainant's details and the evidence. The
// number or address the sender contacted is the complainant's own, so it
// is kept with their details, and erased with them, even when they gave
// no other.
func queueDetails(ctx context.Context, b *pgx.Batch, id int64, sub *Submission) {
	q := dbsqlc.New(database.Queue{Batch: b})
	if c := sub.Complainant; c != nil || sub.Contacted != "" {
		if c == nil {
			c = &Complainant{}
		}
		_ = q.InsertComplainant(ctx, dbsqlc.InsertComplainantParams{
			ComplaintID: id, Name: c.Name, Email: c.Email, Phone: c.Phone, Postcode: c.Postcode, MayContact: c.MayContact,
			Contacted: sub.Contacted,
		})
	}
	for _, e := range sub.Evidence {
		sum := sha256.Sum256(e.Data)
		_ = q.InsertEvidence(ctx, dbsqlc.InsertEvidenceParams{
			ComplaintID: id, Filename: e.Filename, ContentType: e.ContentType, Size: int32(len(e.Data)), Sha256: sum[:], Data: e.Data,
		})
	}
	queueDraftEvidence(ctx, q, id, sub)
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
	if rc.Referral != "" {
		summary["referral"] = rc.Referral
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
	l.queue(ctx, b, sub, meta, hash)
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
	// An imported complaint gets the referral a submitted one would, so
	// that staff who took it (on the phone line, say) can pass it on.
	referral := s.refer(sub)
	if referral != nil {
		rc.Referral = *referral
	}
	for attempt := 0; ; attempt++ {
		ref := NewReference()
		row := complaintRow(sub, meta, hash, &l, ref)
		row.Referral = referral
		id, err := dbsqlc.New(tx).InsertComplaint(ctx, row)
		if err == nil {
			rc.ComplaintID = id
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
	queueDetails(ctx, w, rc.ComplaintID, sub)
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
	q := dbsqlc.New(tx)
	switch {
	case meta.IdempotencyKey != "":
		var r dbsqlc.ComplaintByIdempotencyKeyRow
		r, err = q.ComplaintByIdempotencyKey(ctx, meta.IdempotencyKey)
		rc.ComplaintID, rc.Reference, rc.DuplicateOf = r.ID, r.Reference, r.Reference
	case sub.SourceID != "":
		var r dbsqlc.ComplaintBySourceIDRow
		r, err = q.ComplaintBySourceID(ctx, dbsqlc.ComplaintBySourceIDParams{Source: sub.Source, SourceID: sub.SourceID})
		rc.ComplaintID, rc.Reference = r.ID, r.Reference
	default:
		return rc, false, nil
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return rc, false, nil
	}
	return rc, err == nil, err
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }
