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
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var err error
		rc, _, err = s.storeTx(ctx, tx, &sub, meta, true)
		return err
	})
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

// matchParty finds a registered party by name, short name or alias.
const matchParty = `
SELECT id FROM parties
WHERE lower(name) = lower($1) OR lower(short_name) = lower($1)
   OR EXISTS (SELECT 1 FROM unnest(aliases) a WHERE lower(a) = lower($1))
ORDER BY active DESC, id LIMIT 1`

// electionFor picks the election whose period (announcement to polling day
// plus follow-up) covers the date, standing in the party's nations.
const electionFor = `
SELECT e.id FROM elections e
LEFT JOIN parties p ON p.id = $2
WHERE ($1::timestamptz AT TIME ZONE 'Europe/London')::date
      BETWEEN e.announced_on AND e.polling_day + e.follow_up_days
  AND (p.id IS NULL OR e.nations && p.nations)
ORDER BY e.announced_on DESC, e.id DESC LIMIT 1`

// firstDuplicate finds the earliest complaint with the same content in
// the window; linked duplicates point at it, never at each other.
const firstDuplicate = `
SELECT id, reference FROM complaints
WHERE dedupe_hash = $1 AND created_at >= now() - $2::interval AND duplicate_of_id IS NULL
ORDER BY id LIMIT 1`

// storeTx writes one complaint in tx. With ack it also queues the
// acknowledgement when an email address was given. It reports whether a
// new row was written (false for a repeated idempotency key or source id).
func (s *Service) storeTx(ctx context.Context, tx pgx.Tx, sub *Submission, meta Meta, ack bool) (Receipt, bool, error) {
	if meta.IdempotencyKey != "" {
		var rc Receipt
		err := tx.QueryRow(ctx, `SELECT id, reference FROM complaints WHERE idempotency_key = $1`, meta.IdempotencyKey).Scan(&rc.ComplaintID, &rc.Reference)
		if err == nil {
			rc.DuplicateOf = rc.Reference
			return rc, false, nil
		} else if !errors.Is(err, pgx.ErrNoRows) {
			return Receipt{}, false, err
		}
	}
	if sub.PartyID != nil {
		var ok bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM parties WHERE id = $1)`, *sub.PartyID).Scan(&ok); err != nil {
			return Receipt{}, false, err
		}
		if !ok {
			return Receipt{}, false, apperr.Fields(fieldErr("party", "invalid", "Choose a party from the list, or choose 'not sure or other' and type the name"))
		}
	} else if sub.PartyText != "" {
		var id int64
		err := tx.QueryRow(ctx, matchParty, sub.PartyText).Scan(&id)
		if err == nil {
			sub.PartyID = &id
		} else if !errors.Is(err, pgx.ErrNoRows) {
			return Receipt{}, false, err
		}
	}
	var electionID *int64
	if err := tx.QueryRow(ctx, electionFor, sub.ReceivedAt, sub.PartyID).Scan(&electionID); err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return Receipt{}, false, err
	}

	hash := sub.dedupeHash()
	// Serialise submissions with the same content so two simultaneous
	// clicks cannot both become "the first".
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended($1, 7))`, fmt.Sprintf("%x", hash)); err != nil {
		return Receipt{}, false, err
	}
	var rc Receipt
	var dupID *int64
	{
		var id int64
		var ref string
		err := tx.QueryRow(ctx, firstDuplicate, hash, DuplicateWindow.String()).Scan(&id, &ref)
		if err == nil {
			dupID, rc.DuplicateOf = &id, ref
		} else if !errors.Is(err, pgx.ErrNoRows) {
			return Receipt{}, false, err
		}
	}

	var id int64
	for attempt := 0; ; attempt++ {
		ref := NewReference()
		err := tx.QueryRow(ctx, insertComplaint, ref, sub.Source, sub.SourceID, sub.Channel, sub.PartyID, sub.PartyText, electionID,
			sub.ReceivedAt, sub.ReceivedAtHasTime, sub.Sender, NormalizeSender(sub.Sender), sub.Message, sub.Description, sub.Consent,
			sub.OptedOut, sub.TPSRegistered, sub.SenderIdentified, sub.OptOutOffered, sub.RecipientsVisible,
			sub.SpecialCategory, sub.TargetingReason, sub.Lang, hash, dupID, meta.IdempotencyKey).Scan(&id)
		if err == nil {
			rc.Reference, rc.ComplaintID = ref, id
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
	summary := map[string]any{"source": sub.Source, "channel": sub.Channel, "evidence": len(sub.Evidence)}
	if rc.DuplicateOf != "" {
		summary["duplicate_of"] = rc.DuplicateOf
	}
	if err := audit.Record(ctx, tx, "complaint.receive", "complaint", rc.Reference, audit.Change{After: summary}); err != nil {
		return Receipt{}, false, err
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
