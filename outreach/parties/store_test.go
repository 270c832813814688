package parties_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/internal/audit"
	"github.com/campaignwatch/campaignwatch/internal/spreadsheet/spreadsheettest"
	"github.com/campaignwatch/campaignwatch/internal/testdb"
	"github.com/campaignwatch/campaignwatch/outreach/parties"
)

type testBundle struct {
	ctx   context.Context
	pool  *pgxpool.Pool
	store *parties.Store
}

func setup(t *testing.T) *testBundle {
	t.Helper()
	pool := testdb.New(t)
	return &testBundle{ctx: audit.WithActor(context.Background(), audit.Actor{Label: "test"}), pool: pool, store: parties.NewStore(pool)}
}

func (b *testBundle) count(t *testing.T, sql string, args ...any) int {
	t.Helper()
	var n int
	require.NoError(t, b.pool.QueryRow(context.Background(), sql, args...).Scan(&n))
	return n
}

func fieldsOf(err error) map[string]string {
	out := map[string]string{}
	for _, fe := range apperr.FieldsOf(err) {
		out[fe.Field] = fe.Message
	}
	return out
}

func TestCreateUpdateDeactivateAudited(t *testing.T) {
	t.Parallel()
	b := setup(t)
	p, err := b.store.Create(b.ctx, parties.Party{Name: "Test Party", RegistrationNumber: "pp1", Nations: []parties.Nation{"scotland"}, Active: true})
	require.NoError(t, err)
	require.Equal(t, "PP1", p.RegistrationNumber)

	_, err = b.store.Create(b.ctx, parties.Party{Name: "TEST party", Nations: []parties.Nation{"wales"}, Active: true})
	require.Contains(t, fieldsOf(err)["name"], `A party called "TEST party" is already registered`)
	_, err = b.store.Create(b.ctx, parties.Party{Name: "Other", RegistrationNumber: "PP1", Nations: []parties.Nation{"wales"}, Active: true})
	require.Contains(t, fieldsOf(err)["registration_number"], "Another party already has registration number PP1")

	up, err := b.store.Update(b.ctx, p.ID, func(p *parties.Party) { p.Nations = append(p.Nations, vocab.NationEngland) })
	require.NoError(t, err)
	require.Equal(t, []parties.Nation{vocab.NationEngland, vocab.NationScotland}, up.Nations)
	_, err = b.store.Update(b.ctx, p.ID, func(p *parties.Party) {}) // no change: no audit entry
	require.NoError(t, err)
	_, err = b.store.SetActive(b.ctx, p.ID, false)
	require.NoError(t, err)

	_, err = b.store.Update(b.ctx, 999999, func(p *parties.Party) {})
	require.Equal(t, apperr.NotFound, apperr.CodeOf(err))

	c, err := b.store.AddContact(b.ctx, p.ID, parties.Contact{Name: "Jo", Email: "jo@test.example.org", Active: true})
	require.NoError(t, err)
	require.Equal(t, parties.DefaultRole, c.Role)
	_, err = b.store.AddContact(b.ctx, p.ID, parties.Contact{Name: "Jo 2", Email: "JO@test.example.org", Active: true})
	require.Contains(t, fieldsOf(err)["email"], "already has a contact")
	_, err = b.store.AddContact(b.ctx, 999999, parties.Contact{Name: "Jo", Email: "x@y.org"})
	require.Equal(t, apperr.NotFound, apperr.CodeOf(err))

	// A new address clears a bounce's review flag.
	_, err = b.pool.Exec(b.ctx, `UPDATE party_contacts SET needs_review = true, review_reason = 'bounced' WHERE id = $1`, c.ID)
	require.NoError(t, err)
	c2, err := b.store.UpdateContact(b.ctx, p.ID, c.ID, func(c *parties.Contact) { c.Email = "new@test.example.org" })
	require.NoError(t, err)
	require.False(t, c2.NeedsReview)
	require.Empty(t, c2.ReviewReason)
	_, err = b.store.SetContactActive(b.ctx, p.ID, c.ID, false)
	require.NoError(t, err)

	got, err := b.store.Get(b.ctx, p.ID)
	require.NoError(t, err)
	require.False(t, got.Active)
	require.Len(t, got.Contacts, 1)
	require.False(t, got.Contacts[0].Active)

	actions := map[string]int{}
	rows, err := b.pool.Query(b.ctx, `SELECT action FROM audit_log WHERE actor = 'test'`)
	require.NoError(t, err)
	for rows.Next() {
		var a string
		require.NoError(t, rows.Scan(&a))
		actions[a]++
	}
	require.Equal(t, map[string]int{"party.create": 1, "party.update": 1, "party.deactivate": 1,
		"party.contact.create": 1, "party.contact.update": 1, "party.contact.deactivate": 1}, actions)

	active := true
	list, err := b.store.List(b.ctx, parties.Filter{Active: &active})
	require.NoError(t, err)
	require.Empty(t, list)
	list, err = b.store.List(b.ctx, parties.Filter{Nation: vocab.NationScotland})
	require.NoError(t, err)
	require.Len(t, list, 1)
	require.Equal(t, 1, list[0].ContactCount)
	require.Equal(t, 0, list[0].ActiveContacts)
}

func csvFile(rows ...[]string) []byte {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.WriteAll(rows)
	return buf.Bytes()
}

var header = []string{"Party Name", "short_name", "aliases", "registration_number", "NATIONS", "party_active",
	"contact_name", "contact_position", "contact_email", "contact_role", "contact_active"}

func goodCSV() []byte {
	return csvFile(header,
		[]string{"Northern Light Party", "NLP", "Light;The Lights", "PP900", "england; Scotland", "yes", "Ann Lee", "DPO", "dpo@nlp.example.org", "", ""},
		[]string{"northern light party", "NLP", "Light;The Lights", "pp900", "scotland;england", "y", "Bo Reid", "Compliance", "comp@nlp.example.org", "compliance", "no"},
		[]string{"Valley Party", "", "", "", "Wales", "", "", "", "", "", ""},
	)
}

func TestImportCSVThenIdempotent(t *testing.T) {
	t.Parallel()
	b := setup(t)
	res, err := b.store.Import(b.ctx, goodCSV(), parties.ImportOptions{Source: "a.csv"})
	require.NoError(t, err)
	require.Equal(t, parties.ImportResult{Rows: 3, PartiesCreated: 2, ContactsCreated: 2}, *res)

	var id int64
	require.NoError(t, b.pool.QueryRow(b.ctx, `SELECT id FROM parties WHERE name = 'Northern Light Party'`).Scan(&id))
	p, err := b.store.Get(b.ctx, id)
	require.NoError(t, err)
	require.Equal(t, "PP900", p.RegistrationNumber)
	require.Equal(t, []parties.Nation{vocab.NationEngland, vocab.NationScotland}, p.Nations)
	require.Equal(t, []string{"Light", "The Lights"}, p.Aliases)
	require.Len(t, p.Contacts, 2)
	require.Equal(t, "Ann Lee", p.Contacts[0].Name, "active contacts first")
	require.False(t, p.Contacts[1].Active)
	require.Equal(t, "compliance", p.Contacts[1].Role)

	auditBefore := b.count(t, `SELECT count(*) FROM audit_log`)
	res, err = b.store.Import(b.ctx, goodCSV(), parties.ImportOptions{})
	require.NoError(t, err)
	require.Equal(t, parties.ImportResult{Rows: 3, PartiesUnchanged: 2, ContactsUnchanged: 2}, *res)
	require.Equal(t, auditBefore, b.count(t, `SELECT count(*) FROM audit_log`), "a no-op import writes nothing")

	// Matched by registration number: a rename updates the same party.
	rename := csvFile([]string{"party_name", "registration_number", "nations"}, []string{"Northern Light", "PP900", "scotland"})
	res, err = b.store.Import(b.ctx, rename, parties.ImportOptions{})
	require.NoError(t, err)
	require.Equal(t, 1, res.PartiesUpdated)
	p, err = b.store.Get(b.ctx, id)
	require.NoError(t, err)
	require.Equal(t, "Northern Light", p.Name)
	require.Equal(t, "NLP", p.ShortName, "a column left out keeps its value")
	require.Len(t, p.Contacts, 2, "contacts not in the file are left alone")

	// Dry run reports but stores nothing.
	res, err = b.store.Import(b.ctx, csvFile([]string{"party_name", "nations"}, []string{"Dry Party", "wales"}), parties.ImportOptions{DryRun: true})
	require.NoError(t, err)
	require.True(t, res.DryRun)
	require.Equal(t, 1, res.PartiesCreated)
	require.Zero(t, b.count(t, `SELECT count(*) FROM parties WHERE name = 'Dry Party'`))
}

func TestImportAllOrNothingWithReport(t *testing.T) {
	t.Parallel()
	b := setup(t)
	_, err := b.store.Create(b.ctx, parties.Party{Name: "Existing", RegistrationNumber: "PP7", Nations: []parties.Nation{"wales"}, Active: true})
	require.NoError(t, err)
	before := b.count(t, `SELECT count(*) FROM parties`)

	bad := csvFile(header,
		[]string{"Fine Party", "", "", "", "england", "", "Al", "", "al@fine.example.org", "", ""},                  // row 2 valid
		[]string{"Broken", "", "", "", "england;atlantis", "", "Bea", "", "not-an-email", "", ""},                   // row 3
		[]string{"Fine Party", "FP", "", "", "england", "", "Cy", "", "cy@fine.example.org", "", ""},                // row 4: short_name differs
		[]string{"Existing", "", "", "PP8", "wales", "", "", "", "", "", ""},                                        // row 5: reg number mismatch
		[]string{"", "", "", "", "wales", "maybe", "", "", "", "", ""},                                              // row 6
		[]string{"Fine Party", "", "", "", "england", "", "Al again", "", "AL@fine.example.org", "", ""},            // row 7: duplicate email
		[]string{"Fine Party", "", "", "", "england", "", "", "", "two@x.example.org, three@x.example.org", "", ""}, // row 8
	)
	_, err = b.store.Import(b.ctx, bad, parties.ImportOptions{})
	ie, ok := parties.AsImportError(err)
	require.True(t, ok, "%v", err)
	require.Equal(t, apperr.Invalid, apperr.CodeOf(err))
	type key struct {
		row int
		col string
	}
	got := map[key]string{}
	for _, p := range ie.Problems {
		got[key{p.Row, p.Column}] = p.Message
	}
	require.Contains(t, got[key{3, "nations"}], `"atlantis" is not a nation`)
	require.Contains(t, got[key{3, "contact_email"}], "correct format")
	require.Contains(t, got[key{4, "short_name"}], "differs from row 2")
	require.Contains(t, got[key{5, "registration_number"}], "PP7")
	require.Contains(t, got[key{6, "party_name"}], "Enter the party's name")
	require.Contains(t, got[key{6, "party_active"}], "yes or no")
	require.Contains(t, got[key{7, "contact_email"}], "already listed for this party on row 2")
	require.Contains(t, got[key{8, "contact_email"}], "one email address only")
	require.Equal(t, before, b.count(t, `SELECT count(*) FROM parties`), "nothing stored")
	require.Zero(t, b.count(t, `SELECT count(*) FROM party_contacts`))

	// Header problems are reported against row 1.
	_, err = b.store.Import(b.ctx, csvFile([]string{"party_name", "colour"}, []string{"X", "red"}), parties.ImportOptions{})
	ie, ok = parties.AsImportError(err)
	require.True(t, ok)
	require.Equal(t, []parties.Problem{
		{Row: 1, Column: "colour", Message: `Unknown column "colour": the columns are ` + strings.Join(parties.Columns, ", ")},
		{Row: 1, Column: "nations", Message: "The file has no nations column"},
	}, ie.Problems)

	// A valid row whose contact would break a rule found only against the
	// database (a new contact without a name) is reported too.
	_, err = b.store.Import(b.ctx, csvFile([]string{"party_name", "nations", "contact_email"}, []string{"Y", "wales", "y@y.example.org"}), parties.ImportOptions{})
	ie, ok = parties.AsImportError(err)
	require.True(t, ok)
	require.Equal(t, []parties.Problem{{Row: 2, Column: "contact_name", Message: "Enter the contact's name"}}, ie.Problems)
}

func TestExportImportRoundTripAndFormulaNeutralised(t *testing.T) {
	t.Parallel()
	b := setup(t)
	_, err := b.store.Import(b.ctx, goodCSV(), parties.ImportOptions{})
	require.NoError(t, err)
	evil, err := b.store.Create(b.ctx, parties.Party{Name: "=HYPERLINK(\"http://evil\")", ShortName: "+1", Aliases: []string{"@SUM(A1)", "-2"},
		Nations: []parties.Nation{"england"}, Active: true})
	require.NoError(t, err)
	_, err = b.store.AddContact(b.ctx, evil.ID, parties.Contact{Name: "=cmd|' /C calc'!A0", Position: "-x", Email: "e@evil.example.org", Active: true})
	require.NoError(t, err)

	var buf bytes.Buffer
	require.NoError(t, b.store.Export(b.ctx, &buf))

	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	require.NoError(t, err)
	defer f.Close()
	require.Equal(t, []string{"Parties"}, f.GetSheetList())
	rows, err := f.GetRows("Parties")
	require.NoError(t, err)
	require.Equal(t, parties.Columns, rows[0])
	require.Len(t, rows, 1+2+1+1, "one row per contact, one for a party without contacts")
	var evilRow []string
	for _, r := range rows[1:] {
		if strings.Contains(r[0], "HYPERLINK") {
			evilRow = r
		}
	}
	// The text is stored as typed, with no visible apostrophe: the cell
	// style's quote prefix keeps it from becoming a formula.
	require.Equal(t, `=HYPERLINK("http://evil")`, evilRow[0])
	require.Equal(t, "+1", evilRow[1])
	require.Equal(t, "@SUM(A1);-2", evilRow[2])
	require.Equal(t, "=cmd|' /C calc'!A0", evilRow[6])
	require.Equal(t, "-x", evilRow[7])
	require.Equal(t, 5, spreadsheettest.RequireQuotedFormulaText(t, spreadsheettest.Cells(t, buf.Bytes())))
	for r := 1; r <= len(rows); r++ {
		for c := 1; c <= len(parties.Columns); c++ {
			cell, _ := excelize.CoordinatesToCellName(c, r)
			formula, err := f.GetCellFormula("Parties", cell)
			require.NoError(t, err)
			require.Empty(t, formula, cell)
		}
	}
	panes, err := f.GetPanes("Parties")
	require.NoError(t, err)
	require.True(t, panes.Freeze)
	require.Equal(t, 1, panes.YSplit)

	auditBefore := b.count(t, `SELECT count(*) FROM audit_log`)
	res, err := b.store.Import(b.ctx, buf.Bytes(), parties.ImportOptions{})
	require.NoError(t, err)
	require.False(t, res.Changed(), "%+v", res)
	require.Equal(t, 3, res.PartiesUnchanged)
	require.Equal(t, 3, res.ContactsUnchanged)
	require.Equal(t, auditBefore, b.count(t, `SELECT count(*) FROM audit_log`))
	got, err := b.store.Get(b.ctx, evil.ID)
	require.NoError(t, err)
	require.Equal(t, `=HYPERLINK("http://evil")`, got.Name)
}

func TestImportXLSX(t *testing.T) {
	t.Parallel()
	b := setup(t)
	f := excelize.NewFile()
	rows := [][]any{
		{"party_name", "nations", "contact_name", "contact_email", "registration_number"},
		{"Isle Party", "Northern Ireland", "Dee", "dee@isle.example.org", 123},
		{},
		{"Isle Party", "northern_ireland", "Eve", "eve@isle.example.org", 123},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		require.NoError(t, f.SetSheetRow("Sheet1", cell, &r))
	}
	var buf bytes.Buffer
	require.NoError(t, f.Write(&buf))
	res, err := b.store.Import(b.ctx, buf.Bytes(), parties.ImportOptions{})
	require.NoError(t, err)
	require.Equal(t, 1, res.PartiesCreated)
	require.Equal(t, 2, res.ContactsCreated)
	require.Equal(t, 1, b.count(t, `SELECT count(*) FROM parties WHERE registration_number = '123' AND nations = '{northern_ireland}'`))

	// An error in an XLSX file names the spreadsheet row (blank rows count).
	f2 := excelize.NewFile()
	require.NoError(t, f2.SetSheetRow("Sheet1", "A1", &[]any{"party_name", "nations"}))
	require.NoError(t, f2.SetSheetRow("Sheet1", "A4", &[]any{"Bad", "moon"}))
	buf.Reset()
	require.NoError(t, f2.Write(&buf))
	_, err = b.store.Import(b.ctx, buf.Bytes(), parties.ImportOptions{})
	ie, ok := parties.AsImportError(err)
	require.True(t, ok, "%v", err)
	require.Equal(t, 4, ie.Problems[0].Row)
	require.Equal(t, "nations", ie.Problems[0].Column)

	_, err = b.store.Import(b.ctx, []byte("PK\x03\x04not really a zip"), parties.ImportOptions{})
	require.Equal(t, apperr.Invalid, apperr.CodeOf(err))
}
