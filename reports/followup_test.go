package reports_test

import (
	"bytes"
	"compress/zlib"
	"io"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/complaints"
	"github.com/campaignwatch/campaignwatch/complaints/review"
	"github.com/campaignwatch/campaignwatch/complaints/triage"
	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/fixture"
	"github.com/campaignwatch/campaignwatch/reports"
)

// PDFText returns the text a PDF's content streams show, decompressed,
// with the string escapes undone: enough to search for words.
func PDFText(t *testing.T, pdf []byte) string {
	t.Helper()
	require.True(t, bytes.HasPrefix(pdf, []byte("%PDF-")))
	var out strings.Builder
	streams := regexp.MustCompile(`(?s)stream\r?\n(.*?)\r?\nendstream`).FindAllSubmatch(pdf, -1)
	require.NotEmpty(t, streams)
	shown := regexp.MustCompile(`\(((?:\\.|[^\\)])*)\)\s*Tj`)
	for _, s := range streams {
		data := s[1]
		if r, err := zlib.NewReader(bytes.NewReader(data)); err == nil {
			if d, err := io.ReadAll(r); err == nil {
				data = d
			}
		}
		for _, m := range shown.FindAllSubmatch(data, -1) {
			out.WriteString(strings.NewReplacer(`\(`, "(", `\)`, ")", `\\`, `\`).Replace(string(m[1])))
			out.WriteString("\n")
		}
	}
	return out.String()
}

func TestPartyReportMatchesDatabase(t *testing.T) {
	t.Parallel()
	b := setup(t, 600)
	var partyID int64
	var partyName string
	// The party with the most complaints among those with a complaint
	// triage found out of scope, so the report is seen to leave it out.
	require.NoError(t, b.pool.QueryRow(b.ctx, `SELECT p.id, p.name FROM complaints c JOIN parties p ON p.id = c.party_id
		LEFT JOIN triage_results t ON t.complaint_id = c.id AND t.is_current
		WHERE c.election_id = $1 GROUP BY 1, 2 ORDER BY bool_or(coalesce(t.out_of_scope, false)) DESC, count(*) DESC, 1 LIMIT 1`,
		b.election).Scan(&partyID, &partyName))
	// A complaint whose message quotes the complainant's own details, which
	// an officer judged urgent after triage.
	urgent := fixture.New(t, b.pool).Complaint(func(s *complaints.Submission) {
		s.PartyID, s.Sender, s.ReceivedAt = &partyID, "+447700900001", time.Now().Add(-2*time.Hour)
		s.Message = "Hi Ophelia Brightwater, reply to ob@example.net or call 07700 900123, we will visit SW1A 1AA"
		s.Complainant = &complaints.Complainant{Name: "Ophelia Brightwater", Email: "ob@example.net", Phone: "07700 900123", Postcode: "SW1A 1AA"}
	})
	rb, err := triage.DefaultRulebook()
	require.NoError(t, err)
	engine, err := triage.NewEngine(rb)
	require.NoError(t, err)
	_, err = review.NewPipeline(b.pool, engine).Triage(b.ctx, urgent.ComplaintID)
	require.NoError(t, err)
	require.NoError(t, review.NewService(b.pool, nil).Override(b.ctx, urgent.Reference, review.Override{Priority: "urgent", Reason: "The party has the complainant's home address"}))

	rep, err := b.store.PartyReport(b.ctx, b.election, partyID)
	require.NoError(t, err)
	// The report counts the party's complaints other than those triage
	// found out of scope, and says how many of those there were.
	all := `c.election_id = $1 AND c.party_id = $2`
	where := all + ` AND NOT EXISTS (SELECT 1 FROM triage_results t WHERE t.complaint_id = c.id AND t.is_current AND t.out_of_scope)`
	require.Equal(t, sqlCount(t, b, where, b.election, partyID), rep.Total)
	require.Positive(t, rep.Total)
	outOfScope := sqlCount(t, b, all+` AND EXISTS (SELECT 1 FROM triage_results t WHERE t.complaint_id = c.id AND t.is_current AND t.out_of_scope)`, b.election, partyID)
	require.Positive(t, outOfScope)
	require.Equal(t, outOfScope, rep.OutOfScope)
	sum := func(cs []reports.Count) int {
		n := 0
		for _, c := range cs {
			n += c.Count
		}
		return n
	}
	require.Equal(t, rep.OutOfScope, sum(rep.Referrals))
	require.Contains(t, rep.OutOfScopeNote(), partyName)
	// By channel a complaint counts once per channel it reports, so the
	// channel figures add up to at least the total.
	require.GreaterOrEqual(t, sum(rep.ByChannel), rep.Total)
	require.Equal(t, rep.Total, sum(rep.ByWeek))
	require.Equal(t, rep.Total, sum(rep.ByPriority))
	require.Equal(t, rep.Total, sum(rep.Outcomes))
	shown := 0
	for _, ch := range vocab.ChannelCodes() {
		n := sqlCount(t, b, where+` AND $3 = ANY(`+reported+`)`, b.election, partyID, ch)
		got := 0
		for _, c := range rep.ByChannel {
			if c.Label == vocab.ChannelLabel(ch) {
				got = c.Count
				shown++
			}
		}
		require.Equal(t, n, got, ch)
	}
	require.Len(t, rep.ByChannel, shown, "every row is a channel")
	require.Equal(t, sqlCount(t, b, where+` AND c.priority = 'urgent'`, b.election, partyID), rep.ByPriority[0].Count)
	require.NotEmpty(t, rep.Provisions)
	for _, p := range rep.Provisions {
		n := sqlCount(t, b, where+` AND EXISTS (SELECT 1 FROM triage_results t WHERE t.complaint_id = c.id AND t.is_current AND $3 = ANY(t.provisions))`, b.election, partyID, p.Code)
		require.Equal(t, n, p.Count, p.Code)
		require.NotEmpty(t, p.Title, p.Code)
	}
	require.NotEmpty(t, rep.Asks)
	require.LessOrEqual(t, len(rep.Examples), reports.ExamplesShown)
	require.Equal(t, urgent.Reference, rep.Examples[0].Reference, "the urgent one comes first")
	require.NotContains(t, rep.Examples[0].Text, "Ophelia")
	require.NotContains(t, rep.Examples[0].Text, "ob@example.net")
	require.NotContains(t, rep.Examples[0].Text, "900123")
	require.NotContains(t, rep.Examples[0].Text, "SW1A 1AA")

	pdf, err := rep.PDF()
	require.NoError(t, err)
	text := PDFText(t, pdf)
	require.Contains(t, text, "Complaints about ")
	require.Contains(t, text, "What we ask you to do")
	require.Contains(t, text, urgent.Reference)
	requireNoPersonalData(t, b, text)
	require.NotContains(t, text, "Brightwater")

	// The overview has the party with the same total, and every party.
	over, err := b.store.ElectionReport(b.ctx, b.election)
	require.NoError(t, err)
	require.Equal(t, sqlCount(t, b, `c.election_id = $1`, b.election), over.Total)
	found := false
	total := 0
	for _, r := range over.Rows {
		total += r.Total
		if r.PartyID == partyID {
			found = true
			// The overview counts every complaint naming the party, those
			// out of scope included.
			require.Equal(t, sqlCount(t, b, all, b.election, partyID), r.Total)
			require.Equal(t, rep.Total+rep.OutOfScope, r.Total)
			require.Equal(t, sqlCount(t, b, all+` AND c.priority = 'urgent'`, b.election, partyID), r.Urgent)
			require.Equal(t, sqlCount(t, b, all+` AND c.status = 'closed'`, b.election, partyID), r.Closed)
		}
	}
	require.True(t, found)
	require.Equal(t, over.Total, total)
}
