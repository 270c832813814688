// Package demo loads demonstration data: the party registry with a data
// protection contact for each party (through parties.Store), and an
// administrator account (through the staff service). Demo complaints come
// from its sub-package complaintgen.
//
// Loading is idempotent: parties and contacts are upserted by name and
// email, and an existing administrator is left alone, so `make run` can
// load demo data on every start.
package demo

import (
	"context"
	"fmt"

	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/internal/staff"
	"github.com/campaignwatch/campaignwatch/outreach/parties"
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

func dpo(slug, name string) Contact {
	return Contact{Name: name, Position: "Data Protection Officer", Email: "dpo@" + slug + ".example.org", Role: "data_protection_lead", Active: true}
}

// Parties are the seven parties the 2020 audit covered, then other parties
// that stand in UK elections, with the nations each stands in.
var Parties = []Party{
	{"Conservative and Unionist Party", "Conservatives", []string{"Conservative Party", "Tories", "Tory"}, vocab.NationCodes(),
		[]Contact{dpo("conservatives", "Alex Morgan"), {"Sam Price", "Head of Compliance", "compliance@conservatives.example.org", "compliance", true}}},
	{"Labour Party", "Labour", []string{"Labour", "The Labour Party"}, []string{vocab.NationEngland, vocab.NationScotland, vocab.NationWales},
		[]Contact{dpo("labour", "Jordan Ellis"), {"Chris Hale", "Former DPO", "old-dpo@labour.example.org", "data_protection_lead", false}}},
	{"Liberal Democrats", "Lib Dems", []string{"Liberal Democrat", "LibDems", "LD"}, []string{vocab.NationEngland, vocab.NationScotland, vocab.NationWales},
		[]Contact{dpo("libdems", "Robin Carter")}},
	{"Scottish National Party", "SNP", []string{"Scottish Nationalists"}, []string{vocab.NationScotland},
		[]Contact{dpo("snp", "Morven Fraser")}},
	{"Democratic Unionist Party", "DUP", nil, []string{vocab.NationNorthernIreland},
		[]Contact{dpo("dup", "Ruth Adair")}},
	{"Plaid Cymru – The Party of Wales", "Plaid Cymru", []string{"Plaid"}, []string{vocab.NationWales},
		[]Contact{dpo("plaid", "Gwen Pritchard")}},
	{"UK Independence Party", "UKIP", []string{"UK Independence"}, []string{vocab.NationEngland, vocab.NationScotland, vocab.NationWales},
		[]Contact{dpo("ukip", "Pat Barlow")}},
	{"Green Party of England and Wales", "Green Party", []string{"Greens", "Green"}, []string{vocab.NationEngland, vocab.NationWales},
		[]Contact{dpo("greenparty", "Jamie Okafor")}},
	{"Scottish Green Party", "Scottish Greens", nil, []string{vocab.NationScotland},
		[]Contact{dpo("scottishgreens", "Isla Reid")}},
	{"Reform UK", "Reform", []string{"Reform Party", "Brexit Party"}, []string{vocab.NationEngland, vocab.NationScotland, vocab.NationWales},
		[]Contact{dpo("reformuk", "Dana Whitlock")}},
	{"Sinn Féin", "Sinn Fein", []string{"SF"}, []string{vocab.NationNorthernIreland},
		[]Contact{dpo("sinnfein", "Niamh Doherty")}},
	{"Social Democratic and Labour Party", "SDLP", nil, []string{vocab.NationNorthernIreland},
		[]Contact{dpo("sdlp", "Ciaran Magee")}},
	{"Ulster Unionist Party", "UUP", []string{"Ulster Unionists"}, []string{vocab.NationNorthernIreland},
		[]Contact{dpo("uup", "Heather Boyd")}},
	{"Alliance Party of Northern Ireland", "Alliance", []string{"Alliance Party"}, []string{vocab.NationNorthernIreland},
		[]Contact{dpo("allianceparty", "Owen McCann")}},
	{"Alba Party", "Alba", nil, []string{vocab.NationScotland},
		[]Contact{dpo("albaparty", "Fiona Grant")}},
	{"Traditional Unionist Voice", "TUV", nil, []string{vocab.NationNorthernIreland},
		[]Contact{dpo("tuv", "Mark Gibson")}},
	{"Green Party Northern Ireland", "Green NI", []string{"Green Party NI"}, []string{vocab.NationNorthernIreland},
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

// Deps are the services Load writes through, built by the composition
// root.
type Deps struct {
	Parties *parties.Store
	Staff   *staff.Service
}

// Load upserts the demo registry, audited as demo.load, and creates the
// administrator if absent.
func Load(ctx context.Context, d Deps) (*Result, error) {
	ps := make([]parties.Party, len(Parties))
	for i, p := range Parties {
		ps[i] = parties.Party{Name: p.Name, ShortName: p.ShortName, Aliases: p.Aliases}
		for _, n := range p.Nations {
			ps[i].Nations = append(ps[i].Nations, parties.Nation(n))
		}
		for _, c := range p.Contacts {
			ps[i].Contacts = append(ps[i].Contacts, parties.Contact{Name: c.Name, Position: c.Position, Email: c.Email, Role: c.Role, Active: c.Active})
		}
	}
	up, err := d.Parties.Upsert(ctx, "demo.load", ps)
	if err != nil {
		return nil, fmt.Errorf("demo registry: %w", err)
	}
	res := &Result{Parties: up.Parties, Contacts: up.NewContacts}

	svc := d.Staff
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
