package reports_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/audits"
	"github.com/campaignwatch/campaignwatch/internal/fixture"
	"github.com/campaignwatch/campaignwatch/reports"
)

// A party's follow-up report lists, for each of its open audit
// recommendations, the election's complaints about the party that touch
// it: triaged under a provision of the recommendation or of its area, or
// (social media targeting) reported as a social media advert. Every count
// is the database's, the examples carry no personal data, and the PDF says
// it in the party's words.
func TestPartyReportCountsComplaintsTouchingOpenAuditRecommendations(t *testing.T) {
	t.Parallel()
	b := setup(t, 600)
	var partyID int64
	require.NoError(t, b.pool.QueryRow(b.ctx, `SELECT c.party_id FROM complaints c WHERE c.election_id = $1 AND c.party_id IS NOT NULL
		GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1`, b.election).Scan(&partyID))

	f := fixture.New(t, b.pool)
	recs := []audits.RecommendationInput{
		fixture.DefaultRec(fixture.RecPriority("urgent"), fixture.RecArea("social_media_targeting"), fixture.RecProvisions("UKGDPR-26")),
		fixture.DefaultRec(fixture.RecPriority("high"), fixture.RecArea("privacy_information"), fixture.RecProvisions("UKGDPR-13"),
			fixture.RecWelsh("Canfyddiad.", "Ailysgrifennwch yr hysbysiad preifatrwydd.")),
		fixture.DefaultRec(fixture.RecPriority("medium"), fixture.RecArea("accountability"), fixture.RecProvisions()),
		fixture.DefaultRec(fixture.RecPriority("low"), fixture.RecArea("other"), fixture.RecProvisions()),
	}
	f.Audit(fixture.AuditParty(partyID), fixture.AuditState("report_issued"), fixture.AuditRecs(recs...))
	b.store.UseAudits(f.Audits().ReportRecommendations)

	rep, err := b.store.PartyReport(b.ctx, b.election, partyID)
	require.NoError(t, err)
	require.Len(t, rep.AuditLinks, len(recs), "every open recommendation is listed")

	// Each count again in SQL: the party's in-scope complaints in the
	// election, triaged under one of the provisions, or reporting the
	// channels.
	where := `c.election_id = $1 AND c.party_id = $2` + inScope + ` AND (EXISTS (SELECT 1 FROM triage_results t WHERE t.complaint_id = c.id
		AND t.is_current AND t.provisions::text[] && $3::text[]) OR ` + reported + ` && $4::text[])`
	touchedSome := false
	for i, l := range rep.AuditLinks {
		in := recs[i]
		require.Equal(t, "R"+string(rune('1'+i)), l.Rec.Ref, "urgent first, as numbered")
		provisions := audits.AreaProvisions(in.Area)
		for _, id := range in.Provisions {
			if !slices.Contains(provisions, id) {
				provisions = append(provisions, id)
			}
		}
		channels := []string{}
		if in.Area == "social_media_targeting" {
			channels = []string{vocab.ChannelSocialMediaAd}
		}
		require.ElementsMatch(t, provisions, l.Rec.Provisions, in.Area)
		require.Equal(t, channels, append([]string{}, l.Rec.Channels...), in.Area)
		require.Equal(t, sqlCount(t, b, where, b.election, partyID, provisions, channels), l.Complaints, in.Area)
		for _, ch := range vocab.ChannelCodes() {
			require.Equal(t, sqlCount(t, b, where+` AND $5 = ANY(`+reported+`)`, b.election, partyID, provisions, channels, ch),
				l.ByChannel[ch], "%s by %s", in.Area, ch)
		}
		require.LessOrEqual(t, len(l.Examples), reports.AuditExamplesShown)
		if l.Complaints > 0 {
			touchedSome = true
			require.NotEmpty(t, l.Examples, in.Area)
		}
		for _, ex := range l.Examples {
			requireNoPersonalData(t, b, ex.Text)
		}
	}
	require.True(t, touchedSome, "the demo complaints touch at least one recommendation")
	// "Other" has no provisions of its own and none of its area: nothing
	// touches it.
	require.Zero(t, rep.AuditLinks[3].Complaints)

	// The party reads labels and the action, in each language; the
	// Welsh version never quotes an English action.
	en, cy := rep.AuditLines("en"), rep.AuditLines("cy")
	require.Equal(t, "Social media targeting", en[0].Area)
	require.Equal(t, "Urgent", en[0].Priority)
	require.Equal(t, recs[0].Action, en[0].Action)
	require.Equal(t, "Targedu ar gyfryngau cymdeithasol", cy[0].Area)
	require.Equal(t, "Brys", cy[0].Priority)
	require.NotContains(t, cy[0].Action, recs[0].Action)
	require.Contains(t, cy[0].Action, "Gweler adroddiad ein harchwiliad")
	require.Equal(t, "Ailysgrifennwch yr hysbysiad preifatrwydd.", cy[1].Action)

	pdf, err := rep.PDF()
	require.NoError(t, err)
	text := strings.Join(strings.Fields(PDFText(t, pdf)), " ")
	require.Contains(t, text, "Your open audit recommendations")
	require.Contains(t, text, rep.AuditSummary("en"))
	require.Contains(t, text, "Social media targeting")
	requireNoPersonalData(t, b, text)
	requirePartyReadable(t, text)
}

// The audit section's opening sentence agrees with its number in both
// languages: one recommendation is "1 open recommendation" and "1
// argymhelliad", never "1 open recommendations" or "1 o argymhellion".
func TestAuditSummaryAgreesWithItsNumber(t *testing.T) {
	t.Parallel()
	one := &reports.PartyReport{AuditLinks: []reports.AuditLink{{Complaints: 2}}}
	require.Equal(t, "Your party has 1 open recommendation from our audits, and complaints in this election touch it.", one.AuditSummary("en"))
	require.Equal(t, "Mae gan eich plaid 1 argymhelliad ar agor o'n harchwiliadau, ac mae cwynion yn yr etholiad hwn yn ymwneud ag ef.", one.AuditSummary("cy"))
	untouched := &reports.PartyReport{AuditLinks: []reports.AuditLink{{}}}
	require.Contains(t, untouched.AuditSummary("en"), "1 open recommendation from our audits; no complaint")
	require.NotContains(t, untouched.AuditSummary("cy"), "argymhellion")
	three := &reports.PartyReport{AuditLinks: []reports.AuditLink{{Complaints: 1}, {}, {}}}
	require.Equal(t, "Your party has 3 open recommendations from our audits; complaints in this election touch 1 of them.", three.AuditSummary("en"))
	require.Contains(t, three.AuditSummary("cy"), "3 o argymhellion ar agor")
}
