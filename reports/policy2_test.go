package reports_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/campaignwatch/campaignwatch/complaints"
	"github.com/campaignwatch/campaignwatch/complaints/triage"
	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/audit"
	"github.com/campaignwatch/campaignwatch/internal/fixture"
	"github.com/campaignwatch/campaignwatch/internal/testdb"
	"github.com/campaignwatch/campaignwatch/reports"
)

// policy2Bundle is one party in an election with three complaints about
// it: one whose triage found a text and then a call, one not yet triaged
// (an email, as stated), and one triage found out of scope (a scam,
// referred to Action Fraud).
type policy2Bundle struct {
	ctx                    context.Context
	store                  *reports.Store
	election, party        int64
	partyName              string
	twoChannels, untriaged string
	outOfScope, otherParty string
}

func setupPolicy2(t *testing.T) *policy2Bundle {
	t.Helper()
	pool := testdb.New(t)
	f := fixture.New(t, pool)
	p := f.Party()
	other := f.Party()
	e := f.Election()
	b := &policy2Bundle{ctx: audit.WithActor(context.Background(), audit.Actor{Label: "test"}), store: reports.NewStore(pool),
		election: e.ID, party: p.ID, partyName: p.Name}
	about := func(id int64, channel string) func(*complaints.Submission) {
		return func(s *complaints.Submission) { s.PartyID, s.Channel = &id, channel }
	}
	two := f.Complaint(about(p.ID, vocab.ChannelSMS))
	f.TriageResult(two.ComplaintID, triage.Result{Channel: vocab.ChannelLiveCall,
		Channels: []string{vocab.ChannelSMS, vocab.ChannelLiveCall}, Provisions: []string{"PECR-22", "PECR-21"}})
	b.twoChannels = two.Reference
	b.untriaged = f.Complaint(about(p.ID, vocab.ChannelEmail)).Reference
	scam := f.Complaint(about(p.ID, vocab.ChannelSMS))
	f.TriageResult(scam.ComplaintID, triage.Result{Channels: []string{vocab.ChannelSMS}, Referral: "action_fraud"})
	b.outOfScope = scam.Reference
	// Another party's complaint, so a party's report is seen to be its own.
	b.otherParty = f.Complaint(about(other.ID, vocab.ChannelEmail)).Reference
	return b
}

func (b *policy2Bundle) trends(t *testing.T, f reports.Filter) *reports.Trends {
	t.Helper()
	var tr *reports.Trends
	require.NoError(t, b.store.Snapshot(b.ctx, func(tx pgx.Tx) error {
		var err error
		tr, err = b.store.Trends(b.ctx, tx, f)
		return err
	}))
	return tr
}

func TestTrendsCountAComplaintOncePerChannelItReports(t *testing.T) {
	t.Parallel()
	b := setupPolicy2(t)
	tr := b.trends(t, reports.Filter{ElectionID: b.election, PartyIDs: []int64{b.party}})
	require.Equal(t, 3, tr.Total, "each complaint once")
	require.Equal(t, map[string]int{vocab.ChannelSMS: 2, vocab.ChannelLiveCall: 1, vocab.ChannelEmail: 1}, tr.ByChannel,
		"the two-channel complaint under both of its channels; the untriaged one under its stated channel")
	require.Len(t, tr.Daily, 1)
	require.Equal(t, 3, tr.Daily[0].Total, "a day's total counts each complaint once")
	require.Equal(t, 2, tr.Daily[0].ByChannel[vocab.ChannelSMS])
	require.Len(t, tr.Parties, 1)
	require.Equal(t, 3, tr.Parties[0].Total)
	require.Equal(t, 1, tr.Parties[0].ByChannel[vocab.ChannelLiveCall])
	require.Equal(t, 1, tr.OutOfScope, "out-of-scope complaints are still counted in trends")
	require.Equal(t, []reports.Count{{Label: "Action Fraud", Count: 1}}, tr.Referrals)

	// The channel filter selects the complaints that report the channel,
	// whether triage found it beside another or it was only stated.
	require.Equal(t, 1, b.trends(t, reports.Filter{ElectionID: b.election, Channels: []string{vocab.ChannelLiveCall}}).Total)
	require.Equal(t, 2, b.trends(t, reports.Filter{ElectionID: b.election, Channels: []string{vocab.ChannelSMS}}).Total)
	require.Equal(t, 2, b.trends(t, reports.Filter{ElectionID: b.election, Channels: []string{vocab.ChannelEmail}}).Total)
}

func TestWorkbookHasReferralsAndSaysHowChannelsAreCounted(t *testing.T) {
	t.Parallel()
	b := setupPolicy2(t)
	var buf bytes.Buffer
	require.NoError(t, b.store.Write(b.ctx, reports.Filter{ElectionID: b.election}, reports.FormatXLSX, &buf, nil))
	x, err := excelize.OpenReader(&buf)
	require.NoError(t, err)
	defer x.Close()

	summary := sheetMap(t, x, reports.SheetSummary)
	require.Equal(t, "4", summary["Complaints"])
	require.Equal(t, "1", summary["Channel: "+vocab.ChannelLabel(vocab.ChannelLiveCall)])
	require.Equal(t, "2", summary["Channel: "+vocab.ChannelLabel(vocab.ChannelSMS)])
	require.Equal(t, reports.ChannelCountNote, summary["How channels are counted"])
	require.Equal(t, "1", summary["Out of scope (referred to another body; see Referrals)"])

	refs, err := x.GetRows(reports.SheetReferrals)
	require.NoError(t, err)
	require.Equal(t, []string{"Referred to", "Complaints"}, refs[0])
	require.Equal(t, []string{"Action Fraud", "1"}, refs[1], "the body in words, no code")
	require.Equal(t, []string{"Total out of scope", "1"}, refs[2])

	rows, err := x.GetRows(reports.SheetComplaints)
	require.NoError(t, err)
	byRef := map[string][]string{}
	for _, r := range rows[1:] {
		byRef[r[0]] = r
	}
	require.Equal(t, "Text message; Live call", byRef[b.twoChannels][11])
	require.Equal(t, "Action Fraud", byRef[b.outOfScope][12])
	require.Equal(t, "Email", byRef[b.untriaged][11])

	for _, sheet := range []string{reports.SheetDaily, reports.SheetParties} {
		all, err := x.GetRows(sheet)
		require.NoError(t, err)
		require.Equal(t, reports.ChannelCountNote, all[len(all)-1][0], "%s says how channels are counted", sheet)
	}
}

func TestCSVKeepsCodesForChannelsAndReferral(t *testing.T) {
	t.Parallel()
	b := setupPolicy2(t)
	var buf bytes.Buffer
	require.NoError(t, b.store.Write(b.ctx, reports.Filter{ElectionID: b.election}, reports.FormatCSV, &buf, nil))
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), "\ufeff"))).ReadAll()
	require.NoError(t, err)
	col := columnIndex(recs[0])
	require.Equal(t, col["Channels reported"]+1, col["channels_reported_label"], "each label column is beside its codes")
	require.Equal(t, col["Referred to"]+1, col["referred_to_label"])
	byRef := map[string][]string{}
	for _, r := range recs[1:] {
		byRef[r[0]] = r
	}
	require.Equal(t, "sms;live_call", byRef[b.twoChannels][col["Channels reported"]])
	require.Equal(t, "Text message; Live call", byRef[b.twoChannels][col["channels_reported_label"]])
	require.Equal(t, "", byRef[b.twoChannels][col["Referred to"]])
	require.Equal(t, "action_fraud", byRef[b.outOfScope][col["Referred to"]])
	require.Equal(t, reports.ReferralLabel("action_fraud"), byRef[b.outOfScope][col["referred_to_label"]])
	require.NotEqual(t, "action_fraud", reports.ReferralLabel("action_fraud"))
}

func TestFollowUpReportLeavesOutOutOfScopeComplaints(t *testing.T) {
	t.Parallel()
	b := setupPolicy2(t)
	rep, err := b.store.PartyReport(b.ctx, b.election, b.party)
	require.NoError(t, err)
	require.Equal(t, 2, rep.Total(), "the scam is not charged to the party")
	require.Equal(t, 1, rep.Figures.OutOfScope)
	require.Equal(t, 3, rep.Figures.Complaints)
	require.Equal(t, 1, rep.Figures.Untriaged)
	require.Contains(t, rep.OutOfScopeNote("en"), "A further complaint naming "+b.partyName+" was about matters other bodies deal with")
	var text []string
	for _, c := range rep.ChannelLines("en") {
		text = append(text, c.Label)
		require.Equal(t, 1, c.Count, c.Label)
	}
	require.Equal(t, []string{"Text message", "Email", "Live call"}, text, "the scam's text is not counted either")
	// Two complaints raise one matter: fewer requests than usual, and the
	// report says why.
	reqs := rep.Requests("en")
	require.Less(t, len(reqs), reports.MinRequests)
	require.Contains(t, reqs[0].Figure, "1 of your 2 complaints")
	require.Contains(t, rep.FewerRequestsNote("en"), "fewer separate matters")
	require.Contains(t, rep.RequestsMarkdown("en"), rep.FewerRequestsNote("en"))

	pdf, err := rep.PDF()
	require.NoError(t, err)
	got := PDFText(t, pdf)
	require.Contains(t, got, "other bodies deal with")
	require.Contains(t, got, "counted once for each")
}

func TestDashboardCountsEachReportedChannel(t *testing.T) {
	t.Parallel()
	b := setupPolicy2(t)
	d, err := b.store.Dashboard(b.ctx, reports.DashboardFilter{ElectionID: b.election})
	require.NoError(t, err)
	require.Len(t, d.Elections, 1)
	e := d.Elections[0]
	require.Equal(t, 4, e.Complaints, "each complaint once")
	byChannel, total := map[string]int{}, 0
	for _, day := range e.Daily {
		total += day.Total
		for ch, n := range day.ByChannel {
			byChannel[ch] += n
		}
	}
	require.Equal(t, 4, total)
	require.Equal(t, map[string]int{vocab.ChannelSMS: 2, vocab.ChannelLiveCall: 1, vocab.ChannelEmail: 2}, byChannel)
}

func TestGroupCountsByReportedChannel(t *testing.T) {
	t.Parallel()
	b := setupPolicy2(t)
	rows, total, err := b.store.GroupCounts(b.ctx, reports.Filter{ElectionID: b.election}, []string{"channel"})
	require.NoError(t, err)
	require.Equal(t, 4, total, "the number of complaints, each once")
	got := map[string]int{}
	for _, r := range rows {
		got[r["channel"].(string)] = r["count"].(int)
	}
	require.Equal(t, map[string]int{vocab.ChannelSMS: 2, vocab.ChannelLiveCall: 1, vocab.ChannelEmail: 2}, got)

	refs, err := b.store.ReferralCounts(b.ctx, reports.Filter{ElectionID: b.election})
	require.NoError(t, err)
	require.Equal(t, []reports.Referral{{ID: "action_fraud", Label: "Action Fraud", Count: 1}}, refs)
}

func TestNoFollowUpForAPartyWhoseComplaintsAreAllOutOfScope(t *testing.T) {
	t.Parallel()
	pool := testdb.New(t)
	f := fixture.New(t, pool)
	e := f.Election()
	in, out := f.Party(), f.Party()
	f.Complaint(func(s *complaints.Submission) { s.PartyID = &in.ID })
	scam := f.Complaint(func(s *complaints.Submission) { s.PartyID = &out.ID })
	f.TriageResult(scam.ComplaintID, triage.Result{Referral: "action_fraud"})
	ids, err := reports.NewStore(pool).PartiesWithComplaints(context.Background(), e.ID)
	require.NoError(t, err)
	require.Equal(t, []int64{in.ID}, ids)
}

// The number the sender contacted is removed from exported text and from
// the follow-up report's examples even when the message writes it
// another way than the complainant typed it.
func TestExportsRedactTheContactedNumber(t *testing.T) {
	t.Parallel()
	pool := testdb.New(t)
	f := fixture.New(t, pool)
	p := f.Party()
	e := f.Election()
	store := reports.NewStore(pool)
	ctx := audit.WithActor(context.Background(), audit.Actor{Label: "test"})
	c := f.Complaint(func(s *complaints.Submission) {
		s.PartyID, s.Channel, s.Contacted = &p.ID, vocab.ChannelSMS, "07700 900982"
		s.Message = "Hi, this is the campaign. Reply STOP to 447700900982 to opt out."
		s.Description = "They texted my 07700-900-982 twice."
	})

	var texts []string
	require.NoError(t, store.Snapshot(ctx, func(tx pgx.Tx) error {
		return store.Rows(ctx, tx, reports.Filter{ElectionID: e.ID, IncludeText: true}, func(r reports.Row) error {
			if r.Reference == c.Reference {
				texts = append(texts, r.Text)
			}
			return nil
		})
	}))
	require.Len(t, texts, 1)
	require.Contains(t, texts[0], "Reply STOP to [phone]")
	require.Contains(t, texts[0], "They texted my [phone] twice.")

	rep, err := store.PartyReport(ctx, e.ID, p.ID)
	require.NoError(t, err)
	require.Len(t, rep.Examples, 1)
	require.Equal(t, "Hi, this is the campaign. Reply STOP to [phone] to opt out.", rep.Examples[0].Text)
}
