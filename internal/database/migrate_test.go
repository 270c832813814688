package database_test

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/internal/database"
	"github.com/campaignwatch/campaignwatch/internal/testdb"
)

func TestMigrateConcurrentlyAppliesOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := testdb.NewEmptyURL(t)
	pool, err := pgxpool.New(ctx, url)
	require.NoError(t, err)
	defer pool.Close()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))

	st, err := database.GetStatus(ctx, pool)
	require.NoError(t, err)
	require.False(t, st.Current())
	all, err := database.Embedded()
	require.NoError(t, err)
	require.Len(t, st.Pending, len(all))

	var wg sync.WaitGroup
	applied := make([][]int, 4)
	errs := make([]error, 4)
	for i := range 4 {
		wg.Add(1)
		// One pool each, as separate processes starting together would have.
		p, err := pgxpool.New(ctx, url)
		require.NoError(t, err)
		defer p.Close()
		go func() { defer wg.Done(); applied[i], errs[i] = database.Migrate(ctx, p, logger) }()
	}
	wg.Wait()
	total := 0
	for i := range 4 {
		require.NoError(t, errs[i])
		total += len(applied[i])
	}
	require.Equal(t, len(all), total, "each migration applied by exactly one caller")

	st, err = database.GetStatus(ctx, pool)
	require.NoError(t, err)
	require.True(t, st.Current())
	require.Empty(t, st.Modified)
	require.Equal(t, st.RiverLatest, st.RiverApplied)
}
