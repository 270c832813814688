package reports

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/campaignwatch/campaignwatch/internal/apperr"
)

// groupExprs are the dimensions complaints can be counted by, as SQL over
// complaints c and parties p.
var groupExprs = map[string]string{
	"day":      `to_char((c.received_at AT TIME ZONE 'Europe/London')::date, 'YYYY-MM-DD')`,
	"week":     `to_char(date_trunc('week', c.received_at AT TIME ZONE 'Europe/London')::date, 'YYYY-MM-DD')`,
	"channel":  `c.channel`,
	"party":    `coalesce(p.name, '` + NoParty + `')`,
	"priority": `coalesce(c.priority, 'untriaged')`,
	"status":   `c.status`,
}

// GroupNames are the dimensions GroupCounts accepts.
var GroupNames = []string{"day", "week", "channel", "party", "priority", "status"}

// GroupCounts counts the complaints f selects by the given dimensions,
// one map per combination holding each dimension's value and "count".
func (s *Store) GroupCounts(ctx context.Context, f Filter, groups []string) ([]map[string]any, int, error) {
	if err := f.Validate(); err != nil {
		return nil, 0, err
	}
	if len(groups) == 0 {
		groups = []string{"day", "channel"}
	}
	var exprs []string
	for i, g := range groups {
		e, ok := groupExprs[g]
		if !ok || slices.Contains(groups[i+1:], g) {
			return nil, 0, apperr.Fields(apperr.FieldError{Field: "group", Message: fmt.Sprintf("Group by each of %s at most once", strings.Join(GroupNames, ", "))})
		}
		exprs = append(exprs, e)
	}
	where, args := f.where()
	var pos []string
	for i := range exprs {
		pos = append(pos, fmt.Sprint(i+1))
	}
	q := `SELECT ` + strings.Join(exprs, ", ") + `, count(*) FROM complaints c LEFT JOIN parties p ON p.id = c.party_id
		WHERE ` + where + ` GROUP BY ` + strings.Join(pos, ", ") + ` ORDER BY ` + strings.Join(pos, ", ")
	var out []map[string]any
	total := 0
	err := s.Snapshot(ctx, func(tx pgx.Tx) error {
		return eachRow(ctx, tx, q, args, func(r pgx.Rows) error {
			ptrs := make([]any, len(groups)+1)
			strs := make([]string, len(groups))
			var n int
			for i := range strs {
				ptrs[i] = &strs[i]
			}
			ptrs[len(groups)] = &n
			if err := r.Scan(ptrs...); err != nil {
				return err
			}
			m := map[string]any{"count": n}
			for i, g := range groups {
				m[g] = strs[i]
			}
			total += n
			out = append(out, m)
			return nil
		})
	})
	if out == nil {
		out = []map[string]any{}
	}
	return out, total, err
}

// Option is an election or party to choose in a form.
type Option struct {
	ID   int64
	Name string
	// Active is set for elections whose period includes today.
	Active bool
}

// ElectionOptions lists elections, newest polling day first.
func (s *Store) ElectionOptions(ctx context.Context) ([]Option, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, name, current_date BETWEEN announced_on AND polling_day + follow_up_days
		FROM elections ORDER BY polling_day DESC, id DESC`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[Option])
}

// PartyOptions lists the parties by name.
func (s *Store) PartyOptions(ctx context.Context) ([]Option, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, name, active FROM parties ORDER BY name`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[Option])
}
