package review

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/campaignwatch/campaignwatch/complaints/review/internal/dbsqlc"
	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/apperr"
)

// NameCount is a label and how many complaints have it.
type NameCount struct {
	Name  string
	Count int
}

// DayCount is how many of a cluster's complaints were received on a day.
type DayCount struct {
	Day   time.Time
	Count int
}

// ClusterDetail is a cluster's page.
type ClusterDetail struct {
	ID        int64
	Kind      string
	Key       string
	Label     string
	Size      int
	FirstSeen time.Time
	LastSeen  time.Time
	PerDay    []DayCount
	Parties   []NameCount
	Channels  []NameCount
}

// ClusterSummary is one cluster in a list.
type ClusterSummary struct {
	ID        int64
	Kind      string
	Label     string
	Size      int
	FirstSeen time.Time
	LastSeen  time.Time
}

// Clusters lists clusters with at least minSize members, most recently
// active first.
func (s *Service) Clusters(ctx context.Context, minSize, limit int) ([]ClusterSummary, error) {
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	rows, err := dbsqlc.New(s.pool).Clusters(ctx, dbsqlc.ClustersParams{MinSize: int64(max(minSize, 2)), MaxRows: int32(limit)})
	if err != nil {
		return nil, err
	}
	out := make([]ClusterSummary, len(rows))
	for i, r := range rows {
		out[i] = ClusterSummary{ID: r.ID, Kind: r.Kind, Label: r.Label, Size: int(r.Size), FirstSeen: r.FirstSeen, LastSeen: r.LastSeen}
	}
	return out, nil
}

// Cluster returns the page of the cluster with id.
func (s *Service) Cluster(ctx context.Context, id int64) (*ClusterDetail, error) {
	q := dbsqlc.New(s.pool)
	r, err := q.Cluster(ctx, id)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, apperr.New(apperr.NotFound, "There is no cluster %d.", id)
	}
	if err != nil {
		return nil, err
	}
	c := &ClusterDetail{ID: r.ID, Kind: r.Kind, Key: r.Key, Label: r.Label, Size: int(r.Size), FirstSeen: r.FirstSeen, LastSeen: r.LastSeen}
	days, err := q.ClusterPerDay(ctx, id)
	if err != nil {
		return nil, err
	}
	c.PerDay = make([]DayCount, len(days))
	for i, d := range days {
		c.PerDay[i] = DayCount{Day: d.Day, Count: int(d.N)}
	}
	parties, err := q.ClusterParties(ctx, id)
	if err != nil {
		return nil, err
	}
	c.Parties = make([]NameCount, len(parties))
	for i, p := range parties {
		c.Parties[i] = NameCount{Name: p.Name, Count: int(p.N)}
	}
	channels, err := q.ClusterChannels(ctx, id)
	if err != nil {
		return nil, err
	}
	c.Channels = make([]NameCount, len(channels))
	for i, ch := range channels {
		c.Channels[i] = NameCount{Name: vocab.ChannelLabel(ch.Name), Count: int(ch.N)}
	}
	return c, nil
}
