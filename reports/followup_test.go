package reports_test

import (
	"bytes"
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/complaints"
	"github.com/campaignwatch/campaignwatch/complaints/review"
	"github.com/campaignwatch/campaignwatch/complaints/triage"
	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/fixture"
	"github.com/campaignwatch/campaignwatch/internal/legal"
	"github.com/campaignwatch/campaignwatch/internal/outputtest"
	"github.com/campaignwatch/campaignwatch/reports"
)

// PDFText returns the text of a PDF as poppler's pdftotext reads it,
// whatever its fonts (an embedded Unicode font shows glyph ids, not
// characters, in its content streams).
func PDFText(t *testing.T, pdf []byte) string {
	t.Helper()
	require.True(t, bytes.HasPrefix(pdf, []byte("%PDF-")))
	return outputtest.PDFText(t, pdf)
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
	recountReport(t, b, rep)
	require.Contains(t, rep.OutOfScopeNote("en"), partyName)
	require.NotEmpty(t, rep.Examples)
	require.LessOrEqual(t, len(rep.Examples), reports.ExamplesShown)
	ex := rep.Examples[0]
	require.Contains(t, ex.Text, "[email]", "the urgent one comes first")
	require.NotContains(t, ex.Text, "Ophelia")
	require.NotContains(t, ex.Text, "ob@example.net")
	require.NotContains(t, ex.Text, "900123")
	require.NotContains(t, ex.Text, "SW1A 1AA")

	pdf, err := rep.PDF()
	require.NoError(t, err)
	text := PDFText(t, pdf)
	require.Contains(t, text, "Complaints about ")
	require.Contains(t, text, "What we ask you to do")
	require.NotContains(t, text, urgent.Reference, "no complaint reference reaches the party")
	requireNoPersonalData(t, b, text)
	require.NotContains(t, text, "Brightwater")
	requirePartyReadable(t, text)
	for _, v := range rep.LetterFields("en") {
		requirePartyReadable(t, v)
	}

	// The overview reads the same figures: every party's, and the totals.
	over, err := b.store.ElectionReport(b.ctx, b.election)
	require.NoError(t, err)
	require.Equal(t, sqlCount(t, b, `c.election_id = $1`, b.election), over.Total)
	found := false
	total := 0
	for _, r := range over.Rows {
		total += r.Complaints
		if r.PartyID == partyID {
			found = true
			require.Equal(t, sqlCount(t, b, `c.election_id = $1 AND c.party_id = $2`, b.election, partyID), r.Complaints)
			require.Equal(t, rep.Figures, r.PartyFigures, "the overview and the report read one set of figures")
		}
	}
	require.True(t, found)
	require.Equal(t, over.Total, total)
}

// inScope is the SQL condition of the complaints a party's report counts.
const inScope = ` AND NOT EXISTS (SELECT 1 FROM triage_results t WHERE t.complaint_id = c.id AND t.is_current AND t.out_of_scope)`

// recountReport counts every figure of the report again in SQL, in its
// own way, and compares.
func recountReport(t *testing.T, b *bundle, rep *reports.PartyReport) {
	t.Helper()
	e, p := rep.Election.ID, rep.Party.ID
	all := `c.election_id = $1 AND c.party_id = $2`
	where := all + inScope
	f := rep.Figures
	require.Equal(t, sqlCount(t, b, all, e, p), f.Complaints)
	require.Equal(t, sqlCount(t, b, where, e, p), f.Reported)
	require.Equal(t, f.Reported, rep.Total())
	require.Equal(t, sqlCount(t, b, all+` AND EXISTS (SELECT 1 FROM triage_results t WHERE t.complaint_id = c.id AND t.is_current AND t.out_of_scope)`, e, p), f.OutOfScope)
	require.Equal(t, sqlCount(t, b, where+` AND c.duplicate_of_id IS NOT NULL`, e, p), f.Repeats)
	require.Equal(t, sqlCount(t, b, all+` AND NOT EXISTS (SELECT 1 FROM triage_results t WHERE t.complaint_id = c.id AND t.is_current)`, e, p), f.Untriaged)
	for _, ch := range vocab.ChannelCodes() {
		require.Equal(t, sqlCount(t, b, where+` AND $3 = ANY(`+reported+`)`, e, p, ch), f.ByChannel[ch], ch)
	}
	codes := func(col string) map[string]int {
		m := map[string]int{}
		rows, err := b.pool.Query(b.ctx, `SELECT u, count(*) FROM complaints c JOIN triage_results t ON t.complaint_id = c.id AND t.is_current AND NOT t.out_of_scope,
			unnest(t.`+col+`::text[]) u WHERE c.election_id = $1 AND c.party_id = $2 GROUP BY 1`, e, p)
		require.NoError(t, err)
		defer rows.Close()
		for rows.Next() {
			var k string
			var n int
			require.NoError(t, rows.Scan(&k, &n))
			m[k] = n
		}
		require.NoError(t, rows.Err())
		return m
	}
	require.Equal(t, codes("provisions"), f.Provisions)
	require.Equal(t, codes("guidance"), f.Guidance)
	weeks := 0
	for _, w := range rep.Weeks {
		weeks += w.Count
		require.Equal(t, sqlCount(t, b, where+` AND date_trunc('week', c.received_at AT TIME ZONE 'Europe/London')::date = $3::date`, e, p, w.Week), w.Count)
	}
	require.Equal(t, f.Reported, weeks)
	// The provisions table shows each provision's count, by citation.
	for _, l := range rep.ProvisionLines("en") {
		found := false
		for id, n := range f.Provisions {
			if legal.MustCite(id, "en") == l.Citation {
				require.Equal(t, n, l.Count)
				found = true
			}
		}
		require.True(t, found, l.Citation)
	}
	// Each request's figure is the number of complaints engaging one of
	// its provisions or guidance points, counted in SQL.
	reqs := rep.Requests("en")
	require.Len(t, reqs, min(len(rep.Themes)+1, reports.MaxRequests))
	for i, th := range rep.Themes[:len(reqs)-1] {
		n := sqlCount(t, b, where+` AND EXISTS (SELECT 1 FROM triage_results t WHERE t.complaint_id = c.id AND t.is_current
			AND (t.provisions::text[] && $3::text[] OR t.guidance::text[] && $4::text[]))`, e, p, th.Provisions, append(th.Guidance, "none"))
		require.GreaterOrEqual(t, n, th.Count, th.Key)
		require.Contains(t, reqs[i].Figure, fmt.Sprintf("%d of your %d complaints", th.Count, f.Reported))
		if i > 0 {
			require.NotEqual(t, reqs[i].Do, reqs[i-1].Do, "no request repeats another")
		}
	}
	require.Contains(t, reqs[len(reqs)-1].Do, fmt.Sprintf("all %d complaints", f.Reported))
	if len(reqs) < reports.MinRequests {
		require.NotEmpty(t, rep.FewerRequestsNote("en"))
	}
	// What sets the party apart is a share against the share across all
	// parties, both recounted.
	allAssessed := sqlCount(t, b, `c.election_id = $1 AND c.party_id IS NOT NULL AND EXISTS (SELECT 1 FROM triage_results t WHERE t.complaint_id = c.id AND t.is_current AND NOT t.out_of_scope)`, e)
	for _, d := range rep.Apart() {
		n := sqlCount(t, b, where+` AND EXISTS (SELECT 1 FROM triage_results t WHERE t.complaint_id = c.id AND t.is_current AND $3 = ANY(t.provisions::text[]))`, e, p, d.Provision)
		require.Equal(t, n, d.Count)
		require.GreaterOrEqual(t, d.Count, reports.DistinctMinCount)
		avg := sqlCount(t, b, `c.election_id = $1 AND c.party_id IS NOT NULL AND EXISTS (SELECT 1 FROM triage_results t WHERE t.complaint_id = c.id AND t.is_current AND NOT t.out_of_scope AND $2 = ANY(t.provisions::text[]))`, e, d.Provision)
		require.InDelta(t, float64(avg)/float64(allAssessed), d.Average, 1e-9)
		require.GreaterOrEqual(t, d.Rate, reports.DistinctRatio*d.Average)
	}
}

// internalCode matches what a party must never read: provision and
// guidance ids, outcome and status codes, and investigation status.
var internalCode = regexp.MustCompile(`PECR-|UKGDPR-|\bG[1-5]\b|\b(?:referred_for_investigation|no_further_action|advice_given|triaged|in_review)\b|(?i)referred for investigation|investigat|\bBCC\b|rulebook`)

// requirePartyReadable fails when text shows an internal code.
func requirePartyReadable(t *testing.T, text string) {
	t.Helper()
	if m := internalCode.FindStringIndex(text); m != nil {
		require.Failf(t, "internal code in what a party reads", "%q in …%s…", text[m[0]:m[1]], text[max(m[0]-80, 0):min(m[1]+80, len(text))])
	}
}
