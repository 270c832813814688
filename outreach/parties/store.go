package parties

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/internal/audit"
	"github.com/campaignwatch/campaignwatch/outreach/parties/internal/dbsqlc"
)

// Store keeps the registry in PostgreSQL. Every method that changes data
// runs in one transaction with its audit entry.
type Store struct {
	pool *pgxpool.Pool
	q    *dbsqlc.Queries // on pool
}

// NewStore returns a Store on pool.
func NewStore(pool *pgxpool.Pool) *Store { return &Store{pool: pool, q: dbsqlc.New(pool)} }

// Filter narrows List. The zero Filter lists every party.
type Filter struct {
	// Nation, when set, keeps parties standing in it.
	Nation Nation
	// Active, when set, keeps parties whose active flag equals it.
	Active *bool
}

// partyOf converts a party row; every query of a whole party selects the
// same columns, so their rows convert to GetPartyRow.
func partyOf(r dbsqlc.GetPartyRow) Party {
	p := Party{ID: r.ID, Name: r.Name, ShortName: r.ShortName, Aliases: r.Aliases, RegistrationNumber: r.RegistrationNumber,
		Active: r.Active, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
	for _, n := range r.Nations {
		p.Nations = append(p.Nations, Nation(n))
	}
	if p.Aliases == nil {
		p.Aliases = []string{}
	}
	return p
}

// contactsOf converts contact rows.
func contactsOf(rows []dbsqlc.PartyContactsRow) []Contact {
	out := make([]Contact, len(rows))
	for i, r := range rows {
		out[i] = Contact(r)
	}
	return out
}

// List returns the parties matching f by name, with contact counts but
// without the contacts themselves.
func (s *Store) List(ctx context.Context, f Filter) ([]Party, error) {
	var nation *string
	if f.Nation != "" {
		n := string(f.Nation)
		nation = &n
	}
	rows, err := s.q.ListParties(ctx, dbsqlc.ListPartiesParams{Nation: nation, Active: f.Active})
	if err != nil {
		return nil, err
	}
	out := make([]Party, len(rows))
	for i, r := range rows {
		out[i] = partyOf(dbsqlc.GetPartyRow{ID: r.ID, Name: r.Name, ShortName: r.ShortName, Aliases: r.Aliases,
			RegistrationNumber: r.RegistrationNumber, Nations: r.Nations, Active: r.Active, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt})
		out[i].ContactCount, out[i].ActiveContacts = int(r.Contacts), int(r.ActiveContacts)
	}
	return out, nil
}

// NameRef is a party's id and name, all a list of parties to choose from
// needs.
type NameRef struct {
	ID   int64
	Name string
}

// ActiveNames returns the active parties' ids and names, by name regardless
// of case, as the public complaint form lists them.
func (s *Store) ActiveNames(ctx context.Context) ([]NameRef, error) {
	rows, err := s.q.ActiveNames(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]NameRef, len(rows))
	for i, r := range rows {
		out[i] = NameRef(r)
	}
	return out, nil
}

// All returns every party with all its contacts, by name, for export.
func (s *Store) All(ctx context.Context) ([]Party, error) {
	return loadAll(ctx, s.q)
}

func loadAll(ctx context.Context, q *dbsqlc.Queries) ([]Party, error) {
	rows, err := q.AllParties(ctx)
	if err != nil {
		return nil, err
	}
	ps := make([]Party, len(rows))
	for i, r := range rows {
		ps[i] = partyOf(dbsqlc.GetPartyRow(r))
	}
	cs, err := q.AllContacts(ctx)
	if err != nil {
		return nil, err
	}
	byID := map[int64]*Party{}
	for i := range ps {
		byID[ps[i].ID] = &ps[i]
	}
	for _, c := range cs {
		if p := byID[c.PartyID]; p != nil {
			p.Contacts = append(p.Contacts, Contact(c))
		}
	}
	for i := range ps {
		countContacts(&ps[i])
	}
	return ps, nil
}

func countContacts(p *Party) {
	p.ContactCount, p.ActiveContacts = len(p.Contacts), 0
	for _, c := range p.Contacts {
		if c.Active {
			p.ActiveContacts++
		}
	}
}

// Get returns party id with its contacts (active first, then by name), or
// a NotFound error.
func (s *Store) Get(ctx context.Context, id int64) (*Party, error) {
	return getParty(ctx, s.q, id, false)
}

func getParty(ctx context.Context, q *dbsqlc.Queries, id int64, forUpdate bool) (*Party, error) {
	var r dbsqlc.GetPartyRow
	var err error
	if forUpdate {
		var l dbsqlc.LockPartyRow
		l, err = q.LockParty(ctx, id)
		r = dbsqlc.GetPartyRow(l)
	} else {
		r, err = q.GetParty(ctx, id)
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, apperr.New(apperr.NotFound, "There is no party %d.", id)
	}
	if err != nil {
		return nil, err
	}
	p := partyOf(r)
	cs, err := q.PartyContacts(ctx, id)
	if err != nil {
		return nil, err
	}
	p.Contacts = contactsOf(cs)
	countContacts(&p)
	return &p, nil
}

func nationStrings(ns []Nation) []string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = string(n)
	}
	return out
}

// partySummary is what the audit log keeps of a party.
func partySummary(p *Party) map[string]any {
	return map[string]any{"name": p.Name, "short_name": p.ShortName, "aliases": p.Aliases,
		"registration_number": p.RegistrationNumber, "nations": p.Nations, "active": p.Active}
}

func contactSummary(c *Contact) map[string]any {
	return map[string]any{"party_id": c.PartyID, "name": c.Name, "position": c.Position, "email": c.Email,
		"role": c.Role, "active": c.Active, "needs_review": c.NeedsReview, "language": c.LanguageCode()}
}

// Create adds a party (active unless p says otherwise: callers pass Active
// true for a new party) and audits it as party.create.
func (s *Store) Create(ctx context.Context, p Party) (*Party, error) {
	if err := p.Normalise(); err != nil {
		return nil, err
	}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		return createParty(ctx, tx, &p)
	})
	if err != nil {
		return nil, err
	}
	p.Contacts = nil
	return &p, nil
}

func createParty(ctx context.Context, tx pgx.Tx, p *Party) error {
	r, err := dbsqlc.New(tx).InsertParty(ctx, dbsqlc.InsertPartyParams{Name: p.Name, ShortName: p.ShortName, Aliases: p.Aliases,
		RegistrationNumber: p.RegistrationNumber, Nations: nationStrings(p.Nations), Active: p.Active})
	if err != nil {
		return uniqueViolation(err, p.Name, p.RegistrationNumber, "")
	}
	p.ID, p.CreatedAt, p.UpdatedAt = r.ID, r.CreatedAt, r.UpdatedAt
	return audit.Record(ctx, tx, "party.create", "party", fmt.Sprint(p.ID), audit.Change{After: partySummary(p)})
}

func writeParty(ctx context.Context, tx pgx.Tx, p *Party) error {
	at, err := dbsqlc.New(tx).UpdateParty(ctx, dbsqlc.UpdatePartyParams{ID: p.ID, Name: p.Name, ShortName: p.ShortName, Aliases: p.Aliases,
		RegistrationNumber: p.RegistrationNumber, Nations: nationStrings(p.Nations), Active: p.Active})
	if err == nil {
		p.UpdatedAt = at
	}
	return uniqueViolation(err, p.Name, p.RegistrationNumber, "")
}

// Update loads party id, lets change edit it, checks the result and saves
// it, all under a row lock so concurrent edits do not overwrite each other
// unseen. The audit action is party.update, or party.deactivate /
// party.reactivate when only the active flag changed. Saving an unchanged
// party writes nothing.
func (s *Store) Update(ctx context.Context, id int64, change func(*Party)) (*Party, error) {
	var out *Party
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		before, err := getParty(ctx, dbsqlc.New(tx), id, true)
		if err != nil {
			return err
		}
		after := *before
		after.Aliases = append([]string(nil), before.Aliases...)
		after.Nations = append([]Nation(nil), before.Nations...)
		change(&after)
		if err := after.Normalise(); err != nil {
			return err
		}
		out = &after
		if samePartyFields(before, &after) {
			return nil
		}
		if err := writeParty(ctx, tx, &after); err != nil {
			return err
		}
		return audit.Record(ctx, tx, partyAction(before, &after), "party", fmt.Sprint(id),
			audit.Change{Before: partySummary(before), After: partySummary(&after)})
	})
	return out, err
}

// SetActive deactivates or reactivates party id.
func (s *Store) SetActive(ctx context.Context, id int64, active bool) (*Party, error) {
	return s.Update(ctx, id, func(p *Party) { p.Active = active })
}

func partyAction(before, after *Party) string {
	onlyActive := *before
	onlyActive.Active = after.Active
	if before.Active != after.Active && samePartyFields(&onlyActive, after) {
		if after.Active {
			return "party.reactivate"
		}
		return "party.deactivate"
	}
	return "party.update"
}

func samePartyFields(a, b *Party) bool {
	return a.Name == b.Name && a.ShortName == b.ShortName && strings.Join(a.Aliases, "\x00") == strings.Join(b.Aliases, "\x00") &&
		a.RegistrationNumber == b.RegistrationNumber && fmt.Sprint(a.Nations) == fmt.Sprint(b.Nations) && a.Active == b.Active
}

// Contact returns contact id of party partyID, or a NotFound error.
func (s *Store) Contact(ctx context.Context, partyID, id int64) (*Contact, error) {
	return getContact(ctx, s.q, partyID, id, false)
}

func getContact(ctx context.Context, q *dbsqlc.Queries, partyID, id int64, forUpdate bool) (*Contact, error) {
	var r dbsqlc.GetContactRow
	var err error
	if forUpdate {
		var lr dbsqlc.LockContactRow
		lr, err = q.LockContact(ctx, dbsqlc.LockContactParams{PartyID: partyID, ID: id})
		r = dbsqlc.GetContactRow(lr)
	} else {
		r, err = q.GetContact(ctx, dbsqlc.GetContactParams{PartyID: partyID, ID: id})
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, apperr.New(apperr.NotFound, "Party %d has no contact %d.", partyID, id)
	}
	c := Contact(r)
	return &c, err
}

// AddContact adds a contact to party partyID and audits it as
// party.contact.create.
func (s *Store) AddContact(ctx context.Context, partyID int64, c Contact) (*Contact, error) {
	if err := c.Normalise(); err != nil {
		return nil, err
	}
	c.PartyID = partyID
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		// Lock the party so the contact cannot be added to a party being
		// changed at the same moment, and to give a clean 404.
		if _, err := getParty(ctx, dbsqlc.New(tx), partyID, true); err != nil {
			return err
		}
		return createContact(ctx, tx, &c)
	})
	if err != nil {
		return nil, err
	}
	return &c, nil
}

func createContact(ctx context.Context, tx pgx.Tx, c *Contact) error {
	r, err := dbsqlc.New(tx).InsertContact(ctx, dbsqlc.InsertContactParams{PartyID: c.PartyID, Name: c.Name, Position: c.Position,
		Email: c.Email, Role: c.Role, Active: c.Active, NeedsReview: c.NeedsReview, ReviewReason: c.ReviewReason, Language: c.Language})
	if err != nil {
		return uniqueViolation(err, "", "", c.Email)
	}
	c.ID, c.CreatedAt, c.UpdatedAt = r.ID, r.CreatedAt, r.UpdatedAt
	return audit.Record(ctx, tx, "party.contact.create", "party_contact", fmt.Sprint(c.ID), audit.Change{After: contactSummary(c)})
}

func writeContact(ctx context.Context, tx pgx.Tx, c *Contact) error {
	at, err := dbsqlc.New(tx).UpdateContact(ctx, dbsqlc.UpdateContactParams{PartyID: c.PartyID, ID: c.ID, Name: c.Name,
		Position: c.Position, Email: c.Email, Role: c.Role, Active: c.Active, NeedsReview: c.NeedsReview, ReviewReason: c.ReviewReason, Language: c.Language})
	if err == nil {
		c.UpdatedAt = at
	}
	return uniqueViolation(err, "", "", c.Email)
}

// FlagForReview flags contact id for review with reason, in tx, for the
// caller's own audited change (outreach, when a letter to it bounced): a
// registry change that belongs to another action is written here, by the
// registry, and audited by that action.
func FlagForReview(ctx context.Context, tx pgx.Tx, id int64, reason string) error {
	return dbsqlc.New(tx).FlagContact(ctx, dbsqlc.FlagContactParams{ID: id, Reason: reason})
}

// UpdateContact loads contact id of party partyID under a row lock, lets
// change edit it, checks and saves it. A new email address clears the
// review flag. The audit action is party.contact.update, or
// party.contact.deactivate / party.contact.reactivate when only the
// active flag changed.
func (s *Store) UpdateContact(ctx context.Context, partyID, id int64, change func(*Contact)) (*Contact, error) {
	var out *Contact
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		before, err := getContact(ctx, dbsqlc.New(tx), partyID, id, true)
		if err != nil {
			return err
		}
		after := *before
		change(&after)
		if err := after.Normalise(); err != nil {
			return err
		}
		if !strings.EqualFold(after.Email, before.Email) {
			after.NeedsReview, after.ReviewReason = false, ""
		}
		if !after.NeedsReview {
			after.ReviewReason = ""
		}
		out = &after
		if *before == after {
			return nil
		}
		if err := writeContact(ctx, tx, &after); err != nil {
			return err
		}
		return audit.Record(ctx, tx, contactAction(before, &after), "party_contact", fmt.Sprint(id),
			audit.Change{Before: contactSummary(before), After: contactSummary(&after)})
	})
	return out, err
}

// SetContactActive deactivates or reactivates a contact.
func (s *Store) SetContactActive(ctx context.Context, partyID, id int64, active bool) (*Contact, error) {
	return s.UpdateContact(ctx, partyID, id, func(c *Contact) { c.Active = active })
}

func contactAction(before, after *Contact) string {
	onlyActive := *before
	onlyActive.Active = after.Active
	onlyActive.UpdatedAt = after.UpdatedAt
	if before.Active != after.Active && onlyActive == *after {
		if after.Active {
			return "party.contact.reactivate"
		}
		return "party.contact.deactivate"
	}
	return "party.contact.update"
}

// uniqueViolation turns a unique-index violation into a field error that
// says which value is taken; other errors pass through.
func uniqueViolation(err error, name, regNumber, email string) error {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "23505" {
		return err
	}
	switch pgErr.ConstraintName {
	case "parties_name_key":
		return apperr.Fields(apperr.FieldError{Field: "name", Message: fmt.Sprintf("A party called %q is already registered", name)})
	case "parties_registration_key":
		return apperr.Fields(apperr.FieldError{Field: "registration_number", Message: fmt.Sprintf("Another party already has registration number %s", regNumber)})
	case "party_contacts_email_key":
		return apperr.Fields(apperr.FieldError{Field: "email", Message: fmt.Sprintf("This party already has a contact with the email address %s", email)})
	}
	return apperr.Wrap(apperr.Conflict, err, "This would duplicate an existing record.")
}
