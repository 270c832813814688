package complaints

import (
	"context"
	_ "embed"
	"encoding/base64"
	"encoding/json"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/campaignwatch/campaignwatch/complaints/internal/dbsqlc"
	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/internal/audit"
	"github.com/campaignwatch/campaignwatch/internal/sqlfilter"
)

// Summary is one complaint in a list. It holds no complainant details.
type Summary struct {
	Reference  string    `json:"reference"`
	Source     string    `json:"source"`
	Channel    string    `json:"channel"`
	PartyID    *int64    `json:"party_id"`
	Party      string    `json:"party"`
	ElectionID *int64    `json:"election_id"`
	Election   string    `json:"election"`
	ReceivedAt time.Time `json:"received_at"`
	// ReceivedAtHasTime says the complainant gave a time as well as the
	// day; staff pages show only the day when they did not. The API's
	// list leaves it out, as it always has.
	ReceivedAtHasTime bool      `json:"-"`
	Sender            string    `json:"sender"`
	Status            string    `json:"status"`
	Priority          *string   `json:"priority"`
	DuplicateOf       *string   `json:"duplicate_of"`
	CreatedAt         time.Time `json:"created_at"`
	// Channels are every channel the complaint reports: its current
	// triage result's, or the stated channel while it has none.
	Channels []string `json:"channels"`
	// OutOfScope says triage found another body handles the complaint;
	// Referral is the rulebook's id of that referral (null otherwise).
	OutOfScope bool    `json:"out_of_scope"`
	Referral   *string `json:"referral"`

	id int64
}

// ChannelLabels are the complaint's channels in words.
func (s Summary) ChannelLabels() []string {
	out := make([]string, len(s.Channels))
	for i, c := range s.Channels {
		out[i] = vocab.ChannelLabel(c)
	}
	return out
}

// ReferralLabel is "Out of scope — referred to …" for an out-of-scope
// complaint, and "" otherwise.
func (s Summary) ReferralLabel() string {
	if s.Referral == nil {
		return ""
	}
	return OutOfScopeLabel(*s.Referral)
}

// Filter narrows List. Zero fields match everything.
type Filter struct {
	ElectionID *int64
	PartyID    *int64
	// Channel matches the complaints that report it (see Summary.Channels).
	Channel string
	// Referral matches out-of-scope complaints referred to it (a
	// rulebook referral id); OutOfScope matches every out-of-scope one.
	Referral   string
	OutOfScope bool
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

//go:embed list.sql
var listSQL string

// listQueries is the staff list's query and its conditions.
var listQueries = sqlfilter.MustParse("list.sql", listSQL)

// scanSummary reads a row of list.sql's query.
func scanSummary(r pgx.Row) (Summary, error) {
	var s Summary
	err := r.Scan(&s.id, &s.Reference, &s.Source, &s.Channel, &s.PartyID, &s.Party, &s.ElectionID, &s.Election,
		&s.ReceivedAt, &s.Sender, &s.Status, &s.Priority, &s.DuplicateOf, &s.CreatedAt, &s.Channels, &s.OutOfScope, &s.Referral, &s.ReceivedAtHasTime)
	return s, err
}

// List returns complaints matching f, newest first, one page at a time.
func (s *Service) List(ctx context.Context, f Filter) (Page, error) {
	b := listQueries.Builder("list")
	if f.ElectionID != nil {
		b.Where("election", "election_id", *f.ElectionID)
	}
	if f.PartyID != nil {
		b.Where("party", "party_id", *f.PartyID)
	}
	if f.Channel != "" {
		b.Where("channel", "channel", f.Channel)
	}
	if f.Referral != "" {
		b.Where("referral", "referral", f.Referral)
	}
	if f.OutOfScope {
		b.Where("out_of_scope")
	}
	if f.Priority != "" {
		b.Where("priority", "priority", f.Priority)
	}
	if f.Status != "" {
		b.Where("status", "status", f.Status)
	}
	if !f.From.IsZero() {
		b.Where("received_from", "received_from", f.From)
	}
	if !f.To.IsZero() {
		b.Where("received_to", "received_to", f.To)
	}
	if f.Cursor != "" {
		c, err := decodeCursor(f.Cursor)
		if err != nil {
			return Page{}, err
		}
		b.Where("after_cursor", "cursor_created_at", c.CreatedAt, "cursor_id", c.ID)
	}
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	sql, args := b.Bind("limit", f.Limit+1).Build()
	rows, err := s.pool.Query(ctx, sql, args)
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
	// HasComplainant says the complainant gave a detail of their own
	// (name, email, phone or postcode); the number or address the sender
	// contacted alone does not count (HasContacted says that).
	HasComplainant bool `json:"has_complainant"`
	// HasContacted says the complainant gave the number or address the
	// sender contacted.
	HasContacted bool `json:"has_contacted"`
	// Contacted is the number or address the sender contacted: the
	// complainant's own, so set only when the complainant's details are
	// asked for (same permission, same audited viewing), with or without
	// the other details.
	Contacted string `json:"contacted,omitempty"`
	// The structured answers of Policy 2 (null or empty: not asked or
	// not answered).
	Member        *bool      `json:"member"`
	WorkAddress   *bool      `json:"work_address"`
	AskedToStopOn *time.Time `json:"asked_to_stop_on"`
	BreachWhere   string     `json:"breach_where"`
	BreachExposed []string   `json:"breach_exposed"`
	// IntakeReferral is the referral intake showed the complainant at
	// once, if any; Summary.Referral is triage's.
	IntakeReferral *string `json:"intake_referral"`
	// Triage is the current triage result, nil until triaged.
	Triage *TriageView `json:"triage"`
	ID     int64       `json:"-"`
}

// TriageView is the current triage result as the complaint's detail
// shows it.
type TriageView struct {
	Channel         string   `json:"channel"`
	Channels        []string `json:"channels"`
	OutOfScope      bool     `json:"out_of_scope"`
	Referral        *string  `json:"referral"`
	Score           int      `json:"score"`
	Priority        string   `json:"priority"`
	Provisions      []string `json:"provisions"`
	Rationale       []string `json:"rationale"`
	RulebookVersion string   `json:"rulebook_version"`
}

// MarshalJSON writes the detail as the API shows it, with the day they
// asked the sender to stop as the calendar day it is, "YYYY-MM-DD" (a date
// column has no time of day or zone to show).
func (d Detail) MarshalJSON() ([]byte, error) {
	type plain Detail // the fields without this method
	out := struct {
		plain
		AskedToStopOn *string `json:"asked_to_stop_on"`
	}{plain: plain(d)}
	if d.AskedToStopOn != nil {
		day := d.AskedToStopOn.Format(time.DateOnly)
		out.AskedToStopOn = &day
	}
	return json.Marshal(out)
}

// BreachWhereLabel is where a breach happened, in words.
func (d *Detail) BreachWhereLabel() string {
	if t, ok := vocab.BreachPlaceByCode(d.BreachWhere); ok {
		return t.Label.EN
	}
	return d.BreachWhere
}

// BreachExposedLabels are what a breach exposed, in words.
func (d *Detail) BreachExposedLabels() []string {
	out := make([]string, len(d.BreachExposed))
	for i, c := range d.BreachExposed {
		out[i] = c
		if t, ok := vocab.ExposedDataByCode(c); ok {
			out[i] = t.Label.EN
		}
	}
	return out
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
		q := dbsqlc.New(tx)
		r, err := q.ComplaintDetail(ctx, norm)
		if errors.Is(err, pgx.ErrNoRows) {
			return apperr.New(apperr.NotFound, "There is no complaint with reference %s.", norm)
		}
		if err != nil {
			return err
		}
		d = detailOf(r)
		evidence, err := q.EvidenceList(ctx, d.ID)
		if err != nil {
			return err
		}
		d.Evidence = make([]EvidenceInfo, len(evidence))
		for i, e := range evidence {
			d.Evidence[i] = EvidenceInfo{ID: e.ID, Filename: e.Filename, ContentType: e.ContentType, Size: int(e.Size)}
		}
		if d.Duplicates, err = q.DuplicateReferences(ctx, d.ID); err != nil {
			return err
		}
		t, err := q.CurrentTriage(ctx, d.ID)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			d.Channels = []string{d.Channel}
		case err != nil:
			return err
		default:
			d.Triage = &TriageView{Channel: t.Channel, Channels: t.Channels, OutOfScope: t.OutOfScope, Referral: t.Referral,
				Score: int(t.Score), Priority: t.Priority, Provisions: t.Provisions, Rationale: rationaleLines(t.Rationale),
				RulebookVersion: t.RulebookVersion}
			if len(t.Channels) == 0 {
				d.Triage.Channels = []string{t.Channel}
			}
			d.Channels, d.OutOfScope, d.Referral = d.Triage.Channels, t.OutOfScope, t.Referral
		}
		if complainant && (d.HasComplainant || d.HasContacted) {
			c, err := q.ComplainantOf(ctx, d.ID)
			if err != nil {
				return err
			}
			if d.HasComplainant {
				d.Complainant = &Complainant{Name: c.Name, Email: c.Email, Phone: c.Phone, Postcode: c.Postcode, MayContact: c.MayContact}
			}
			d.Contacted = c.Contacted
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
		f, err := dbsqlc.New(tx).EvidenceFile(ctx, dbsqlc.EvidenceFileParams{Reference: NormalizeReference(ref), ID: id})
		if errors.Is(err, pgx.ErrNoRows) {
			return apperr.New(apperr.NotFound, "There is no such evidence file for this complaint.")
		}
		if err != nil {
			return err
		}
		e = Evidence{Filename: f.Filename, ContentType: f.ContentType, Data: f.Data}
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
	// Receipt finds no row for a complaint whose receipt is in the audit
	// log (one received by staff).
	r, err := dbsqlc.New(s.pool).Receipt(ctx, ref)
	if errors.Is(err, pgx.ErrNoRows) {
		return entries, nil
	}
	if err != nil {
		return nil, err
	}
	summary := map[string]any{"source": r.Source, "channel": r.Channel}
	if !r.Anonymised {
		summary["evidence"] = int(r.Evidence)
	}
	if r.DuplicateOf != nil {
		summary["duplicate_of"] = *r.DuplicateOf
	}
	js, err := json.Marshal(audit.Change{After: summary})
	if err != nil {
		return nil, err
	}
	return append(entries, audit.Entry{At: r.CreatedAt, Actor: "public", Action: "complaint.receive", ObjectType: "complaint", ObjectID: ref, Summary: js}), nil
}

// PartyOption is a registered party for filters and pick lists.
type PartyOption struct {
	ID   int64
	Name string
}

// Parties lists the registered parties by name.
func (s *Service) Parties(ctx context.Context) ([]PartyOption, error) {
	rows, err := dbsqlc.New(s.pool).PartyOptions(ctx)
	if err != nil {
		return nil, err
	}
	opts := make([]PartyOption, len(rows))
	for i, r := range rows {
		opts[i] = PartyOption{ID: r.ID, Name: r.Name}
	}
	return opts, nil
}

// Elections lists the elections, newest first, for filters.
func (s *Service) Elections(ctx context.Context) ([]PartyOption, error) {
	rows, err := dbsqlc.New(s.pool).ElectionOptions(ctx)
	if err != nil {
		return nil, err
	}
	opts := make([]PartyOption, len(rows))
	for i, r := range rows {
		opts[i] = PartyOption{ID: r.ID, Name: r.Name}
	}
	return opts, nil
}

// detailOf is a complaint's detail as ComplaintDetail reads it, without
// the evidence, duplicates and complainant that are read after it.
func detailOf(r dbsqlc.ComplaintDetailRow) Detail {
	var visible *int
	if r.RecipientsVisible != nil {
		n := int(*r.RecipientsVisible)
		visible = &n
	}
	return Detail{
		Summary: Summary{
			Reference: r.Reference, Source: r.Source, Channel: r.Channel, PartyID: r.PartyID, Party: r.Party,
			ElectionID: r.ElectionID, Election: r.Election, ReceivedAt: r.ReceivedAt, Sender: r.Sender,
			Status: r.Status, Priority: r.Priority, DuplicateOf: r.DuplicateOf, CreatedAt: r.CreatedAt, id: r.ID,
		},
		PartyText: r.PartyText, ReceivedAtHasTime: r.ReceivedAtHasTime, Message: r.Message, Description: r.Description,
		Consent: r.Consent, OptedOut: r.OptedOut, TPSRegistered: r.TpsRegistered, SenderIdentified: r.SenderIdentified,
		OptOutOffered: r.OptOutOffered, RecipientsVisible: visible, SpecialCategory: r.SpecialCategory,
		TargetingReason: r.TargetingReason, Lang: r.Lang, SourceID: r.SourceID, AcknowledgedAt: r.AcknowledgedAt,
		TriageRequestedAt: r.TriageRequestedAt, AnonymisedAt: r.AnonymisedAt, HasComplainant: r.HasComplainant, HasContacted: r.HasContacted, ID: r.ID,
		Member: r.Member, WorkAddress: r.WorkAddress, AskedToStopOn: r.AskedToStopOn, BreachWhere: r.BreachWhere,
		BreachExposed: r.BreachExposed, IntakeReferral: r.IntakeReferral,
	}
}

// rationaleLines reads a stored rationale as its lines, as they are: the
// engine stores a JSON array of sentences. Anything else shows as one
// line of its JSON, so nothing is hidden.
func rationaleLines(raw []byte) []string {
	var lines []string
	if err := json.Unmarshal(raw, &lines); err == nil {
		return lines
	}
	var entries []json.RawMessage
	if err := json.Unmarshal(raw, &entries); err != nil {
		return []string{string(raw)}
	}
	for _, e := range entries {
		var s string
		if json.Unmarshal(e, &s) == nil {
			lines = append(lines, s)
		} else {
			lines = append(lines, string(e))
		}
	}
	return lines
}
