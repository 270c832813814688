package review

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

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
	rows, err := s.pool.Query(ctx, `
SELECT id, kind, label, size, first_seen, last_seen FROM complaint_clusters
WHERE size >= $1 ORDER BY last_seen DESC, id DESC LIMIT $2`, max(minSize, 2), limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (ClusterSummary, error) {
		var c ClusterSummary
		err := r.Scan(&c.ID, &c.Kind, &c.Label, &c.Size, &c.FirstSeen, &c.LastSeen)
		return c, err
	})
}

// Cluster returns the page of the cluster with id.
func (s *Service) Cluster(ctx context.Context, id int64) (*ClusterDetail, error) {
	c := &ClusterDetail{}
	err := s.pool.QueryRow(ctx, `
SELECT id, kind, key, label, size, first_seen, last_seen FROM complaint_clusters WHERE id = $1`, id).Scan(
		&c.ID, &c.Kind, &c.Key, &c.Label, &c.Size, &c.FirstSeen, &c.LastSeen)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, apperr.New(apperr.NotFound, "There is no cluster %d.", id)
	}
	if err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, `
SELECT (c.received_at AT TIME ZONE 'Europe/London')::date, count(*)
FROM complaint_cluster_members m JOIN complaints c ON c.id = m.complaint_id
WHERE m.cluster_id = $1 GROUP BY 1 ORDER BY 1`, id)
	if err != nil {
		return nil, err
	}
	if c.PerDay, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (DayCount, error) {
		var d DayCount
		err := r.Scan(&d.Day, &d.Count)
		return d, err
	}); err != nil {
		return nil, err
	}
	nameCounts := func(sql string) ([]NameCount, error) {
		rows, err := s.pool.Query(ctx, sql, id)
		if err != nil {
			return nil, err
		}
		return pgx.CollectRows(rows, func(r pgx.CollectableRow) (NameCount, error) {
			var n NameCount
			err := r.Scan(&n.Name, &n.Count)
			return n, err
		})
	}
	if c.Parties, err = nameCounts(`
SELECT coalesce(p.name, nullif(c.party_text, ''), 'Not identified'), count(*)
FROM complaint_cluster_members m JOIN complaints c ON c.id = m.complaint_id LEFT JOIN parties p ON p.id = c.party_id
WHERE m.cluster_id = $1 GROUP BY 1 ORDER BY 2 DESC, 1`); err != nil {
		return nil, err
	}
	if c.Channels, err = nameCounts(`
SELECT coalesce(t.channel, c.channel), count(*)
FROM complaint_cluster_members m JOIN complaints c ON c.id = m.complaint_id
LEFT JOIN triage_results t ON t.complaint_id = c.id AND t.is_current
WHERE m.cluster_id = $1 GROUP BY 1 ORDER BY 2 DESC, 1`); err != nil {
		return nil, err
	}
	return c, nil
}
