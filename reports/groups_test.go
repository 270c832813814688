package reports_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/complaints"
	"github.com/campaignwatch/campaignwatch/complaints/triage"
	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/internal/fixture"
	"github.com/campaignwatch/campaignwatch/reports"
)

// groupSQL is each dimension as the test counts it, independently of the
// query GroupCounts runs. A complaint's channels are those it reports
// (reportedChannels), so by channel it counts once for each.
var groupSQL = map[string]string{
	"day":      `to_char((c.received_at AT TIME ZONE 'Europe/London')::date, 'YYYY-MM-DD')`,
	"week":     `to_char(date_trunc('week', c.received_at AT TIME ZONE 'Europe/London')::date, 'YYYY-MM-DD')`,
	"channel":  `rc.ch`,
	"party":    `coalesce(p.name, '` + reports.NoParty + `')`,
	"priority": `coalesce(c.priority, 'untriaged')`,
	"status":   `c.status`,
}

// reportedChannels joins each complaint to every channel it reports, each
// once (rc.ch): its current triage result's channels, that result's
// primary channel when it lists none, or the stated channel while the
// complaint is untriaged.
const reportedChannels = ` LEFT JOIN triage_results t ON t.complaint_id = c.id AND t.is_current
	CROSS JOIN LATERAL (SELECT DISTINCT u FROM unnest(CASE WHEN t.id IS NULL THEN ARRAY[c.channel]
		WHEN cardinality(t.channels) = 0 THEN ARRAY[t.channel] ELSE t.channels END) u) rc(ch)`

// GroupCounts counts by the dimensions asked for, in the order asked for,
// as a GROUP BY and ORDER BY over just those dimensions would; by channel
// a complaint counts once per channel it reports, and the total counts
// each complaint once.
func TestGroupCountsMatchTheDatabase(t *testing.T) {
	t.Parallel()
	b := setup(t, 400)
	// A complaint triage found a text and a live call in, so a complaint
	// counts under more than one channel.
	fx := fixture.New(t, b.pool)
	two := fx.Complaint(func(s *complaints.Submission) { s.Channel = vocab.ChannelSMS })
	fx.TriageResult(two.ComplaintID, triage.Result{Channels: []string{vocab.ChannelSMS, vocab.ChannelLiveCall}})
	f := reports.Filter{ElectionID: b.election}
	for _, groups := range [][]string{{"day", "channel"}, {"party"}, {"status", "priority", "channel"}, {"week", "party"},
		{"channel", "day", "week", "party", "priority", "status"}} {
		t.Run(strings.Join(groups, ","), func(t *testing.T) {
			got, total, err := b.store.GroupCounts(b.ctx, f, groups)
			require.NoError(t, err)

			var exprs, pos []string
			for i, g := range groups {
				exprs = append(exprs, groupSQL[g])
				pos = append(pos, fmt.Sprint(i+1))
			}
			join := ""
			byChannel := slices.Contains(groups, "channel")
			if byChannel {
				join = reportedChannels
			}
			rows, err := b.pool.Query(b.ctx, `SELECT `+strings.Join(exprs, ", ")+`, count(*) FROM complaints c LEFT JOIN parties p ON p.id = c.party_id`+join+`
				WHERE c.election_id = $1 GROUP BY `+strings.Join(pos, ", ")+` ORDER BY `+strings.Join(pos, ", "), b.election)
			require.NoError(t, err)
			var want []map[string]any
			sum := 0
			for rows.Next() {
				vals := make([]string, len(groups))
				var n int
				dest := []any{}
				for i := range vals {
					dest = append(dest, &vals[i])
				}
				require.NoError(t, rows.Scan(append(dest, &n)...))
				m := map[string]any{"count": n}
				for i, g := range groups {
					m[g] = vals[i]
				}
				want = append(want, m)
				sum += n
			}
			require.NoError(t, rows.Err())
			require.NotEmpty(t, want)
			require.Equal(t, want, got)
			wantTotal := sqlCount(t, b, `c.election_id = $1`, b.election)
			require.Equal(t, wantTotal, total, "the total counts each complaint once")
			if byChannel {
				// Every complaint reports at least one channel, and one
				// reports two.
				require.Greater(t, sum, total)
			} else {
				require.Equal(t, total, sum)
			}
		})
	}

	_, _, err := b.store.GroupCounts(b.ctx, f, []string{"day", "day"})
	require.Equal(t, apperr.Invalid, apperr.CodeOf(err))
	_, _, err = b.store.GroupCounts(b.ctx, f, []string{"colour"})
	require.Equal(t, apperr.Invalid, apperr.CodeOf(err))
}
