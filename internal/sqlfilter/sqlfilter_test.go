package sqlfilter_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/internal/sqlfilter"
	"github.com/campaignwatch/campaignwatch/internal/testdb"
)

const src = `
-- A family of queries over a small table, for the tests.
-- query: base
SELECT n FROM generate_series(1, 10) AS t(n)
WHERE /*conditions*/
ORDER BY n
LIMIT @limit

-- condition: at_least
n >= @min

-- condition: in_list
-- the list travels as one array argument
n = ANY(@wanted)
`

func TestNoConditionsMeansEveryRow(t *testing.T) {
	set := sqlfilter.MustParse("t.sql", src)
	sql, args := set.Builder("base").Bind("limit", 100).Build()
	require.Contains(t, sql, "WHERE TRUE")
	require.NotContains(t, sql, "--")
	require.Equal(t, 100, args["limit"])
}

func TestConditionsAreJoinedWithAnd(t *testing.T) {
	set := sqlfilter.MustParse("t.sql", src)
	sql, args := set.Builder("base").
		Where("at_least", "min", 3).
		Where("in_list", "wanted", []int{2, 3, 4}).
		Bind("limit", 5).Build()
	require.Contains(t, sql, "(n >= @min)\n  AND (n = ANY(@wanted))")
	require.Equal(t, 3, args["min"])
	require.Equal(t, []string{"at_least", "in_list"}, set.Conditions())
}

func TestUnknownNamesPanic(t *testing.T) {
	set := sqlfilter.MustParse("t.sql", src)
	require.PanicsWithValue(t, `sqlfilter: t.sql has no condition "nope"`, func() { set.Builder("base").Where("nope") })
	require.Panics(t, func() { set.Builder("missing") })
	require.Panics(t, func() { set.Builder("base").Bind("odd") })
}

func TestParseRefusesMalformedFiles(t *testing.T) {
	for name, bad := range map[string]string{
		"no blocks":      "SELECT 1",
		"sql before":     "SELECT 1\n-- query: base\nSELECT 2",
		"empty block":    "-- query: base\n-- condition: x\nn = 1",
		"duplicate":      "-- query: base\nSELECT 1\n-- query: base\nSELECT 2",
		"only condition": "-- condition: x\nn = 1",
	} {
		_, err := sqlfilter.Parse("bad.sql", bad)
		require.Error(t, err, name)
	}
}

// TestBuiltStatementsRun runs built statements on a real server, so named
// arguments, the AND join and the TRUE default are proved by rows.
func TestBuiltStatementsRun(t *testing.T) {
	pool := testdb.New(t)
	set := sqlfilter.MustParse("t.sql", src)
	run := func(b *sqlfilter.Builder) []int {
		sql, args := b.Build()
		rows, err := pool.Query(context.Background(), sql, args)
		require.NoError(t, err)
		var out []int
		for rows.Next() {
			var n int
			require.NoError(t, rows.Scan(&n))
			out = append(out, n)
		}
		require.NoError(t, rows.Err())
		return out
	}
	require.Equal(t, []int{1, 2, 3}, run(set.Builder("base").Bind("limit", 3)))
	require.Equal(t, []int{8, 9, 10}, run(set.Builder("base").Where("at_least", "min", 8).Bind("limit", 10)))
	require.Equal(t, []int{4}, run(set.Builder("base").Where("at_least", "min", 4).Where("in_list", "wanted", []int{1, 4}).Bind("limit", 10)))
	// A value that looks like SQL is only ever a value.
	require.Empty(t, run(set.Builder("base").Where("in_list", "wanted", []int{}).Bind("limit", 10)))
}

const ordered = `
-- query: base
SELECT n FROM generate_series(1, 5) AS t(n)
WHERE /*conditions*/
/*order*/

-- order: up
ORDER BY n

-- order: down
ORDER BY n DESC

-- condition: odd
n % 2 = 1
`

// TestOrderBlocksFillTheOrderMarker shows one query written once serving
// several fixed orders, and that a query with the marker needs an order.
func TestOrderBlocksFillTheOrderMarker(t *testing.T) {
	set := sqlfilter.MustParse("o.sql", ordered)
	require.Equal(t, []string{"down", "up"}, set.Orders())
	sql, _ := set.Builder("base").Where("odd").OrderBy("down").Build()
	require.Contains(t, sql, "WHERE (n % 2 = 1)\nORDER BY n DESC")
	require.PanicsWithValue(t, "sqlfilter: o.sql: the query needs an order (OrderBy)", func() { set.Builder("base").Build() })
	require.Panics(t, func() { set.Builder("base").OrderBy("sideways") })

	pool := testdb.New(t)
	rows, err := pool.Query(context.Background(), sql)
	require.NoError(t, err)
	var got []int
	for rows.Next() {
		var n int
		require.NoError(t, rows.Scan(&n))
		got = append(got, n)
	}
	require.NoError(t, rows.Err())
	require.Equal(t, []int{5, 3, 1}, got)
}
