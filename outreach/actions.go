package outreach

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/internal/audit"
	imail "github.com/campaignwatch/campaignwatch/internal/mail"
	"github.com/campaignwatch/campaignwatch/outreach/internal/dbsqlc"
	"github.com/campaignwatch/campaignwatch/outreach/parties"
)

// Batch is a set of letters created together.
type Batch struct {
	ID         int64   `json:"id"`
	ElectionID *int64  `json:"election_id"`
	State      string  `json:"state"`
	CreatedBy  *int64  `json:"-"`
	SendAt     *string `json:"send_at,omitempty"`
}

func lockBatch(ctx context.Context, tx pgx.Tx, id int64) (*Batch, *timeOrNil, error) {
	r, err := dbsqlc.New(tx).LockBatch(ctx, id)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil, apperr.New(apperr.NotFound, "There is no letter batch %d.", id)
	}
	b := &Batch{ID: id, ElectionID: r.ElectionID, State: r.State, CreatedBy: r.CreatedBy}
	return b, &timeOrNil{t: r.SendAt}, err
}

// ReleaseBatch releases a held batch: its letters are queued (or scheduled,
// if the batch has a send time) and their jobs enqueued. With four-eyes
// approval on, the user who created the batch cannot release it.
func (s *Service) ReleaseBatch(ctx context.Context, batchID int64) (int, error) {
	actor := audit.ActorFrom(ctx)
	n := 0
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		b, sendAt, err := lockBatch(ctx, tx, batchID)
		if err != nil {
			return err
		}
		if b.State != "held" {
			return apperr.New(apperr.Conflict, "Batch %d is %s, not held, so there is nothing to release.", b.ID, b.State)
		}
		if s.settings.FourEyes {
			if actor.UserID == nil {
				return apperr.New(apperr.Forbidden, "Four-eyes approval is on: a batch must be released by a signed-in staff user.")
			}
			if b.CreatedBy != nil && *b.CreatedBy == *actor.UserID {
				return apperr.New(apperr.Forbidden, "Four-eyes approval is on: someone other than the person who created batch %d must release it.", b.ID)
			}
		}
		state, letterState := "released", "queued"
		if sendAt.t != nil && sendAt.t.After(timeNow()) {
			state, letterState = "scheduled", "scheduled"
		}
		q := dbsqlc.New(tx)
		if err := q.ReleaseBatch(ctx, dbsqlc.ReleaseBatchParams{ID: b.ID, State: state, ReleasedBy: actor.UserID}); err != nil {
			return err
		}
		rows, err := q.ReleaseBatchLetters(ctx, dbsqlc.ReleaseBatchLettersParams{BatchID: b.ID, State: letterState})
		if err != nil {
			return err
		}
		n = int(rows)
		if err := s.enqueue(ctx, tx, b.ID, sendAt.t); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "letter_batch.release", "letter_batch", fmt.Sprint(b.ID),
			audit.Change{Before: map[string]any{"state": "held"}, After: map[string]any{"state": state, "letters": n}})
	})
	return n, err
}

// CancelBatch cancels a held or scheduled batch: none of its letters will
// be sent. Jobs already enqueued for a scheduled batch find their letter
// cancelled and do nothing.
func (s *Service) CancelBatch(ctx context.Context, batchID int64) (int, error) {
	actor := audit.ActorFrom(ctx)
	n := 0
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		b, _, err := lockBatch(ctx, tx, batchID)
		if err != nil {
			return err
		}
		if b.State != "held" && b.State != "scheduled" {
			return apperr.New(apperr.Conflict, "Batch %d is %s: only a held or scheduled batch can be cancelled.", b.ID, b.State)
		}
		q := dbsqlc.New(tx)
		if err := q.CancelBatch(ctx, dbsqlc.CancelBatchParams{ID: b.ID, CancelledBy: actor.UserID}); err != nil {
			return err
		}
		rows, err := q.CancelBatchLetters(ctx, b.ID)
		if err != nil {
			return err
		}
		n = int(rows)
		return audit.Record(ctx, tx, "letter_batch.cancel", "letter_batch", fmt.Sprint(b.ID),
			audit.Change{Before: map[string]any{"state": b.State}, After: map[string]any{"state": "cancelled", "letters": n}})
	})
	return n, err
}

// ResendFailed queues again every failed letter of an election (or just
// letterID when it is not 0), each with a new job round.
func (s *Service) ResendFailed(ctx context.Context, electionID, letterID int64) (int, error) {
	n := 0
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		ps, err := dbsqlc.New(tx).ResendFailedLetters(ctx, dbsqlc.ResendFailedLettersParams{ElectionID: electionID, LetterID: letterID})
		if err != nil {
			return err
		}
		if len(ps) == 0 {
			return apperr.New(apperr.Conflict, "There are no failed letters to resend.")
		}
		for _, x := range ps {
			if _, err := s.jobs.InsertTx(ctx, tx, SendArgs{LetterID: x.ID, Round: int(x.SendRound)}, nil); err != nil {
				return err
			}
		}
		n = len(ps)
		return audit.Record(ctx, tx, "letter.resend", "election", fmt.Sprint(electionID),
			audit.Change{After: map[string]any{"letters": n, "letter_id": letterID}})
	})
	return n, err
}

// SendTestCopy sends a copy of a letter, marked as a test, to to (the
// signed-in user's own address). The letter itself is not changed.
func (s *Service) SendTestCopy(ctx context.Context, letterID int64, to string) error {
	if s.mailer == nil {
		return apperr.New(apperr.Unavailable, "Mail is not configured in this process.")
	}
	l, err := s.Letter(ctx, letterID)
	if err != nil {
		return err
	}
	pdf, err := s.LetterPDF(ctx, letterID)
	if err != nil {
		return err
	}
	nonce := make([]byte, 6)
	_, _ = rand.Read(nonce)
	msg := &imail.Message{
		From: s.settings.MailFrom, To: []string{to}, Subject: "[Test copy] " + l.Subject,
		Text: "This is a test copy of letter " + l.Reference + " to " + l.RecipientName + " (" + l.PartyName + "). It was not sent to the party.\n\n" + l.Text,
		HTML: l.HTML, MessageID: fmt.Sprintf("letter-%d.test-%s@%s", l.ID, hex.EncodeToString(nonce), s.mailDomain()),
		Attachments: []imail.Attachment{{Filename: pdfName(l.Reference), ContentType: "application/pdf", Data: pdf}},
	}
	if err := s.mailer.Send(ctx, msg)[0].Err; err != nil {
		return apperr.Wrap(apperr.Unavailable, err, "The test copy could not be sent: %s", err.Error())
	}
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		return audit.Record(ctx, tx, "letter.test_copy", "letter", fmt.Sprint(l.ID), audit.Change{After: map[string]any{"reference": l.Reference}})
	})
}

// Bounce marks a sent letter as bounced with reason and flags its contact
// for review, so staff correct the address before the next letter.
func (s *Service) Bounce(ctx context.Context, reference, reason string) (*Letter, error) {
	reason = strings.Join(strings.Fields(reason), " ")
	if reason == "" {
		return nil, apperr.Fields(apperr.FieldError{Field: "reason", Message: "Enter the reason the letter bounced, for example the server's reply"})
	}
	if len(reason) > 1000 {
		return nil, apperr.Fields(apperr.FieldError{Field: "reason", Message: "The reason must be 1000 characters or fewer"})
	}
	var id int64
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		q := dbsqlc.New(tx)
		l, err := q.LockLetterByReference(ctx, reference)
		id = l.ID
		state, contactID := l.State, l.ContactID
		if errors.Is(err, pgx.ErrNoRows) {
			return apperr.New(apperr.NotFound, "There is no letter with reference %q.", reference)
		}
		if err != nil {
			return err
		}
		if state != "sent" && state != "bounced" {
			return apperr.New(apperr.Conflict, "Letter %s is %s: only a sent letter can bounce.", reference, state)
		}
		if err := q.MarkLetterBounced(ctx, dbsqlc.MarkLetterBouncedParams{ID: id, Reason: reason}); err != nil {
			return err
		}
		if contactID != nil {
			// The registry owns its contacts; it flags this one in tx.
			if err := parties.FlagForReview(ctx, tx, *contactID, "Letter "+reference+" bounced: "+reason); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, "letter.bounce", "letter", fmt.Sprint(id),
			audit.Change{Before: map[string]any{"state": state}, After: map[string]any{"state": "bounced", "contact_flagged": contactID != nil}})
	})
	if err != nil {
		return nil, err
	}
	return s.Letter(ctx, id)
}
