package demo_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/internal/audit"
	"github.com/campaignwatch/campaignwatch/internal/demo"
	"github.com/campaignwatch/campaignwatch/internal/fixture"
	"github.com/campaignwatch/campaignwatch/internal/staff"
	"github.com/campaignwatch/campaignwatch/internal/testdb"
	"github.com/campaignwatch/campaignwatch/outreach/parties"
)

// Load fills the registry and the administrator once; again, it changes
// nothing and shows no new password.
func TestLoadIsIdempotent(t *testing.T) {
	t.Parallel()
	ctx := audit.WithActor(context.Background(), audit.Actor{Label: "test"})
	pool := testdb.New(t)
	registry := parties.NewStore(pool)
	inserter := fixture.InsertOnlyJobs(t, pool)
	d := demo.Deps{Parties: registry, Staff: staff.NewService(pool, staff.Settings{}, inserter)}

	wantContacts := 0
	for _, p := range demo.Parties {
		wantContacts += len(p.Contacts)
	}
	res, err := demo.Load(ctx, d)
	require.NoError(t, err)
	require.Equal(t, len(demo.Parties), res.Parties)
	require.Equal(t, wantContacts, res.Contacts)
	require.NotEmpty(t, res.AdminPassword)

	all, err := registry.All(ctx)
	require.NoError(t, err)
	require.Len(t, all, len(demo.Parties))
	byName := map[string]parties.Party{}
	for _, p := range all {
		byName[p.Name] = p
	}
	for _, want := range demo.Parties {
		got, ok := byName[want.Name]
		require.True(t, ok, want.Name)
		require.Equal(t, want.ShortName, got.ShortName)
		require.Len(t, got.Contacts, len(want.Contacts))
	}
	u, err := d.Staff.UserByEmail(ctx, demo.AdminEmail)
	require.NoError(t, err)
	require.Equal(t, staff.RoleAdmin, u.Role)

	res, err = demo.Load(ctx, d)
	require.NoError(t, err)
	require.Equal(t, len(demo.Parties), res.Parties)
	require.Zero(t, res.Contacts)
	require.Empty(t, res.AdminPassword)
	again, err := registry.All(ctx)
	require.NoError(t, err)
	require.Equal(t, all, again)

	// Each load is one demo.load entry on the registry, counting what it did.
	rows, err := pool.Query(ctx, `SELECT object_id, summary::text FROM audit_log WHERE action = 'demo.load' AND object_type = 'parties' ORDER BY id`)
	require.NoError(t, err)
	type entry struct{ ObjectID, Summary string }
	entries, err := pgx.CollectRows(rows, pgx.RowToStructByPos[entry])
	require.NoError(t, err)
	require.Len(t, entries, 2)
	require.Empty(t, entries[0].ObjectID)
	require.JSONEq(t, fmt.Sprintf(`{"after": {"parties": %d, "new_contacts": %d}}`, len(demo.Parties), wantContacts), entries[0].Summary)
	require.JSONEq(t, fmt.Sprintf(`{"after": {"parties": %d, "new_contacts": 0}}`, len(demo.Parties)), entries[1].Summary)
}
