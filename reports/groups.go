package reports

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/campaignwatch/campaignwatch/complaints"
	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/reports/internal/dbsqlc"
)

// GroupNames are the dimensions GroupCounts accepts.
var GroupNames = []string{"day", "week", "channel", "party", "priority", "status"}

// GroupCounts counts the complaints f selects by the given dimensions,
// one map per combination holding each dimension's value and "count",
// and returns the number of complaints f selects. By channel, a
// complaint counts once for each channel it reports (ChannelCountNote),
// so the counts can add up to more than that number.
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
		err := eachRow(ctx, tx, b, func(r pgx.Rows) error {
			var dims [6]*string
			var n int
			if err := r.Scan(&dims[0], &dims[1], &dims[2], &dims[3], &dims[4], &dims[5], &n); err != nil {
				return err
			}
			m := map[string]any{"count": n}
			for _, g := range groups {
				m[g] = *dims[slices.Index(GroupNames, g)]
			}
			out = append(out, m)
			return nil
		})
		if err != nil {
			return err
		}
		sql, args := f.query("count_rows").Build()
		return tx.QueryRow(ctx, sql, args).Scan(&total)
	})
	if out == nil {
		out = []map[string]any{}
	}
	return out, total, err
}

// Referral is how many complaints triage found out of scope and referred
// to one body.
type Referral struct {
	ID    string `json:"referral"`
	Label string `json:"label"`
	Count int    `json:"count"`
}

// ReferralCounts counts the out-of-scope complaints f selects by the body
// they were referred to, most first.
func (s *Store) ReferralCounts(ctx context.Context, f Filter) ([]Referral, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	out := []Referral{}
	err := s.Snapshot(ctx, func(tx pgx.Tx) error {
		return eachRow(ctx, tx, f.query("trend_referrals"), func(r pgx.Rows) error {
			var c Referral
			if err := r.Scan(&c.ID, &c.Count); err != nil {
				return err
			}
			c.Label = complaints.ReferralBodyLabel(c.ID)
			out = append(out, c)
			return nil
		})
	})
	return out, err
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
