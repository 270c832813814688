package reports_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/outputtest"
	"github.com/campaignwatch/campaignwatch/reports"
)

// TestPDFLayout renders the election overview and a bilingual party
// report for a seeded election and checks every page: no two words
// overlap and nothing runs past the margins.
func TestPDFLayout(t *testing.T) {
	t.Parallel()
	b := setup(t, 300)
	over, err := b.store.ElectionReport(b.ctx, b.election)
	require.NoError(t, err)
	pdf, err := over.PDF()
	require.NoError(t, err)
	words := outputtest.RequirePDFLayout(t, pdf, 15*72/25.4)
	// Every header is there: a word pushed off the page is not drawn
	// over another, but it is lost.
	for _, w := range []string{"Party", "Complaints", "scope", "report", "triaged", "Urgent", "High", "Closed", "apart"} {
		require.True(t, words[w], "the overview's header has %q", w)
	}

	var partyID int64
	require.NoError(t, b.pool.QueryRow(b.ctx, `SELECT party_id FROM complaints WHERE election_id = $1 AND party_id IS NOT NULL
		GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1`, b.election).Scan(&partyID))
	// A party standing in Wales gets its report in Welsh and English.
	// Its name has a ŵ, which the standard PDF font cannot print.
	_, err = b.pool.Exec(b.ctx, `UPDATE parties SET nations = ARRAY['wales'], name = name || ' Gŵyr' WHERE id = $1`, partyID)
	require.NoError(t, err)
	rep, err := b.store.PartyReport(b.ctx, b.election, partyID)
	require.NoError(t, err)
	require.Equal(t, []string{"cy", "en"}, rep.Languages)
	rep.ReplyBy = reports.DefaultReplyBy(rep.GeneratedAt)
	pdf, err = rep.PDF()
	require.NoError(t, err)
	require.NotEmpty(t, outputtest.RequirePDFLayout(t, pdf, 20*72/25.4))
	// An embedded font shows glyph ids, not characters: poppler maps them back.
	text := outputtest.PDFText(t, pdf)
	require.Less(t, strings.Index(text, "Cwynion am"), strings.Index(text, "Complaints about"), "Welsh first")
	require.Contains(t, text, "Gŵyr", "the embedded Unicode font prints ŵ")
	requirePartyReadable(t, text)
	for _, lang := range []string{"cy", "en"} {
		for k, v := range rep.LetterFields(lang) {
			require.NotEmpty(t, v, k)
			requirePartyReadable(t, v)
		}
	}
	require.Contains(t, rep.LetterFields("cy")["ReplyBy"], vocab.FormatDate(rep.ReplyBy, "cy"))
}
