package parties

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/internal/audit"
	"github.com/campaignwatch/campaignwatch/internal/database"
	"github.com/campaignwatch/campaignwatch/internal/plaintext"
	"github.com/campaignwatch/campaignwatch/internal/spreadsheet"
	"github.com/campaignwatch/campaignwatch/outreach/parties/internal/dbsqlc"
)

// Problem is one thing wrong with an import file. Row is numbered as in a
// spreadsheet (the header is row 1); Column is the column's name, or empty
// when the problem is with the whole row.
type Problem struct {
	Row     int    `json:"row"`
	Column  string `json:"column"`
	Message string `json:"message"`
}

// maxProblems bounds the report: past this many, a file is best fixed and
// checked again rather than read to the end.
const maxProblems = 500

// ImportError is returned when an import file has problems; nothing was
// stored. It unwraps to an apperr Invalid error.
type ImportError struct {
	Problems []Problem
	// More is how many further problems were found but not listed.
	More int
}

func (e *ImportError) Error() string {
	n := len(e.Problems) + e.More
	if n == 1 {
		return "The file has 1 problem, so nothing was imported."
	}
	return fmt.Sprintf("The file has %d problems, so nothing was imported.", n)
}

// Unwrap lets apperr and the web layer treat an ImportError as invalid input.
func (e *ImportError) Unwrap() error { return apperr.New(apperr.Invalid, "%s", e.Error()) }

// ImportResult counts what an import changed (or, for a dry run, would
// change).
type ImportResult struct {
	DryRun            bool `json:"dry_run"`
	Rows              int  `json:"rows"`
	PartiesCreated    int  `json:"parties_created"`
	PartiesUpdated    int  `json:"parties_updated"`
	PartiesUnchanged  int  `json:"parties_unchanged"`
	ContactsCreated   int  `json:"contacts_created"`
	ContactsUpdated   int  `json:"contacts_updated"`
	ContactsUnchanged int  `json:"contacts_unchanged"`
}

// Changed reports whether the import changed (or would change) anything.
func (r *ImportResult) Changed() bool {
	return r.PartiesCreated+r.PartiesUpdated+r.ContactsCreated+r.ContactsUpdated > 0
}

// ImportOptions control Import.
type ImportOptions struct {
	// DryRun checks the file and counts the changes, then rolls back.
	DryRun bool
	// Source names the file in the audit log (a file name, never content).
	Source string
}

// Import upserts the parties and contacts in data (CSV or XLSX, in the
// layout the package documentation describes) in one transaction. When
// any row is invalid it stores nothing and returns an *ImportError listing
// every problem.
func (s *Store) Import(ctx context.Context, data []byte, opts ImportOptions) (*ImportResult, error) {
	sh, err := readSheet(data)
	if err != nil {
		return nil, err
	}
	p := &importPlan{}
	p.parse(sh)
	if p.fatal {
		return nil, p.err()
	}

	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(ctx)
	// A large file (or a wait for the lock below) may take longer than
	// the pool's statement timeout allows a request; the import's own
	// deadline (the web layer's import deadline) bounds it instead.
	if err := database.LongWork(ctx, tx); err != nil {
		return nil, err
	}
	// Hold off other writers (imports and page edits) so the registry
	// cannot change between reading it and writing the plan.
	q := dbsqlc.New(tx)
	if err := q.LockRegistry(ctx); err != nil {
		return nil, err
	}
	existing, err := loadAll(ctx, q)
	if err != nil {
		return nil, err
	}
	p.resolve(existing)
	if len(p.problems) > 0 {
		return nil, p.err()
	}
	res := &ImportResult{DryRun: opts.DryRun, Rows: len(sh.rows)}
	if err := p.apply(ctx, tx, res); err != nil {
		return nil, err
	}
	if opts.DryRun {
		return res, nil
	}
	if res.Changed() {
		if err := audit.Record(ctx, tx, "party.import", "party_import", "", audit.Change{After: map[string]any{
			"source": opts.Source, "rows": res.Rows,
			"parties_created": res.PartiesCreated, "parties_updated": res.PartiesUpdated,
			"contacts_created": res.ContactsCreated, "contacts_updated": res.ContactsUpdated,
		}}); err != nil {
			return nil, err
		}
	}
	return res, tx.Commit(ctx)
}

// importPlan is an import worked out in memory before anything is written.
type importPlan struct {
	present  map[string]bool
	colIndex map[string]int
	groups   []*partyGroup
	problems []Problem
	more     int
	fatal    bool // the header is unusable; rows were not read
}

// partyGroup is the rows of one party in the file.
type partyGroup struct {
	row      int // first row
	party    Party
	contacts []contactRow
	target   *Party // the registered party it updates; nil for a new one
	merged   Party
}

type contactRow struct {
	row     int
	values  Contact // the row's values; only present columns count
	target  *Contact
	merged  Contact
	invalid bool
}

func (p *importPlan) problem(row int, column, format string, args ...any) {
	if len(p.problems) >= maxProblems {
		p.more++
		return
	}
	p.problems = append(p.problems, Problem{Row: row, Column: column, Message: fmt.Sprintf(format, args...)})
}

func (p *importPlan) err() error {
	slices.SortStableFunc(p.problems, func(a, b Problem) int { return a.Row - b.Row })
	return &ImportError{Problems: p.problems, More: p.more}
}

// parse reads the header and each row into groups, reporting everything
// that can be checked without the database.
func (p *importPlan) parse(sh *sheet) {
	p.present, p.colIndex = map[string]bool{}, map[string]int{}
	for i, raw := range sh.header {
		name := headerName(raw)
		switch {
		case name == "":
			// An unnamed column is allowed only if it is empty (spreadsheets
			// often carry a stray empty column).
			for _, r := range sh.rows {
				if i < len(r.cells) && strings.TrimSpace(r.cells[i]) != "" {
					p.problem(r.num, fmt.Sprintf("column %d", i+1), "This column has no header; name it or delete it")
					p.fatal = true
					break
				}
			}
		case !slices.Contains(Columns, name):
			p.problem(1, raw, "Unknown column %q: the columns are %s", raw, strings.Join(Columns, ", "))
			p.fatal = true
		case p.present[name]:
			p.problem(1, raw, "The column %s appears twice", name)
			p.fatal = true
		default:
			p.present[name], p.colIndex[name] = true, i
		}
	}
	for _, c := range requiredColumns {
		if !p.present[c] {
			p.problem(1, c, "The file has no %s column", c)
			p.fatal = true
		}
	}
	if p.fatal {
		return
	}
	if len(sh.rows) == 0 {
		p.problem(2, "", "The file has a header but no rows")
		p.fatal = true
		return
	}

	// A cell with text no field may hold (NUL, which PostgreSQL cannot
	// store, another control character, or bytes that are not UTF-8, which
	// an XLSX file can carry) is refused where it is, not at the insert.
	for _, r := range sh.rows {
		for i, c := range r.cells {
			if plaintext.Invalid(c, true) {
				col := fmt.Sprintf("column %d", i+1)
				if i < len(sh.header) && !plaintext.Invalid(sh.header[i], false) {
					col = sh.header[i]
				}
				p.problem(r.num, col, "Remove the control character (such as NUL) or the unreadable text from this cell")
				p.fatal = true
			}
		}
	}
	if p.fatal {
		return
	}

	byName := map[string]*partyGroup{}
	regRow := map[string]*partyGroup{}
	for _, r := range sh.rows {
		cell := func(col string) string {
			i, ok := p.colIndex[col]
			if !ok || i >= len(r.cells) {
				return ""
			}
			return spreadsheet.Restore(strings.TrimSpace(r.cells[i]))
		}
		party := Party{
			Name: cell(colPartyName), ShortName: cell(colShortName), Aliases: splitList(cell(colAliases)),
			RegistrationNumber: cell(colRegNumber),
		}
		for _, n := range splitList(cell(colNations)) {
			party.Nations = append(party.Nations, Nation(n))
		}
		var err error
		if party.Active, err = parseBool(cell(colPartyActive)); err != nil {
			p.problem(r.num, colPartyActive, "Enter yes or no")
		}
		rowOK := true
		for _, fe := range apperr.FieldsOf(party.Normalise()) {
			p.problem(r.num, partyColumn[fe.Field], "%s", fe.Message)
			rowOK = false
		}
		if party.Name == "" {
			continue
		}
		key := strings.ToLower(party.Name)
		g := byName[key]
		if g == nil {
			g = &partyGroup{row: r.num, party: party}
			byName[key] = g
			p.groups = append(p.groups, g)
			if reg := party.RegistrationNumber; reg != "" {
				if other := regRow[reg]; other != nil {
					p.problem(r.num, colRegNumber, "Registration number %s is also given to %q on row %d", reg, other.party.Name, other.row)
				} else {
					regRow[reg] = g
				}
			}
		} else if rowOK {
			p.checkSameParty(r.num, g, &party)
		}

		// The contact part of the row.
		hasContact := false
		for _, c := range contactColumnsInFile {
			if cell(c) != "" {
				hasContact = true
			}
		}
		if !hasContact {
			continue
		}
		cr := contactRow{row: r.num, values: Contact{
			Name: cell(colContactName), Position: cell(colContactPosition), Email: strings.TrimSpace(cell(colContactEmail)),
			Role: cell(colContactRole),
		}}
		if lang, ok := ParseLanguage(cell(colContactLanguage)); ok {
			cr.values.Language = lang
		} else {
			p.problem(r.num, colContactLanguage, "Enter English, Welsh, or Welsh and English (or en, cy, both); leave it empty for the party's default")
			cr.invalid = true
		}
		if cr.values.Active, err = parseBool(cell(colContactActive)); err != nil {
			p.problem(r.num, colContactActive, "Enter yes or no")
			cr.invalid = true
		}
		if msg := CheckEmail(cr.values.Email); msg != "" {
			if !p.present[colContactEmail] {
				p.problem(r.num, colContactEmail, "The file has contact details but no contact_email column")
			} else {
				p.problem(r.num, colContactEmail, "%s", msg)
			}
			cr.invalid = true
		} else {
			for _, other := range g.contacts {
				if strings.EqualFold(other.values.Email, cr.values.Email) {
					p.problem(r.num, colContactEmail, "%s is already listed for this party on row %d", cr.values.Email, other.row)
					cr.invalid = true
					break
				}
			}
		}
		g.contacts = append(g.contacts, cr)
	}
}

var partyColumn = map[string]string{
	"name": colPartyName, "short_name": colShortName, "aliases": colAliases,
	"registration_number": colRegNumber, "nations": colNations,
}

var contactColumn = map[string]string{
	"name": colContactName, "position": colContactPosition, "email": colContactEmail, "role": colContactRole,
	"review_reason": colContactName, "language": colContactLanguage,
}

// checkSameParty reports party columns on a later row of a party that
// disagree with its first row.
func (p *importPlan) checkSameParty(row int, g *partyGroup, q *Party) {
	first := &g.party
	diff := func(col, a, b string) {
		if a != b {
			p.problem(row, col, "This differs from row %d for the same party (%q there, %q here); party columns must agree on every row", g.row, a, b)
		}
	}
	diff(colShortName, first.ShortName, q.ShortName)
	diff(colAliases, strings.Join(first.Aliases, ";"), strings.Join(q.Aliases, ";"))
	diff(colRegNumber, first.RegistrationNumber, q.RegistrationNumber)
	diff(colNations, joinNations(first.Nations), joinNations(q.Nations))
	diff(colPartyActive, formatBool(first.Active), formatBool(q.Active))
}

func joinNations(ns []Nation) string { return strings.Join(nationStrings(ns), ";") }

// resolve matches each group with a registered party and each contact row
// with a registered contact, merges the file's values over theirs, and
// checks the result.
func (p *importPlan) resolve(existing []Party) {
	byReg, byName := map[string]*Party{}, map[string]*Party{}
	for i := range existing {
		e := &existing[i]
		if e.RegistrationNumber != "" {
			byReg[e.RegistrationNumber] = e
		}
		byName[strings.ToLower(e.Name)] = e
	}
	claimed := map[int64]*partyGroup{}
	for _, g := range p.groups {
		f := &g.party
		if f.RegistrationNumber != "" {
			g.target = byReg[f.RegistrationNumber]
		}
		if g.target == nil {
			g.target = byName[strings.ToLower(f.Name)]
			if t := g.target; t != nil && p.present[colRegNumber] && t.RegistrationNumber != "" && t.RegistrationNumber != f.RegistrationNumber {
				p.problem(g.row, colRegNumber, "%q is registered with registration number %s, not %q", t.Name, t.RegistrationNumber, f.RegistrationNumber)
				continue
			}
		} else if other := byName[strings.ToLower(f.Name)]; other != nil && other.ID != g.target.ID {
			p.problem(g.row, colPartyName, "Registration number %s belongs to %q, and another registered party is already called %q",
				f.RegistrationNumber, g.target.Name, other.Name)
			continue
		}
		if t := g.target; t != nil {
			if prev := claimed[t.ID]; prev != nil {
				p.problem(g.row, colPartyName, "This is the same registered party as %q on row %d", prev.party.Name, prev.row)
				continue
			}
			claimed[t.ID] = g
		}

		// The merged party: the registered one with the file's columns
		// over it, or the file's values for a new party.
		m := Party{Active: true, Aliases: []string{}}
		if t := g.target; t != nil {
			m = *t
		}
		m.Name = f.Name
		m.Nations = f.Nations
		if p.present[colShortName] {
			m.ShortName = f.ShortName
		}
		if p.present[colAliases] {
			m.Aliases = f.Aliases
		}
		if p.present[colRegNumber] {
			m.RegistrationNumber = f.RegistrationNumber
		}
		if p.present[colPartyActive] {
			m.Active = f.Active
		}
		m.Contacts = nil
		g.merged = m

		for i := range g.contacts {
			cr := &g.contacts[i]
			if cr.invalid {
				continue
			}
			v := &cr.values
			c := Contact{Active: true, Role: DefaultRole}
			if t := g.target; t != nil {
				for j := range t.Contacts {
					if strings.EqualFold(t.Contacts[j].Email, v.Email) {
						cr.target = &t.Contacts[j]
						c = t.Contacts[j]
						break
					}
				}
			}
			c.Email = v.Email
			if p.present[colContactName] {
				c.Name = v.Name
			}
			if p.present[colContactPosition] {
				c.Position = v.Position
			}
			if p.present[colContactRole] {
				c.Role = v.Role
			}
			if p.present[colContactActive] {
				c.Active = v.Active
			}
			if p.present[colContactLanguage] {
				c.Language = v.Language
			}
			for _, fe := range apperr.FieldsOf(c.Normalise()) {
				p.problem(cr.row, contactColumn[fe.Field], "%s", fe.Message)
			}
			cr.merged = c
		}
	}
}

// apply writes the plan in tx and counts what changed. A unique index that
// still objects (a rename clashing with another change in the same file)
// is reported as a problem on the group's first row.
func (p *importPlan) apply(ctx context.Context, tx pgx.Tx, res *ImportResult) error {
	asProblem := func(row int, columns map[string]string, err error) error {
		if fields := apperr.FieldsOf(err); len(fields) > 0 {
			for _, fe := range fields {
				p.problem(row, columns[fe.Field], "%s", fe.Message)
			}
			return p.err()
		}
		return err
	}
	for _, g := range p.groups {
		m := &g.merged
		switch t := g.target; {
		case t == nil:
			if err := createParty(ctx, tx, m); err != nil {
				return asProblem(g.row, partyColumn, err)
			}
			res.PartiesCreated++
		case samePartyFields(t, m):
			res.PartiesUnchanged++
		default:
			if err := writeParty(ctx, tx, m); err != nil {
				return asProblem(g.row, partyColumn, err)
			}
			if err := audit.Record(ctx, tx, partyAction(t, m), "party", fmt.Sprint(m.ID),
				audit.Change{Before: partySummary(t), After: partySummary(m)}); err != nil {
				return err
			}
			res.PartiesUpdated++
		}
		for i := range g.contacts {
			cr := &g.contacts[i]
			c := &cr.merged
			c.PartyID = m.ID
			switch t := cr.target; {
			case t == nil:
				if err := createContact(ctx, tx, c); err != nil {
					return asProblem(cr.row, contactColumn, err)
				}
				res.ContactsCreated++
			case *t == *c:
				res.ContactsUnchanged++
			default:
				if !strings.EqualFold(t.Email, c.Email) {
					c.NeedsReview, c.ReviewReason = false, ""
				}
				if err := writeContact(ctx, tx, c); err != nil {
					return asProblem(cr.row, contactColumn, err)
				}
				if err := audit.Record(ctx, tx, contactAction(t, c), "party_contact", fmt.Sprint(c.ID),
					audit.Change{Before: contactSummary(t), After: contactSummary(c)}); err != nil {
					return err
				}
				res.ContactsUpdated++
			}
		}
	}
	return nil
}

// AsImportError returns the *ImportError in err's chain, if any.
func AsImportError(err error) (*ImportError, bool) {
	var ie *ImportError
	ok := errors.As(err, &ie)
	return ie, ok
}
