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
)

// Store keeps the registry in PostgreSQL. Every method that changes data
// runs in one transaction with its audit entry.
type Store struct {
	pool *pgxpool.Pool
}

// NewStore returns a Store on pool.
func NewStore(pool *pgxpool.Pool) *Store { return &Store{pool: pool} }

// Filter narrows List. The zero Filter lists every party.
type Filter struct {
	// Nation, when set, keeps parties standing in it.
	Nation Nation
	// Active, when set, keeps parties whose active flag equals it.
	Active *bool
}

const partyColumns = `p.id, p.name, p.short_name, p.aliases, coalesce(p.registration_number, ''), p.nations, p.active, p.created_at, p.updated_at`

const contactColumns = `c.id, c.party_id, c.name, c.position, c.email, c.role, c.active, c.needs_review, c.review_reason, c.created_at, c.updated_at`

const listParties = `
SELECT ` + partyColumns + `,
       (SELECT count(*) FROM party_contacts c WHERE c.party_id = p.id),
       (SELECT count(*) FROM party_contacts c WHERE c.party_id = p.id AND c.active)
FROM parties p
WHERE ($1::text IS NULL OR $1 = ANY (p.nations))
  AND ($2::boolean IS NULL OR p.active = $2)
ORDER BY lower(p.name)`

type scanner interface{ Scan(dest ...any) error }

func scanParty(row scanner, extra ...any) (Party, error) {
	var p Party
	var nations []string
	dest := append([]any{&p.ID, &p.Name, &p.ShortName, &p.Aliases, &p.RegistrationNumber, &nations, &p.Active, &p.CreatedAt, &p.UpdatedAt}, extra...)
	if err := row.Scan(dest...); err != nil {
		return p, err
	}
	for _, n := range nations {
		p.Nations = append(p.Nations, Nation(n))
	}
	if p.Aliases == nil {
		p.Aliases = []string{}
	}
	return p, nil
}

func scanContact(row scanner) (Contact, error) {
	var c Contact
	err := row.Scan(&c.ID, &c.PartyID, &c.Name, &c.Position, &c.Email, &c.Role, &c.Active, &c.NeedsReview, &c.ReviewReason, &c.CreatedAt, &c.UpdatedAt)
	return c, err
}

// List returns the parties matching f by name, with contact counts but
// without the contacts themselves.
func (s *Store) List(ctx context.Context, f Filter) ([]Party, error) {
	var nation *string
	if f.Nation != "" {
		n := string(f.Nation)
		nation = &n
	}
	rows, err := s.pool.Query(ctx, listParties, nation, f.Active)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Party, error) {
		var p Party
		var total, active int
		p, err := scanParty(r, &total, &active)
		p.ContactCount, p.ActiveContacts = total, active
		return p, err
	})
}

// All returns every party with all its contacts, by name, for export.
func (s *Store) All(ctx context.Context) ([]Party, error) {
	return loadAll(ctx, s.pool)
}

type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

func loadAll(ctx context.Context, q querier) ([]Party, error) {
	rows, err := q.Query(ctx, `SELECT `+partyColumns+` FROM parties p ORDER BY lower(p.name)`)
	if err != nil {
		return nil, err
	}
	ps, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Party, error) { return scanParty(r) })
	if err != nil {
		return nil, err
	}
	rows, err = q.Query(ctx, `SELECT `+contactColumns+` FROM party_contacts c ORDER BY c.party_id, c.id`)
	if err != nil {
		return nil, err
	}
	cs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Contact, error) { return scanContact(r) })
	if err != nil {
		return nil, err
	}
	byID := map[int64]*Party{}
	for i := range ps {
		byID[ps[i].ID] = &ps[i]
	}
	for _, c := range cs {
		if p := byID[c.PartyID]; p != nil {
			p.Contacts = append(p.Contacts, c)
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
	return getParty(ctx, s.pool, id, false)
}

type queryRower interface {
	querier
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

func getParty(ctx context.Context, q queryRower, id int64, forUpdate bool) (*Party, error) {
	sql := `SELECT ` + partyColumns + ` FROM parties p WHERE p.id = $1`
	if forUpdate {
		sql += ` FOR UPDATE`
	}
	p, err := scanParty(q.QueryRow(ctx, sql, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, apperr.New(apperr.NotFound, "There is no party %d.", id)
	}
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT `+contactColumns+` FROM party_contacts c WHERE c.party_id = $1 ORDER BY NOT c.active, lower(c.name), c.id`, id)
	if err != nil {
		return nil, err
	}
	p.Contacts, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (Contact, error) { return scanContact(r) })
	if err != nil {
		return nil, err
	}
	countContacts(&p)
	return &p, nil
}

const insertParty = `
INSERT INTO parties (name, short_name, aliases, registration_number, nations, active)
VALUES ($1, $2, $3, nullif($4, ''), $5, $6)
RETURNING id, created_at, updated_at`

const updateParty = `
UPDATE parties SET name = $2, short_name = $3, aliases = $4, registration_number = nullif($5, ''),
       nations = $6, active = $7, updated_at = now()
WHERE id = $1
RETURNING updated_at`

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
		"role": c.Role, "active": c.Active, "needs_review": c.NeedsReview}
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
	err := tx.QueryRow(ctx, insertParty, p.Name, p.ShortName, p.Aliases, p.RegistrationNumber, nationStrings(p.Nations), p.Active).
		Scan(&p.ID, &p.CreatedAt, &p.UpdatedAt)
	if err != nil {
		return uniqueViolation(err, p.Name, p.RegistrationNumber, "")
	}
	return audit.Record(ctx, tx, "party.create", "party", fmt.Sprint(p.ID), audit.Change{After: partySummary(p)})
}

func writeParty(ctx context.Context, tx pgx.Tx, p *Party) error {
	err := tx.QueryRow(ctx, updateParty, p.ID, p.Name, p.ShortName, p.Aliases, p.RegistrationNumber, nationStrings(p.Nations), p.Active).
		Scan(&p.UpdatedAt)
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
		before, err := getParty(ctx, tx, id, true)
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
	return getContact(ctx, s.pool, partyID, id, false)
}

func getContact(ctx context.Context, q queryRower, partyID, id int64, forUpdate bool) (*Contact, error) {
	sql := `SELECT ` + contactColumns + ` FROM party_contacts c WHERE c.party_id = $1 AND c.id = $2`
	if forUpdate {
		sql += ` FOR UPDATE`
	}
	c, err := scanContact(q.QueryRow(ctx, sql, partyID, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, apperr.New(apperr.NotFound, "Party %d has no contact %d.", partyID, id)
	}
	return &c, err
}

const insertContact = `
INSERT INTO party_contacts (party_id, name, position, email, role, active, needs_review, review_reason)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
RETURNING id, created_at, updated_at`

const updateContact = `
UPDATE party_contacts SET name = $3, position = $4, email = $5, role = $6, active = $7,
       needs_review = $8, review_reason = $9, updated_at = now()
WHERE party_id = $1 AND id = $2
RETURNING updated_at`

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
		if _, err := getParty(ctx, tx, partyID, true); err != nil {
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
	err := tx.QueryRow(ctx, insertContact, c.PartyID, c.Name, c.Position, c.Email, c.Role, c.Active, c.NeedsReview, c.ReviewReason).
		Scan(&c.ID, &c.CreatedAt, &c.UpdatedAt)
	if err != nil {
		return uniqueViolation(err, "", "", c.Email)
	}
	return audit.Record(ctx, tx, "party.contact.create", "party_contact", fmt.Sprint(c.ID), audit.Change{After: contactSummary(c)})
}

func writeContact(ctx context.Context, tx pgx.Tx, c *Contact) error {
	err := tx.QueryRow(ctx, updateContact, c.PartyID, c.ID, c.Name, c.Position, c.Email, c.Role, c.Active, c.NeedsReview, c.ReviewReason).
		Scan(&c.UpdatedAt)
	return uniqueViolation(err, "", "", c.Email)
}

// UpdateContact loads contact id of party partyID under a row lock, lets
// change edit it, checks and saves it. A new email address clears the
// review flag. The audit action is party.contact.update, or
// party.contact.deactivate / party.contact.reactivate when only the
// active flag changed.
func (s *Store) UpdateContact(ctx context.Context, partyID, id int64, change func(*Contact)) (*Contact, error) {
	var out *Contact
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		before, err := getContact(ctx, tx, partyID, id, true)
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
