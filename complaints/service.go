package complaints

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/internal/audit"
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
	var rc Receipt
	store := func(batchAudit bool) error {
		return s.inTx(ctx, func(tx pgx.Tx) error {
			var err error
			rc, _, err = s.storeTxMode(ctx, tx, &sub, meta, true, batchAudit)
			return err
		})
	}
	err := store(true)
	if errors.Is(err, errRetrySlow) {
		err = store(false)
	}
	if err != nil {
		return Receipt{}, err
	}
	return rc, nil
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
	if errors.As(err, &ae) || errors.Is(err, errRetrySlow) {
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

const insertComplaint = `
INSERT INTO complaints (reference, source, source_id, channel, party_id, party_text, election_id,
    received_at, received_at_has_time, sender, sender_normalized, message, description, consent,
    opted_out, tps_registered, sender_identified, opt_out_offered, recipients_visible,
    special_category, targeting_reason, lang, dedupe_hash, duplicate_of_id, idempotency_key,
    triage_requested_at)
VALUES ($1, $2, NULLIF($3, ''), $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,
    $19, $20, $21, $22, $23, $24, NULLIF($25, ''), now())
ON CONFLICT DO NOTHING
RETURNING id`

// partyAndElection resolves the party (the chosen id, checked to exist,
// or a registered name, short name or alias matching the typed text) and
// the election whose period (announcement to polling day plus follow-up)
// covers the date, standing in the party's nations, in one statement.
const partyAndElection = `
WITH p AS (
    SELECT id, nations FROM parties
    WHERE CASE WHEN $1::bigint IS NOT NULL THEN id = $1
          ELSE $2::text <> '' AND (lower(name) = lower($2) OR lower(short_name) = lower($2)
               OR EXISTS (SELECT 1 FROM unnest(aliases) a WHERE lower(a) = lower($2))) END
    ORDER BY active DESC, id LIMIT 1)
SELECT (SELECT id FROM p),
    (SELECT e.id FROM elections e
     WHERE ($3::timestamptz AT TIME ZONE 'Europe/London')::date
           BETWEEN e.announced_on AND e.polling_day + e.follow_up_days
       AND (NOT EXISTS (SELECT 1 FROM p) OR e.nations && (SELECT nations FROM p))
     ORDER BY e.announced_on DESC, e.id DESC LIMIT 1)`

// firstDuplicate finds the earliest complaint with the same content in
// the window; linked duplicates point at it, never at each other.
const firstDuplicate = `
SELECT id, reference FROM complaints
WHERE dedupe_hash = $1 AND created_at >= now() - $2::interval AND duplicate_of_id IS NULL
ORDER BY id LIMIT 1`

// errRetrySlow asks Submit to run the transaction again without batching
// the audit row: the batched insert met a conflict (a reference collision
// or a concurrent repeat of the idempotency key) after the audit row for
// it had been queued.
var errRetrySlow = errors.New("complaint insert conflicted; retry unbatched")

// batchTx hands audit.Record a transaction whose Exec queues the statement
// on a batch, so the audit row travels in the same round trip as the
// complaint row. Anything else audit.Record might call goes straight to
// the real transaction.
type batchTx struct {
	pgx.Tx
	b *pgx.Batch
}

func (t batchTx) Exec(_ context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	t.b.Queue(sql, args...)
	return pgconn.CommandTag{}, nil
}

// storeTx writes one complaint in tx. With ack it also queues the
// acknowledgement when an email address was given. It reports whether a
// new row was written (false for a repeated idempotency key or source id).
func (s *Service) storeTx(ctx context.Context, tx pgx.Tx, sub *Submission, meta Meta, ack bool) (Receipt, bool, error) {
	return s.storeTxMode(ctx, tx, sub, meta, ack, false)
}

// storeTxMode is storeTx. Round trips are what a submission costs under
// load, so the independent reads (idempotency key, party and election,
// the content lock and the duplicate lookup) go to the server as one
// pipelined batch; with batchAudit the audit row rides with the insert
// too (the caller must retry without it on errRetrySlow).
func (s *Service) storeTxMode(ctx context.Context, tx pgx.Tx, sub *Submission, meta Meta, ack, batchAudit bool) (Receipt, bool, error) {
	hash := sub.dedupeHash(meta.IP)
	var (
		rc         Receipt
		repeated   bool
		partyID    *int64
		electionID *int64
		dupID      *int64
	)
	b := &pgx.Batch{}
	if meta.IdempotencyKey != "" {
		b.Queue(`SELECT id, reference FROM complaints WHERE idempotency_key = $1`, meta.IdempotencyKey).QueryRow(func(row pgx.Row) error {
			err := row.Scan(&rc.ComplaintID, &rc.Reference)
			if errors.Is(err, pgx.ErrNoRows) {
				return nil
			}
			repeated = err == nil
			return err
		})
	}
	b.Queue(partyAndElection, sub.PartyID, sub.PartyText, sub.ReceivedAt).QueryRow(func(row pgx.Row) error {
		return row.Scan(&partyID, &electionID)
	})
	// Serialise submissions with the same content so two simultaneous
	// clicks cannot both become "the first". The duplicate lookup after it
	// is a separate statement, so it sees what the lock holder committed.
	b.Queue(`SELECT pg_advisory_xact_lock(hashtextextended($1, 7))`, fmt.Sprintf("%x", hash))
	b.Queue(firstDuplicate, hash, DuplicateWindow.String()).QueryRow(func(row pgx.Row) error {
		var id int64
		var ref string
		err := row.Scan(&id, &ref)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		if err == nil {
			dupID, rc.DuplicateOf = &id, ref
		}
		return err
	})
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return Receipt{}, false, err
	}
	if repeated {
		rc.DuplicateOf = rc.Reference
		return rc, false, nil
	}
	if sub.PartyID != nil && partyID == nil {
		return Receipt{}, false, apperr.Fields(fieldErr("party", "invalid", "Choose a party from the list, or choose 'not sure or other' and type the name"))
	}
	sub.PartyID = partyID

	summary := map[string]any{"source": sub.Source, "channel": sub.Channel, "evidence": len(sub.Evidence)}
	if rc.DuplicateOf != "" {
		summary["duplicate_of"] = rc.DuplicateOf
	}
	var id int64
	for attempt := 0; ; attempt++ {
		ref := NewReference()
		inserted := false
		b := &pgx.Batch{}
		b.Queue(insertComplaint, ref, sub.Source, sub.SourceID, sub.Channel, sub.PartyID, sub.PartyText, electionID,
			sub.ReceivedAt, sub.ReceivedAtHasTime, sub.Sender, NormalizeSender(sub.Sender), sub.Message, sub.Description, sub.Consent,
			sub.OptedOut, sub.TPSRegistered, sub.SenderIdentified, sub.OptOutOffered, sub.RecipientsVisible,
			sub.SpecialCategory, sub.TargetingReason, sub.Lang, hash, dupID, meta.IdempotencyKey).QueryRow(func(row pgx.Row) error {
			err := row.Scan(&id)
			if errors.Is(err, pgx.ErrNoRows) {
				return nil
			}
			inserted = err == nil
			return err
		})
		if batchAudit {
			if err := audit.Record(ctx, batchTx{Tx: tx, b: b}, "complaint.receive", "complaint", ref, audit.Change{After: summary}); err != nil {
				return Receipt{}, false, err
			}
		}
		if err := tx.SendBatch(ctx, b).Close(); err != nil {
			return Receipt{}, false, err
		}
		if inserted {
			rc.Reference, rc.ComplaintID = ref, id
			break
		}
		if batchAudit {
			// The audit row for ref is already written; start again.
			return Receipt{}, false, errRetrySlow
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

	if c := sub.Complainant; c != nil {
		if _, err := tx.Exec(ctx, `INSERT INTO complainants (complaint_id, name, email, phone, postcode, may_contact) VALUES ($1, $2, $3, $4, $5, $6)`,
			id, c.Name, c.Email, c.Phone, c.Postcode, c.MayContact); err != nil {
			return Receipt{}, false, err
		}
	}
	for _, e := range sub.Evidence {
		sum := sha256.Sum256(e.Data)
		if _, err := tx.Exec(ctx, `INSERT INTO complaint_evidence (complaint_id, filename, content_type, size, sha256, data) VALUES ($1, $2, $3, $4, $5, $6)`,
			id, e.Filename, e.ContentType, len(e.Data), sum[:], e.Data); err != nil {
			return Receipt{}, false, err
		}
	}
	params := []river.InsertManyParams{{Args: TriageArgs{ComplaintID: id}}}
	if ack && sub.Complainant != nil && sub.Complainant.Email != "" {
		params = append(params, river.InsertManyParams{Args: AcknowledgeArgs{ComplaintID: id}})
	}
	if _, err := s.jobs.InsertManyTx(ctx, tx, params); err != nil {
		return Receipt{}, false, fmt.Errorf("queue complaint jobs: %w", err)
	}
	if !batchAudit {
		if err := audit.Record(ctx, tx, "complaint.receive", "complaint", rc.Reference, audit.Change{After: summary}); err != nil {
			return Receipt{}, false, err
		}
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
