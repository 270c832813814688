package audits

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/internal/audits/internal/dbsqlc"
	"github.com/campaignwatch/campaignwatch/internal/legal"
	"github.com/campaignwatch/campaignwatch/internal/organisation"
)

// FollowUpReport is the follow-up report for one party's audit: the
// audit, its recommendations by area and priority with their status at
// follow-up, status by priority, and what remains open.
type FollowUpReport struct {
	Audit           Audit
	Programme       *Programme
	Recommendations []Recommendation
	// Languages are the languages the party reads ("en", or "cy" and
	// "en"): a party with Welsh readers gets the report in both.
	Languages []string
	// Org is the regulator's particulars in force, for the report's
	// heading and the guidance it links to.
	Org         *organisation.Settings
	GeneratedAt time.Time
	// LetterBatch is the audit's follow-up letter batch, when one was
	// drafted.
	LetterBatch *LetterBatch
	cites       citations
}

// LetterBatch is the letter batch an audit's follow-up letter was
// drafted in, and the state it has reached.
type LetterBatch struct {
	ID    int64
	State string
}

// Live reports whether the batch still stands (it was not cancelled), so
// that a second letter would reach the party twice.
func (b *LetterBatch) Live() bool { return b != nil && b.State != "cancelled" }

// Waiting reports whether the batch has yet to be released, so it can
// still be cancelled.
func (b *LetterBatch) Waiting() bool {
	return b != nil && (b.State == "held" || b.State == "scheduled")
}

// batchStates are the letter batch states in words.
var batchStates = map[string]string{
	"held":      "held until a colleague releases it",
	"scheduled": "scheduled to be sent",
	"released":  "released for sending",
	"sent":      "sent",
	"cancelled": "cancelled",
}

// StateText is the batch's state in words, for the report page.
func (b *LetterBatch) StateText() string {
	if t, ok := batchStates[b.State]; ok {
		return t
	}
	return "in progress"
}

// citations are the law's citations in full, by language and id, looked
// up once when an output is built so that an id the rulebook does not
// know fails the output instead of printing the id.
type citations map[string]string

// citeAll looks up the citation of every id in English and Welsh.
func citeAll(ids ...string) (citations, error) {
	c := citations{}
	for _, id := range ids {
		for _, lang := range []string{"en", "cy"} {
			t, err := legal.Cite(id, lang)
			if err != nil {
				return nil, fmt.Errorf("cannot cite the law: %w", err)
			}
			c[lang+"|"+id] = t
		}
	}
	return c, nil
}

// of is the citation of id in lang, looked up by citeAll.
func (c citations) of(id, lang string) string {
	if lang != "cy" {
		lang = "en"
	}
	return c[lang+"|"+id]
}

// recProvisions are the provision ids the recommendations rest on.
func recProvisions(recs []Recommendation) []string {
	var ids []string
	for _, r := range recs {
		ids = append(ids, r.Provisions...)
	}
	return ids
}

// FollowUpReport builds the follow-up report of an audit. When the
// party has Welsh readers the report is in Welsh too, so every
// recommendation needs its finding and action in Welsh: FollowUpReport
// refuses, naming the recommendations that lack them, rather than put
// English inside the Welsh version.
func (s *Service) FollowUpReport(ctx context.Context, auditID int64) (*FollowUpReport, error) {
	var rep *FollowUpReport
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{AccessMode: pgx.ReadOnly, IsoLevel: pgx.RepeatableRead}, func(tx pgx.Tx) error {
		var err error
		rep, err = s.followUpReport(ctx, tx, auditID)
		return err
	})
	return rep, err
}

// followUpReport reads the report in tx.
func (s *Service) followUpReport(ctx context.Context, tx pgx.Tx, auditID int64) (*FollowUpReport, error) {
	q := dbsqlc.New(tx)
	// The audit as its own page shows it (GetAudit), so the report and
	// the page never disagree on it.
	ap, err := getAudit(ctx, q, auditID)
	if err != nil {
		return nil, err
	}
	a := *ap
	recs, err := s.outputRecommendations(ctx, q, []int64{a.ID})
	if err != nil {
		return nil, err
	}
	rep := &FollowUpReport{Audit: a, Recommendations: recs[a.ID], GeneratedAt: time.Now()}
	if rep.cites, err = citeAll(recProvisions(rep.Recommendations)...); err != nil {
		return nil, err
	}
	if a.LetterBatchID != nil {
		rep.LetterBatch = &LetterBatch{ID: *a.LetterBatchID, State: a.LetterBatchState}
	}
	if a.ProgrammeID != nil {
		if rep.Programme, err = outputProgramme(ctx, q, *a.ProgrammeID); err != nil {
			return nil, err
		}
	}
	langs, err := q.OutputReaderLanguages(ctx, a.PartyID)
	if err != nil {
		return nil, err
	}
	rep.Languages = []string{"en"}
	if slices.ContainsFunc(langs, func(l string) bool { return l == "cy" || l == "both" }) {
		rep.Languages = []string{"cy", "en"}
	}
	if rep.Org, err = s.org(ctx); err != nil {
		return nil, err
	}
	if rep.Bilingual() {
		var missing []string
		for _, r := range rep.Recommendations {
			if strings.TrimSpace(r.FindingCY) == "" || strings.TrimSpace(r.ActionCY) == "" {
				missing = append(missing, r.Ref())
			}
		}
		if len(missing) > 0 {
			return nil, apperr.New(apperr.Invalid, "%s has contacts who read Welsh, so the follow-up report is in Welsh too, but %s %s no Welsh finding or action: add them first.",
				a.PartyName, joinAnd(missing), map[bool]string{true: "has", false: "have"}[len(missing) == 1])
		}
	}
	return rep, nil
}

// org is the regulator's particulars in force.
func (s *Service) org(ctx context.Context) (*organisation.Settings, error) {
	if s.set.Org == nil {
		return organisation.Defaults(nil), nil
	}
	return s.set.Org.Current(ctx)
}

// Bilingual reports whether the report is in Welsh and English.
func (r *FollowUpReport) Bilingual() bool { return slices.Contains(r.Languages, "cy") }

func auditOfRow(r dbsqlc.OutputProgrammeAuditsRow) Audit {
	return Audit{ID: r.ID, ProgrammeID: r.ProgrammeID, ProgrammeName: r.ProgrammeName, PartyID: r.PartyID, PartyName: r.PartyName,
		Type: r.AuditType, NoticeOn: r.NoticeOn, FieldworkFrom: r.FieldworkFrom, FieldworkTo: r.FieldworkTo, ReportOn: r.ReportOn,
		FollowUpOn: r.FollowUpOn, Scope: r.Scope, Auditors: r.Auditors, Assurance: r.Assurance, State: r.State,
		Conclusion: r.Conclusion, ConclusionNote: r.ConclusionNote, GoodPractice: r.GoodPractice, GoodPracticeCY: r.GoodPracticeCy,
		LetterBatchID: r.LetterBatchID, Version: int(r.Version), CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
}

// outputRecommendations reads the recommendations of audits, by audit,
// as an audit's page has them (AuditRecommendations).
func (s *Service) outputRecommendations(ctx context.Context, q *dbsqlc.Queries, auditIDs []int64) (map[int64][]Recommendation, error) {
	rows, err := q.AuditRecommendations(ctx, dbsqlc.AuditRecommendationsParams{AuditIds: auditIDs, Today: today()})
	if err != nil {
		return nil, err
	}
	out := map[int64][]Recommendation{}
	for _, r := range rows {
		out[r.AuditID] = append(out[r.AuditID], recOf(r))
	}
	return out, nil
}

// outputProgramme reads a programme with its key findings in Areas order.
func outputProgramme(ctx context.Context, q *dbsqlc.Queries, id int64) (*Programme, error) {
	r, err := q.OutputProgramme(ctx, id)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, apperr.New(apperr.NotFound, "There is no audit programme %d.", id)
	}
	if err != nil {
		return nil, err
	}
	p := &Programme{ID: r.ID, Name: r.Name, NameCY: r.NameCy, Description: r.Description, SummaryTitle: r.SummaryTitle,
		SummaryTitleCY: r.SummaryTitleCy, SummaryURL: r.SummaryUrl, PublishedOn: r.PublishedOn, Version: int(r.Version),
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
	fs, err := q.OutputProgrammeFindings(ctx, id)
	if err != nil {
		return nil, err
	}
	for _, f := range fs {
		p.Findings = append(p.Findings, AreaFinding{Area: f.Area, Finding: f.Finding, FindingCY: f.FindingCy})
	}
	slices.SortFunc(p.Findings, func(a, b AreaFinding) int { return Areas.Rank(a.Area) - Areas.Rank(b.Area) })
	return p, nil
}

// joinAnd lists items as "R1, R2 and R3".
func joinAnd(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}
