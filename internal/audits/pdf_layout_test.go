package audits_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/internal/fixture"
	"github.com/campaignwatch/campaignwatch/internal/outputtest"
	"github.com/campaignwatch/campaignwatch/outreach/parties"
)

// TestPDFLayout renders a bilingual follow-up report and the summary and
// checks every page: no two words overlap, nothing runs past the
// margins, Welsh first, and nothing a party reads shows a code.
func TestPDFLayout(t *testing.T) {
	t.Parallel()
	e := newOutputsEnv(t)
	prog := e.programme(t)
	party := e.f.Party(fixture.PartyName("Plaid Gŵyr"), fixture.PartyContacts(parties.Contact{Name: "Ceri Jones", Position: "Swyddog",
		Email: "ceri@plaid.example.org", Role: parties.DefaultRole, Active: true, Language: strPtr("both")}))
	id := e.auditOf(t, prog, party.ID, priorities(6, 8, 5, 1), true)
	e.auditOf(t, prog, e.f.Party().ID, priorities(3, 3, 5, 1), false)
	rep, err := e.svc.FollowUpReport(e.ctx, id)
	require.NoError(t, err)
	require.Equal(t, []string{"cy", "en"}, rep.Languages)
	pdf, err := rep.PDF()
	require.NoError(t, err)
	words := outputtest.RequirePDFLayout(t, pdf, 18*72/25.4)
	for _, w := range []string{"Urgent", "Brys", "Completed", "R1", "Priority"} {
		require.True(t, words[w], "the report has %q", w)
	}
	text := outputtest.PDFText(t, pdf)
	require.Less(t, strings.Index(text, "Adroddiad dilynol"), strings.Index(text, "Audit follow-up report"), "Welsh first")
	require.Contains(t, text, "Gŵyr", "the embedded Unicode font prints ŵ")
	require.Contains(t, text, "Article 13 of the UK GDPR")
	require.Contains(t, text, "Erthygl 13 o GDPR y DU")
	require.NotRegexp(t, internalID, text)

	sum, err := e.svc.Summary(e.ctx, prog)
	require.NoError(t, err)
	pdf, err = sum.PDF("en")
	require.NoError(t, err)
	words = outputtest.RequirePDFLayout(t, pdf, 18*72/25.4)
	require.True(t, words["Party"])
	text = outputtest.PDFText(t, pdf)
	require.Contains(t, text, "Plaid Gŵyr")
	require.Contains(t, text, sum.Headline("en"))
	require.NotRegexp(t, internalID, text)
}
