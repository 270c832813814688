package audits

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/internal/audit"
	"github.com/campaignwatch/campaignwatch/internal/audits/internal/dbsqlc"
)

// normalise tidies a programme's answers and checks them all. Field names
// are ProgrammeInput's in snake case; a key finding's are finding_<area>
// and finding_cy_<area>, so a page with one box per area can put each
// message by its box. A finding left empty in both languages is no
// finding.
func (in *ProgrammeInput) normalise() error {
	var f fieldErrs
	in.Name, in.NameCY = strings.TrimSpace(in.Name), strings.TrimSpace(in.NameCY)
	in.Description = strings.TrimSpace(in.Description)
	in.SummaryTitle, in.SummaryTitleCY = strings.TrimSpace(in.SummaryTitle), strings.TrimSpace(in.SummaryTitleCY)
	in.SummaryURL = strings.TrimSpace(in.SummaryURL)
	in.PublishedOn = dayPtr(in.PublishedOn)
	f.text("name", in.Name, "the programme's name", "Enter the programme's name", maxName, false)
	f.text("name_cy", in.NameCY, "the programme's Welsh name", "", maxName, false)
	f.text("description", in.Description, "the description", "", maxText, true)
	f.text("summary_title", in.SummaryTitle, "the summary report's title", "", maxTitle, false)
	f.text("summary_title_cy", in.SummaryTitleCY, "the summary report's Welsh title", "", maxTitle, false)
	if in.SummaryURL != "" {
		u, err := url.Parse(in.SummaryURL)
		switch {
		case len(in.SummaryURL) > maxURL:
			f.add("summary_url", "too_long", "The summary report's web address must be %d characters or fewer", maxURL)
		case err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "":
			f.add("summary_url", "invalid", "Enter the summary report's web address in the correct format, like https://example.org/report")
		}
	}
	if in.SummaryTitle == "" && (in.SummaryURL != "" || in.PublishedOn != nil) {
		f.add("summary_title", "required", "Enter the summary report's title")
	}
	if in.SummaryTitleCY != "" && in.SummaryTitle == "" && !f.has("summary_title") {
		f.add("summary_title", "required", "Enter the summary report's title in English as well as in Welsh")
	}
	if in.PublishedOn != nil && in.PublishedOn.After(today()) {
		f.add("published_on", "future", "The date the summary report was published must be today or in the past")
	}
	var findings []AreaFinding
	seen := map[string]bool{}
	for _, af := range in.Findings {
		af.Area = strings.TrimSpace(af.Area)
		af.Finding, af.FindingCY = strings.TrimSpace(af.Finding), strings.TrimSpace(af.FindingCY)
		if af.Finding == "" && af.FindingCY == "" {
			continue
		}
		if !Areas.Has(af.Area) {
			f.add("findings", "invalid", "Choose an area for each key finding")
			continue
		}
		if seen[af.Area] {
			f.add("finding_"+af.Area, "duplicate", "Give one key finding for %s", strings.ToLower(Areas.Label(af.Area, "en")))
			continue
		}
		seen[af.Area] = true
		label := strings.ToLower(Areas.Label(af.Area, "en"))
		f.text("finding_"+af.Area, af.Finding, "the key finding on "+label, "Enter the key finding on "+label+" in English as well as in Welsh", maxText, true)
		f.text("finding_cy_"+af.Area, af.FindingCY, "the Welsh key finding on "+label, "", maxText, true)
		findings = append(findings, af)
	}
	slices.SortFunc(findings, func(a, b AreaFinding) int { return Areas.Rank(a.Area) - Areas.Rank(b.Area) })
	in.Findings = findings
	return f.err()
}

func programmeOf(r dbsqlc.GetProgrammeRow) Programme {
	return Programme{ID: r.ID, Name: r.Name, NameCY: r.NameCy, Description: r.Description, SummaryTitle: r.SummaryTitle,
		SummaryTitleCY: r.SummaryTitleCy, SummaryURL: r.SummaryUrl, PublishedOn: dayPtr(r.PublishedOn), Version: int(r.Version),
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, Findings: []AreaFinding{}}
}

// programmeSummary is what the audit log keeps of a programme.
func programmeSummary(p *Programme) map[string]any {
	areas := make([]string, len(p.Findings))
	for i, f := range p.Findings {
		areas[i] = f.Area
	}
	return map[string]any{"name": p.Name, "name_cy": p.NameCY, "summary_title": p.SummaryTitle, "summary_url": p.SummaryURL,
		"published_on": dateString(p.PublishedOn), "finding_areas": areas, "version": p.Version}
}

// withFindings fills the key findings of ps, in Areas order.
func withFindings(ctx context.Context, q *dbsqlc.Queries, ps []Programme) error {
	ids := make([]int64, len(ps))
	byID := map[int64]*Programme{}
	for i := range ps {
		ids[i] = ps[i].ID
		byID[ps[i].ID] = &ps[i]
	}
	rows, err := q.ProgrammeFindings(ctx, ids)
	if err != nil {
		return err
	}
	for _, r := range rows {
		p := byID[r.ProgrammeID]
		p.Findings = append(p.Findings, AreaFinding{Area: r.Area, Finding: r.Finding, FindingCY: r.FindingCy})
	}
	for i := range ps {
		slices.SortFunc(ps[i].Findings, func(a, b AreaFinding) int { return Areas.Rank(a.Area) - Areas.Rank(b.Area) })
	}
	return nil
}

func writeFindings(ctx context.Context, q *dbsqlc.Queries, id int64, fs []AreaFinding) error {
	if err := q.DeleteProgrammeFindings(ctx, id); err != nil {
		return err
	}
	for _, f := range fs {
		if err := q.InsertProgrammeFinding(ctx, dbsqlc.InsertProgrammeFindingParams{ProgrammeID: id, Area: f.Area,
			Finding: f.Finding, FindingCy: f.FindingCY}); err != nil {
			return err
		}
	}
	return nil
}

func programmeNameTaken(err error, name string) error {
	if uniqueViolation(err) == "audit_programmes_name_key" {
		return apperr.Fields(apperr.FieldError{Field: "name", Code: "taken", Message: fmt.Sprintf("A programme called %q already exists; choose another name", name)})
	}
	return err
}

// CreateProgramme creates a programme with its key findings, audited as
// audit_programme.create.
func (s *Service) CreateProgramme(ctx context.Context, in ProgrammeInput) (*Programme, error) {
	if err := in.normalise(); err != nil {
		return nil, err
	}
	var out *Programme
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		q := dbsqlc.New(tx)
		id, err := q.InsertProgramme(ctx, dbsqlc.InsertProgrammeParams{Name: in.Name, NameCy: in.NameCY, Description: in.Description,
			SummaryTitle: in.SummaryTitle, SummaryTitleCy: in.SummaryTitleCY, SummaryUrl: in.SummaryURL, PublishedOn: in.PublishedOn,
			CreatedBy: actorID(ctx)})
		if err != nil {
			return programmeNameTaken(err, in.Name)
		}
		if err := writeFindings(ctx, q, id, in.Findings); err != nil {
			return err
		}
		if out, err = getProgramme(ctx, q, id, false); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "audit_programme.create", "audit_programme", fmt.Sprint(id), audit.Change{After: programmeSummary(out)})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// UpdateProgramme changes a programme and replaces its key findings;
// in.Version must be the current version, else a Conflict. Audited as
// audit_programme.update.
func (s *Service) UpdateProgramme(ctx context.Context, id int64, in ProgrammeInput) (*Programme, error) {
	if err := in.normalise(); err != nil {
		return nil, err
	}
	var out *Programme
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		q := dbsqlc.New(tx)
		before, err := getProgramme(ctx, q, id, true)
		if err != nil {
			return err
		}
		if before.Version != in.Version {
			return stale("The programme")
		}
		if err := q.UpdateProgramme(ctx, dbsqlc.UpdateProgrammeParams{ID: id, Name: in.Name, NameCy: in.NameCY, Description: in.Description,
			SummaryTitle: in.SummaryTitle, SummaryTitleCy: in.SummaryTitleCY, SummaryUrl: in.SummaryURL, PublishedOn: in.PublishedOn}); err != nil {
			return programmeNameTaken(err, in.Name)
		}
		if err := writeFindings(ctx, q, id, in.Findings); err != nil {
			return err
		}
		if out, err = getProgramme(ctx, q, id, false); err != nil {
			return err
		}
		b, af := programmeSummary(before), programmeSummary(out)
		texts := map[string][2]string{"description": {before.Description, out.Description},
			"summary_title_cy": {before.SummaryTitleCY, out.SummaryTitleCY}}
		for _, a := range Areas {
			was, now := findingOf(before, a.Code), findingOf(out, a.Code)
			texts["finding_"+a.Code] = [2]string{was.Finding, now.Finding}
			texts["finding_cy_"+a.Code] = [2]string{was.FindingCY, now.FindingCY}
		}
		textChanges(b, af, texts)
		return audit.Record(ctx, tx, "audit_programme.update", "audit_programme", fmt.Sprint(id), audit.Change{Before: b, After: af})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// findingOf is p's key finding in area, empty when it has none.
func findingOf(p *Programme, area string) AreaFinding {
	for _, f := range p.Findings {
		if f.Area == area {
			return f
		}
	}
	return AreaFinding{Area: area}
}

func getProgramme(ctx context.Context, q *dbsqlc.Queries, id int64, lock bool) (*Programme, error) {
	var r dbsqlc.GetProgrammeRow
	var err error
	if lock {
		var l dbsqlc.LockProgrammeRow
		l, err = q.LockProgramme(ctx, id)
		r = dbsqlc.GetProgrammeRow(l)
	} else {
		r, err = q.GetProgramme(ctx, id)
	}
	if err != nil {
		return nil, notFound(err, "There is no audit programme %d.", id)
	}
	ps := []Programme{programmeOf(r)}
	if err := withFindings(ctx, q, ps); err != nil {
		return nil, err
	}
	return &ps[0], nil
}

// Programme returns one programme with its key findings, or NotFound.
func (s *Service) Programme(ctx context.Context, id int64) (*Programme, error) {
	return getProgramme(ctx, dbsqlc.New(s.pool), id, false)
}

// Programmes lists every programme with its key findings, newest first.
func (s *Service) Programmes(ctx context.Context) ([]Programme, error) {
	q := dbsqlc.New(s.pool)
	rows, err := q.ListProgrammes(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Programme, len(rows))
	for i, r := range rows {
		out[i] = programmeOf(dbsqlc.GetProgrammeRow(r))
	}
	return out, withFindings(ctx, q, out)
}
