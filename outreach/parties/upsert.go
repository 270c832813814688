package parties

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/campaignwatch/campaignwatch/internal/audit"
	"github.com/campaignwatch/campaignwatch/outreach/parties/internal/dbsqlc"
)

// UpsertResult says what Upsert did.
type UpsertResult struct {
	// Parties is the number of parties given, added or not.
	Parties int
	// NewContacts is the number of contacts added.
	NewContacts int
}

// Upsert brings the registry up to date with ps in one transaction, for a
// registry loaded on every start (the demo's): a party is matched by name
// (in any case) and added, or has its short name, aliases and nations
// updated when they differ; each of its contacts is added unless the party
// already has one with that email address. Nothing else about a party or
// contact already there changes. One audit entry, with the action the
// caller names (the demo's is demo.load) on the object "parties", counts
// what was done.
func (s *Store) Upsert(ctx context.Context, action string, ps []Party) (*UpsertResult, error) {
	res := &UpsertResult{}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		q := dbsqlc.New(tx)
		for _, p := range ps {
			aliases := p.Aliases
			if aliases == nil {
				aliases = []string{}
			}
			id, err := q.UpsertParty(ctx, dbsqlc.UpsertPartyParams{Name: p.Name, ShortName: p.ShortName, Aliases: aliases, Nations: nationStrings(p.Nations)})
			if errors.Is(err, pgx.ErrNoRows) {
				// Unchanged: look the id up for its contacts.
				id, err = q.PartyIDByName(ctx, p.Name)
			}
			if err != nil {
				return fmt.Errorf("party %s: %w", p.Name, err)
			}
			res.Parties++
			for _, c := range p.Contacts {
				n, err := q.AddContactUnlessKnown(ctx, dbsqlc.AddContactUnlessKnownParams{PartyID: id, Name: c.Name, Position: c.Position,
					Email: strings.ToLower(c.Email), Role: c.Role, Active: c.Active, Language: c.Language})
				if err != nil {
					return fmt.Errorf("contact for %s: %w", p.Name, err)
				}
				res.NewContacts += int(n)
			}
		}
		return audit.Record(ctx, tx, action, "parties", "", audit.Change{After: map[string]int{"parties": res.Parties, "new_contacts": res.NewContacts}})
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}
