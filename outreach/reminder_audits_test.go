package outreach_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/internal/audits"
	"github.com/campaignwatch/campaignwatch/internal/fixture"
	"github.com/campaignwatch/campaignwatch/internal/staff"
	"github.com/campaignwatch/campaignwatch/outreach"
)

// The election reminder names a party's own open audit recommendations,
// filled by the audit programme through the PartyFields hook: only that
// party's letters mention them, the Welsh version in Welsh only, and a
// party whose audit is closed, or that was never audited, gets nothing.
func TestElectionReminderMentionsOnlyTheOwnOpenRecommendations(t *testing.T) {
	e := newEnv(t, outreach.Settings{})
	ctx := e.user(staff.RolePoliticalTeam, 1)
	f := fixture.New(t, e.pool).UseOutreach(e.svc)
	e.svc.UsePartyFields(f.Audits().ReminderFields)

	partyID := func(name string) int64 {
		var id int64
		require.NoError(t, e.pool.QueryRow(context.Background(), `SELECT id FROM parties WHERE name = $1`, name).Scan(&id))
		return id
	}
	plaid, labour := partyID("Plaid Cymru – The Party of Wales"), partyID("Labour Party")
	const (
		actionEN = "Tell supporters before matching their email addresses on social media platforms."
		actionCY = "Dywedwch wrth gefnogwyr cyn paru eu cyfeiriadau e-bost ar lwyfannau cyfryngau cymdeithasol."
		untold   = "Keep one log of requests from individuals and check it every week."
		closedAc = "Delete estimated ethnicity where no condition allows it."
	)
	// Plaid Cymru: an audit with its report issued and two open
	// recommendations, one with a Welsh action and one without.
	f.Audit(fixture.AuditParty(plaid), fixture.AuditState("report_issued"), fixture.AuditRecs(
		fixture.DefaultRec(fixture.RecPriority("urgent"), fixture.RecArea("social_media_targeting"), fixture.RecProvisions("UKGDPR-26"),
			func(in *audits.RecommendationInput) { in.Action = actionEN }, fixture.RecWelsh("Canfyddiad.", actionCY)),
		fixture.DefaultRec(fixture.RecPriority("high"), fixture.RecArea("other"), fixture.RecProvisions(),
			func(in *audits.RecommendationInput) { in.Action = untold }),
	))

	// Labour: a closed audit whose review left its recommendation with
	// some progress; a reminder mentions only audits still open.
	f.Audit(fixture.AuditParty(labour), fixture.AuditState("closed"), fixture.AuditReview("some_progress", "limited_progress"),
		fixture.AuditRecs(fixture.DefaultRec(func(in *audits.RecommendationInput) { in.Action = closedAc })))

	in := outreach.CallInput{Hold: true, ElectionInput: outreach.ElectionInput{
		Name: "Senedd 2099", NameCY: "Etholiad y Senedd 2099", Type: "senedd", PollingDay: date("2099-05-07")}}
	pv, err := e.svc.PreviewCall(ctx, in)
	require.NoError(t, err)
	require.Greater(t, len(pv.Parties), 2)
	for _, p := range pv.Parties {
		if p.PartyID == plaid {
			require.Contains(t, p.Fields[outreach.OpenRecommendationsField], actionEN, "the preview shows what Plaid Cymru's letters add")
		} else {
			require.Empty(t, p.Fields, "%s has no open recommendation to mention", p.Party)
		}
	}
	in.Confirm = pv.Token
	res, err := e.svc.Call(ctx, in)
	require.NoError(t, err)

	rows, err := e.pool.Query(ctx, `SELECT party_id, lang, body_text, body_html FROM letters WHERE batch_id = $1`, res.BatchID)
	require.NoError(t, err)
	defer rows.Close()
	letters := 0
	for rows.Next() {
		var pid int64
		var lang, text, html string
		require.NoError(t, rows.Scan(&pid, &lang, &text, &html))
		letters++
		text = strings.Join(strings.Fields(text), " ")
		if pid != plaid {
			require.NotContains(t, text, "open audit recommendations")
			require.NotContains(t, text, "argymhellion archwilio")
			require.NotContains(t, text, closedAc)
			continue
		}
		require.Equal(t, "both", lang)
		welsh, english, ok := strings.Cut(text, "Dear ")
		require.True(t, ok, "the bilingual letter has its English version after the Welsh")
		require.Contains(t, english, "Your party's open audit recommendations")
		require.Contains(t, english, "R1 from our")
		require.Contains(t, english, actionEN)
		require.Contains(t, english, untold)
		require.Less(t, strings.Index(english, actionEN), strings.Index(english, untold), "urgent first")
		require.Contains(t, welsh, "Argymhellion archwilio eich plaid sy'n dal ar agor")
		require.Contains(t, welsh, actionCY)
		require.Contains(t, welsh, "Mae 1 argymhelliad arall ar agor hefyd (blaenoriaeth: Uchel 1).")
		for _, en := range []string{actionEN, untold, "priority", "target date", "compulsory audit"} {
			require.NotContains(t, welsh, en, "no English in the Welsh version")
		}
		require.Regexp(t, `<li[^>]*>R1 from our`, html, "the recommendations are a list")
		require.Contains(t, welsh, "R1 o'n harchwiliad gorfodol")
	}
	require.NoError(t, rows.Err())
	require.Equal(t, res.Letters, letters)
}
