package reports_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/reports"
)

// groupSQL is each dimension as the test counts it, independently of the
// query GroupCounts runs.
var groupSQL = map[string]string{
	"day":      `to_char((c.received_at AT TIME ZONE 'Europe/London')::date, 'YYYY-MM-DD')`,
	"week":     `to_char(date_trunc('week', c.received_at AT TIME ZONE 'Europe/London')::date, 'YYYY-MM-DD')`,
	"channel":  `c.channel`,
	"party":    `coalesce(p.name, '` + reports.NoParty + `')`,
	"priority": `coalesce(c.priority, 'untriaged')`,
	"status":   `c.status`,
}

// GroupCounts counts by the dimensions asked for, in the order asked for,
// as a GROUP BY and ORDER BY over just those dimensions would.
func TestGroupCountsMatchTheDatabase(t *testing.T) {
	t.Parallel()
	b := setup(t, 400)
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
			rows, err := b.pool.Query(b.ctx, `SELECT `+strings.Join(exprs, ", ")+`, count(*) FROM complaints c LEFT JOIN parties p ON p.id = c.party_id
				WHERE c.election_id = $1 GROUP BY `+strings.Join(pos, ", ")+` ORDER BY `+strings.Join(pos, ", "), b.election)
			require.NoError(t, err)
			var want []map[string]any
			wantTotal := 0
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
				wantTotal += n
			}
			require.NoError(t, rows.Err())
			require.NotEmpty(t, want)
			require.Equal(t, want, got)
			require.Equal(t, wantTotal, total)
		})
	}

	_, _, err := b.store.GroupCounts(b.ctx, f, []string{"day", "day"})
	require.Equal(t, apperr.Invalid, apperr.CodeOf(err))
	_, _, err = b.store.GroupCounts(b.ctx, f, []string{"colour"})
	require.Equal(t, apperr.Invalid, apperr.CodeOf(err))
}
