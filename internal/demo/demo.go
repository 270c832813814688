// Package demo loads demonstration data: the party registry with a data
// protection contact for each party, and an administrator account.
//
// Loading is idempotent: parties and contacts are upserted by name and
// email, and an existing administrator is left alone, so `make run` can
// load demo data on every start.
package demo

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/internal/audit"
	"github.com/campaignwatch/campaignwatch/internal/staff"
)

// Party is a demo party with its contacts.
type Party struct {
	Name      string
	ShortName string
	Aliases   []string
	Nations   []string
	Contacts  []Contact
}

// Contact is a demo party contact. All addresses are under example.org.
type Contact struct {
	Name, Position, Email, Role string
	Active                      bool
}

const (
	eng = "england"
	sco = "scotland"
	wal = "wales"
	nir = "northern_ireland"
)

func dpo(slug, name string) Contact {
	return Contact{Name: name, Position: "Data Protection Officer", Email: "dpo@" + slug + ".example.org", Role: "data_protection_lead", Active: true}
}

// Parties are the seven parties the 2020 audit covered, then other parties
// that stand in UK elections, with the nations each stands in.
var Parties = []Party{
	{"Conservative and Unionist Party", "Conservatives", []string{"Conservative Party", "Tories", "Tory"}, []string{eng, sco, wal, nir},
		[]Contact{dpo("conservatives", "Alex Morgan"), {"Sam Price", "Head of Compliance", "compliance@conservatives.example.org", "compliance", true}}},
	{"Labour Party", "Labour", []string{"Labour", "The Labour Party"}, []string{eng, sco, wal},
		[]Contact{dpo("labour", "Jordan Ellis"), {"Chris Hale", "Former DPO", "old-dpo@labour.example.org", "data_protection_lead", false}}},
	{"Liberal Democrats", "Lib Dems", []string{"Liberal Democrat", "LibDems", "LD"}, []string{eng, sco, wal},
		[]Contact{dpo("libdems", "Robin Carter")}},
	{"Scottish National Party", "SNP", []string{"Scottish Nationalists"}, []string{sco},
		[]Contact{dpo("snp", "Morven Fraser")}},
	{"Democratic Unionist Party", "DUP", nil, []string{nir},
		[]Contact{dpo("dup", "Ruth Adair")}},
	{"Plaid Cymru – The Party of Wales", "Plaid Cymru", []string{"Plaid"}, []string{wal},
		[]Contact{dpo("plaid", "Gwen Pritchard")}},
	{"UK Independence Party", "UKIP", []string{"UK Independence"}, []string{eng, sco, wal},
		[]Contact{dpo("ukip", "Pat Barlow")}},
	{"Green Party of England and Wales", "Green Party", []string{"Greens", "Green"}, []string{eng, wal},
		[]Contact{dpo("greenparty", "Jamie Okafor")}},
	{"Scottish Green Party", "Scottish Greens", nil, []string{sco},
		[]Contact{dpo("scottishgreens", "Isla Reid")}},
	{"Reform UK", "Reform", []string{"Reform Party", "Brexit Party"}, []string{eng, sco, wal},
		[]Contact{dpo("reformuk", "Dana Whitlock")}},
	{"Sinn Féin", "Sinn Fein", []string{"SF"}, []string{nir},
		[]Contact{dpo("sinnfein", "Niamh Doherty")}},
	{"Social Democratic and Labour Party", "SDLP", nil, []string{nir},
		[]Contact{dpo("sdlp", "Ciaran Magee")}},
	{"Ulster Unionist Party", "UUP", []string{"Ulster Unionists"}, []string{nir},
		[]Contact{dpo("uup", "Heather Boyd")}},
	{"Alliance Party of Northern Ireland", "Alliance", []string{"Alliance Party"}, []string{nir},
		[]Contact{dpo("allianceparty", "Owen McCann")}},
	{"Alba Party", "Alba", nil, []string{sco},
		[]Contact{dpo("albaparty", "Fiona Grant")}},
	{"Traditional Unionist Voice", "TUV", nil, []string{nir},
		[]Contact{dpo("tuv", "Mark Gibson")}},
	{"Green Party Northern Ireland", "Green NI", []string{"Green Party NI"}, []string{nir},
		[]Contact{dpo("greenpartyni", "Aoife Kerr")}},
}

// AdminEmail is the demo administrator's sign-in.
const AdminEmail = "admin@example.org"

// Result says what Load did.
type Result struct {
	Parties  int
	Contacts int
	// AdminPassword is set only when this run created the administrator.
	AdminPassword string
}

const upsertParty = `
INSERT INTO parties (name, short_name, aliases, nations)
VALUES ($1, $2, $3, $4)
ON CONFLICT (lower(name)) DO UPDATE
SET short_name = EXCLUDED.short_name, aliases = EXCLUDED.aliases, nations = EXCLUDED.nations, updated_at = now()
WHERE (parties.short_name, parties.aliases, parties.nations) IS DISTINCT FROM (EXCLUDED.short_name, EXCLUDED.aliases, EXCLUDED.nations)
RETURNING id`

const upsertContact = `
INSERT INTO party_contacts (party_id, name, position, email, role, active)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (party_id, lower(email)) DO NOTHING`

// Load upserts the demo registry and creates the administrator if absent.
func Load(ctx context.Context, pool *pgxpool.Pool, svc *staff.Service) (*Result, error) {
	res := &Result{}
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		for _, p := range Parties {
			var id int64
			err := tx.QueryRow(ctx, upsertParty, p.Name, p.ShortName, nonNil(p.Aliases), p.Nations).Scan(&id)
			if errors.Is(err, pgx.ErrNoRows) {
				// Unchanged: look the id up for its contacts.
				err = tx.QueryRow(ctx, `SELECT id FROM parties WHERE lower(name) = lower($1)`, p.Name).Scan(&id)
			}
			if err != nil {
				return fmt.Errorf("demo party %s: %w", p.Name, err)
			}
			res.Parties++
			for _, c := range p.Contacts {
				tag, err := tx.Exec(ctx, upsertContact, id, c.Name, c.Position, strings.ToLower(c.Email), c.Role, c.Active)
				if err != nil {
					return fmt.Errorf("demo contact for %s: %w", p.Name, err)
				}
				res.Contacts += int(tag.RowsAffected())
			}
		}
		return audit.Record(ctx, tx, "demo.load", "parties", "", audit.Change{After: map[string]int{"parties": res.Parties, "new_contacts": res.Contacts}})
	})
	if err != nil {
		return nil, err
	}

	if _, err := svc.UserByEmail(ctx, AdminEmail); err == nil {
		return res, nil
	} else if apperr.CodeOf(err) != apperr.NotFound {
		return nil, err
	}
	password := staff.GeneratePasswordFor(AdminEmail)
	if _, err := svc.CreateUser(ctx, AdminEmail, staff.RoleAdmin, password); err != nil {
		return nil, err
	}
	res.AdminPassword = password
	return res, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
