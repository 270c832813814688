package auditdemo

import (
	"context"
	"fmt"
	"strings"

	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/audits"
	"github.com/campaignwatch/campaignwatch/outreach/parties"
)

// The demo's audit under way: a consensual audit of one party, its report
// issued four months ago, whose urgent and high recommendations are past
// their target dates. The closed 2019 programme shows the outputs; this
// one shows what the team works on day to day: overdue flags, the daily
// digest, a party's open urgent and high recommendations on its page, and
// the mention of them in the next election reminder.

// UnderWayProgrammeName is the programme the audit under way belongs to.
const UnderWayProgrammeName = "Consensual audits requested by parties"

// UnderWayParty is the party audited.
const UnderWayParty = "Scottish Green Party"

// UnderWayResult says what LoadUnderWay did.
type UnderWayResult struct {
	Created         bool
	Recommendations int
	// Overdue is how many of its recommendations were overdue today.
	Overdue int
}

// underWayPlan are the audit's recommendations: one kind of
// recommendation per area (recTexts), its priority, the months after the
// report its target falls, and whether the party has sent an update since.
var underWayPlan = []struct {
	area, kind int
	priority   string
	months     int
	updated    bool
}{
	{0, 1, "urgent", 1, false},
	{1, 0, "urgent", 1, true},
	{2, 2, "high", 2, false},
	{4, 1, "high", 3, false},
	{3, 0, "medium", 6, false},
	{5, 0, "low", 9, false},
}

// LoadUnderWay adds the audit under way once, dated from today: a second
// run finds its programme's audit and changes nothing.
func LoadUnderWay(ctx context.Context, svc *audits.Service, registry *parties.Store) (*UnderWayResult, error) {
	all, err := registry.All(ctx)
	if err != nil {
		return nil, err
	}
	var partyID int64
	for _, p := range all {
		if p.Name == UnderWayParty {
			partyID = p.ID
		}
	}
	if partyID == 0 {
		return nil, fmt.Errorf("demo audits: the party %q is not in the registry; load the demo parties first", UnderWayParty)
	}
	progs, err := svc.Programmes(ctx)
	if err != nil {
		return nil, err
	}
	var progID int64
	for _, p := range progs {
		if strings.EqualFold(p.Name, UnderWayProgrammeName) {
			progID = p.ID
		}
	}
	if progID != 0 {
		done, err := svc.Audits(ctx, audits.AuditFilter{ProgrammeID: progID})
		if err != nil || len(done) > 0 {
			return &UnderWayResult{}, err
		}
	} else {
		prog, err := svc.CreateProgramme(ctx, audits.ProgrammeInput{Name: UnderWayProgrammeName,
			NameCY:      "Archwiliadau cydsyniol ar gais pleidiau",
			Description: "Audits a party asked us for, outside any round of compulsory audits."})
		if err != nil {
			return nil, fmt.Errorf("demo programme under way: %w", err)
		}
		progID = prog.ID
	}

	today := vocab.Today()
	report := today.AddDate(0, -4, 0)
	from, to := report.AddDate(0, 0, -42), report.AddDate(0, 0, -28)
	a, err := svc.CreateAudit(ctx, audits.AuditInput{ProgrammeID: &progID, PartyID: partyID, Type: "consensual",
		FieldworkFrom: &from, FieldworkTo: &to, ReportOn: &report,
		Scope:     []string{"policies_procedures", "fairness_transparency", "social_media", "individual_rights"},
		Auditors:  []string{"Morgan Price", "Isla Grant"},
		Assurance: "reasonable",
		GoodPractice: "The party keeps a single register of the data it holds on members and supporters, " +
			"reviewed by its executive every quarter."})
	if err != nil {
		return nil, fmt.Errorf("demo audit under way: %w", err)
	}
	var recs []*audits.Recommendation
	for _, p := range underWayPlan {
		rt := recTexts[p.area][p.kind]
		r, err := svc.AddRecommendation(ctx, a.ID, audits.RecommendationInput{Area: rt.area, Finding: rt.finding.en, Action: rt.action.en,
			FindingCY: rt.finding.cy, ActionCY: rt.action.cy, Priority: p.priority, TargetOn: report.AddDate(0, p.months, 0),
			Provisions: rt.provisions, Guidance: rt.gdnc})
		if err != nil {
			return nil, err
		}
		recs = append(recs, r)
	}
	for _, next := range []string{"fieldwork", "report_issued"} {
		if a, err = svc.Advance(ctx, a.ID, next, a.Version); err != nil {
			return nil, err
		}
	}
	for i, r := range recs {
		due := r.TargetOn
		if _, err := svc.RecordResponse(ctx, r.ID, audits.ResponseInput{Answer: "agreed", Action: "The party will " + lowerFirst(r.Action),
			Owner: "Data Protection Officer", DueOn: &due, Version: r.Version}); err != nil {
			return nil, err
		}
		if underWayPlan[i].updated {
			if _, err := svc.AddProgress(ctx, r.ID, audits.ProgressInput{NotedOn: r.TargetOn.AddDate(0, 0, 10),
				Note: recTexts[underWayPlan[i].area][underWayPlan[i].kind].progress}); err != nil {
				return nil, err
			}
		}
	}
	if a, err = svc.Audit(ctx, a.ID); err != nil {
		return nil, err
	}
	if _, err = svc.Advance(ctx, a.ID, "follow_up", a.Version); err != nil {
		return nil, err
	}
	overdue, err := svc.Overdue(ctx, today)
	if err != nil {
		return nil, err
	}
	res := &UnderWayResult{Created: true, Recommendations: len(recs)}
	for _, o := range overdue {
		if o.AuditID == a.ID {
			res.Overdue++
		}
	}
	return res, nil
}
