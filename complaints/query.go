package complaints

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/internal/audit"
)

// Summary is one complaint in a list. It holds no complainant details.
type Summary struct {
	Reference   string    `json:"reference"`
	Source      string    `json:"source"`
	Channel     string    `json:"channel"`
	PartyID     *int64    `json:"party_id"`
	Party       string    `json:"party"`
	ElectionID  *int64    `json:"election_id"`
	Election    string    `json:"election"`
	ReceivedAt  time.Time `json:"received_at"`
	Sender      string    `json:"sender"`
	Status      string    `json:"status"`
	Priority    *string   `json:"priority"`
	DuplicateOf *string   `json:"duplicate_of"`
	CreatedAt   time.Time `json:"created_at"`

	id int64
}

// Filter narrows List. Zero fields match everything.
type Filter struct {
	ElectionID *int64
	PartyID    *int64
	Channel    string
	Priority   string
	Status     string
	From, To   time.Time // received_at, To exclusive
	Cursor     string
	Limit      int
}

// Page is one page of a list and the cursor of the next, if any.
type Page struct {
	Items      []Summary `json:"items"`
	NextCursor string    `json:"next_cursor,omitempty"`
}

type cursor struct {
	CreatedAt time.Time `json:"c"`
	ID        int64     `json:"i"`
}

func encodeCursor(s Summary) string {
	b, _ := json.Marshal(cursor{s.CreatedAt, s.id})
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(v string) (cursor, error) {
	var c cursor
	b, err := base64.RawURLEncoding.DecodeString(v)
	if err == nil {
		err = json.Unmarshal(b, &c)
	}
	if err != nil || c.ID <= 0 {
		return c, apperr.Fields(fieldErr("cursor", "invalid", "The cursor is not one this service gave out; start again without it"))
	}
	return c, nil
}

const summaryColumns = `c.id, c.reference, c.source, c.channel, c.party_id,
    coalesce(p.name, c.party_text), c.election_id, coalesce(e.name, ''), c.received_at, c.sender,
    c.status, c.priority, d.reference, c.created_at`

const summaryFrom = ` FROM complaints c
LEFT JOIN parties p ON p.id = c.party_id
LEFT JOIN elections e ON e.id = c.election_id
LEFT JOIN complaints d ON d.id = c.duplicate_of_id`

func scanSummary(r pgx.Row) (Summary, error) {
	var s Summary
	err := r.Scan(&s.id, &s.Reference, &s.Source, &s.Channel, &s.PartyID, &s.Party, &s.ElectionID, &s.Election,
		&s.ReceivedAt, &s.Sender, &s.Status, &s.Priority, &s.DuplicateOf, &s.CreatedAt)
	return s, err
}

// List returns complaints matching f, newest first, one page at a time.
func (s *Service) List(ctx context.Context, f Filter) (Page, error) {
	var where []string
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, fmt.Sprintf(cond, len(args)))
	}
	if f.ElectionID != nil {
		add("c.election_id = $%d", *f.ElectionID)
	}
	if f.PartyID != nil {
		add("c.party_id = $%d", *f.PartyID)
	}
	if f.Channel != "" {
		add("c.channel = $%d", f.Channel)
	}
	if f.Priority != "" {
		add("c.priority = $%d", f.Priority)
	}
	if f.Status != "" {
		add("c.status = $%d", f.Status)
	}
	if !f.From.IsZero() {
		add("c.received_at >= $%d", f.From)
	}
	if !f.To.IsZero() {
		add("c.received_at < $%d", f.To)
	}
	if f.Cursor != "" {
		c, err := decodeCursor(f.Cursor)
		if err != nil {
			return Page{}, err
		}
		args = append(args, c.CreatedAt, c.ID)
		where = append(where, fmt.Sprintf("(c.created_at, c.id) < ($%d, $%d)", len(args)-1, len(args)))
	}
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	sql := "SELECT " + summaryColumns + summaryFrom
	if len(where) > 0 {
		sql += " WHERE " + strings.Join(where, " AND ")
	}
	args = append(args, f.Limit+1)
	sql += fmt.Sprintf(" ORDER BY c.created_at DESC, c.id DESC LIMIT $%d", len(args))
	rows, err := s.pool.Query(ctx, sql, args...)
	if err != nil {
		return Page{}, unavailable(err)
	}
	items, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Summary, error) { return scanSummary(r) })
	if err != nil {
		return Page{}, unavailable(err)
	}
	p := Page{Items: items}
	if len(items) > f.Limit {
		p.Items = items[:f.Limit]
		p.NextCursor = encodeCursor(p.Items[f.Limit-1])
	}
	if p.Items == nil {
		p.Items = []Summary{}
	}
	return p, nil
}

// Detail is everything about one complaint that staff may see.
type Detail struct {
	Summary
	PartyText         string         `json:"party_text"`
	ReceivedAtHasTime bool           `json:"received_at_has_time"`
	Message           string         `json:"message"`
	Description       string         `json:"description"`
	Consent           string         `json:"consent"`
	OptedOut          *bool          `json:"opted_out"`
	TPSRegistered     *bool          `json:"tps_registered"`
	SenderIdentified  *bool          `json:"sender_identified"`
	OptOutOffered     *bool          `json:"opt_out_offered"`
	RecipientsVisible *int           `json:"recipients_visible"`
	SpecialCategory   *bool          `json:"special_category"`
	TargetingReason   string         `json:"targeting_reason"`
	Lang              string         `json:"lang"`
	SourceID          *string        `json:"source_id"`
	AcknowledgedAt    *time.Time     `json:"acknowledged_at"`
	TriageRequestedAt *time.Time     `json:"triage_requested_at"`
	AnonymisedAt      *time.Time     `json:"anonymised_at"`
	Evidence          []EvidenceInfo `json:"evidence"`
	Duplicates        []string       `json:"duplicates"`
	Complainant       *Complainant   `json:"complainant,omitempty"`
	HasComplainant    bool           `json:"has_complainant"`
	ID                int64          `json:"-"`
}

// EvidenceInfo describes an evidence file without its content.
type EvidenceInfo struct {
	ID          int64  `json:"id"`
	Filename    string `json:"filename"`
	ContentType string `json:"content_type"`
	Size        int    `json:"size"`
}

// Get returns the complaint with reference ref. With complainant, the
// complainant's details are included and the viewing is audited.
func (s *Service) Get(ctx context.Context, ref string, complainant bool) (*Detail, error) {
	norm := NormalizeReference(ref)
	if norm == "" {
		return nil, apperr.New(apperr.NotFound, "There is no complaint with reference %s.", ref)
	}
	var d Detail
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		row := tx.QueryRow(ctx, "SELECT "+summaryColumns+`, c.party_text, c.received_at_has_time, c.message, c.description,
    c.consent, c.opted_out, c.tps_registered, c.sender_identified, c.opt_out_offered, c.recipients_visible,
    c.special_category, c.targeting_reason, c.lang, c.source_id, c.acknowledged_at, c.triage_requested_at,
    c.anonymised_at, EXISTS (SELECT 1 FROM complainants WHERE complaint_id = c.id)`+summaryFrom+` WHERE c.reference = $1`, norm)
		var sm Summary
		err := row.Scan(&sm.id, &sm.Reference, &sm.Source, &sm.Channel, &sm.PartyID, &sm.Party, &sm.ElectionID, &sm.Election,
			&sm.ReceivedAt, &sm.Sender, &sm.Status, &sm.Priority, &sm.DuplicateOf, &sm.CreatedAt,
			&d.PartyText, &d.ReceivedAtHasTime, &d.Message, &d.Description, &d.Consent, &d.OptedOut, &d.TPSRegistered,
			&d.SenderIdentified, &d.OptOutOffered, &d.RecipientsVisible, &d.SpecialCategory, &d.TargetingReason, &d.Lang,
			&d.SourceID, &d.AcknowledgedAt, &d.TriageRequestedAt, &d.AnonymisedAt, &d.HasComplainant)
		if errors.Is(err, pgx.ErrNoRows) {
			return apperr.New(apperr.NotFound, "There is no complaint with reference %s.", norm)
		}
		if err != nil {
			return err
		}
		d.Summary, d.ID = sm, sm.id
		rows, err := tx.Query(ctx, `SELECT id, filename, content_type, size FROM complaint_evidence WHERE complaint_id = $1 ORDER BY id`, d.ID)
		if err != nil {
			return err
		}
		d.Evidence, err = pgx.CollectRows(rows, pgx.RowToStructByPos[EvidenceInfo])
		if err != nil {
			return err
		}
		rows, err = tx.Query(ctx, `SELECT reference FROM complaints WHERE duplicate_of_id = $1 ORDER BY id LIMIT 100`, d.ID)
		if err != nil {
			return err
		}
		d.Duplicates, err = pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return err
		}
		if complainant && d.HasComplainant {
			var c Complainant
			if err := tx.QueryRow(ctx, `SELECT name, email, phone, postcode, may_contact FROM complainants WHERE complaint_id = $1`, d.ID).
				Scan(&c.Name, &c.Email, &c.Phone, &c.Postcode, &c.MayContact); err != nil {
				return err
			}
			d.Complainant = &c
			return audit.Record(ctx, tx, "complaint.view_complainant", "complaint", d.Reference, audit.Change{})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &d, nil
}

// EvidenceFile returns one evidence file of the complaint ref.
func (s *Service) EvidenceFile(ctx context.Context, ref string, id int64) (*Evidence, error) {
	var e Evidence
	// Evidence often shows the complainant's own number or address, so each
	// download is audited like a view of their details.
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `
SELECT v.filename, v.content_type, v.data FROM complaint_evidence v JOIN complaints c ON c.id = v.complaint_id
WHERE c.reference = $1 AND v.id = $2`, NormalizeReference(ref), id).Scan(&e.Filename, &e.ContentType, &e.Data)
		if errors.Is(err, pgx.ErrNoRows) {
			return apperr.New(apperr.NotFound, "There is no such evidence file for this complaint.")
		}
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, "complaint.evidence_download", "complaint", NormalizeReference(ref),
			audit.Change{After: map[string]any{"evidence_id": id}})
	})
	if err != nil {
		return nil, err
	}
	return &e, nil
}

// History returns what has happened to the complaint, newest first: the
// audit entries about it and, for a complaint from the public (which has
// no audit entry of its own), its receipt, read from the complaint. The
// receipt's evidence count is left out once retention has erased the
// evidence, since the count now would say none was sent.
func (s *Service) History(ctx context.Context, ref string) ([]audit.Entry, error) {
	ref = NormalizeReference(ref)
	entries, err := audit.List(ctx, s.pool, audit.Filter{ObjectType: "complaint", ObjectID: ref, Limit: 200})
	if err != nil {
		return nil, err
	}
	var (
		at              time.Time
		source, channel string
		evidence        *int
		dupRef          *string
	)
	err = s.pool.QueryRow(ctx, receiptQuery, ref).Scan(&at, &source, &channel, &evidence, &dupRef)
	if errors.Is(err, pgx.ErrNoRows) {
		return entries, nil
	}
	if err != nil {
		return nil, err
	}
	summary := map[string]any{"source": source, "channel": channel}
	if evidence != nil {
		summary["evidence"] = *evidence
	}
	if dupRef != nil {
		summary["duplicate_of"] = *dupRef
	}
	js, err := json.Marshal(audit.Change{After: summary})
	if err != nil {
		return nil, err
	}
	return append(entries, audit.Entry{At: at, Actor: "public", Action: "complaint.receive", ObjectType: "complaint", ObjectID: ref, Summary: js}), nil
}

// receiptQuery reads what a receipt entry in History shows, for a
// complaint with no receipt in the audit log (one received from the
// public); it finds no row for any other.
const receiptQuery = `
SELECT c.created_at, c.source, c.channel,
    CASE WHEN c.anonymised_at IS NULL THEN
        (SELECT count(*)::int FROM complaint_evidence v WHERE v.complaint_id = c.id) END,
    (SELECT d.reference FROM complaints d WHERE d.id = c.duplicate_of_id)
FROM complaints c
WHERE c.reference = $1
  AND NOT EXISTS (SELECT 1 FROM audit_log a
                  WHERE a.object_type = 'complaint' AND a.object_id = c.reference AND a.action = 'complaint.receive')`

// PartyOption is a registered party for filters and pick lists.
type PartyOption struct {
	ID   int64
	Name string
}

// Parties lists the registered parties by name.
func (s *Service) Parties(ctx context.Context) ([]PartyOption, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, name FROM parties ORDER BY lower(name)`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[PartyOption])
}

// Elections lists the elections, newest first, for filters.
func (s *Service) Elections(ctx context.Context) ([]PartyOption, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, name FROM elections ORDER BY polling_day DESC, id DESC`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[PartyOption])
}
