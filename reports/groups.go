package reports

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/reports/internal/dbsqlc"
)

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
	// group_counts counts by every dimension, those not chosen left
	// empty, and sorts by the chosen ones in the order given.
	b := f.query("group_counts").Bind("no_party", NoParty)
	for i, g := range groups {
		if !slices.Contains(GroupNames, g) || slices.Contains(groups[i+1:], g) {
			return nil, 0, apperr.Fields(apperr.FieldError{Field: "group", Message: fmt.Sprintf("Group by each of %s at most once", strings.Join(GroupNames, ", "))})
		}
	}
	for i, g := range GroupNames {
		b.Bind("by_"+g, slices.Contains(groups, g), fmt.Sprintf("sort%d", i+1), "")
	}
	for i, g := range groups {
		b.Bind(fmt.Sprintf("sort%d", i+1), g)
	}
	var out []map[string]any
	total := 0
	err := s.Snapshot(ctx, func(tx pgx.Tx) error {
		return eachRow(ctx, tx, b, func(r pgx.Rows) error {
			var dims [6]*string
			var n int
			if err := r.Scan(&dims[0], &dims[1], &dims[2], &dims[3], &dims[4], &dims[5], &n); err != nil {
				return err
			}
			m := map[string]any{"count": n}
			for _, g := range groups {
				m[g] = *dims[slices.Index(GroupNames, g)]
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
	rows, err := dbsqlc.New(s.pool).ElectionOptions(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Option, len(rows))
	for i, r := range rows {
		out[i] = Option{ID: r.ID, Name: r.Name, Active: r.Active}
	}
	return out, nil
}

// PartyOptions lists the parties by name.
func (s *Store) PartyOptions(ctx context.Context) ([]Option, error) {
	rows, err := dbsqlc.New(s.pool).PartyOptions(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Option, len(rows))
	for i, r := range rows {
		out[i] = Option{ID: r.ID, Name: r.Name, Active: r.Active}
	}
	return out, nil
}
