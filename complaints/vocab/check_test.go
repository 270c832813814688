package vocab_test

import (
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/complaints/triage"
	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/testdb"
)

// renamed is the default rulebook with its urgent band called critical:
// valid on its own, but not storable.
func renamed(t *testing.T) *triage.Rulebook {
	t.Helper()
	y := string(triage.DefaultRulebookYAML())
	y = strings.Replace(y, "{priority: urgent,", "{priority: critical,", 1)
	y = strings.Replace(y, "\n  urgent:", "\n  critical:", 1)
	rb, err := triage.ParseRulebook([]byte(y), "renamed.yaml")
	require.NoError(t, err)
	return rb
}

func TestCheckRulebookReadsTheConstraints(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := testdb.New(t)

	cons, err := vocab.PriorityConstraintsIn(ctx, pool)
	require.NoError(t, err)
	var names []string
	for _, c := range cons {
		names = append(names, c.Name)
		require.ElementsMatch(t, vocab.PriorityCodes(), c.Accepted, c.Name)
	}
	require.ElementsMatch(t, vocab.PriorityConstraints, names)

	def, err := triage.DefaultRulebook()
	require.NoError(t, err)
	require.NoError(t, vocab.CheckRulebook(ctx, pool, def))

	err = vocab.CheckRulebook(ctx, pool, renamed(t))
	require.Error(t, err)
	require.Contains(t, err.Error(), `rulebook renamed.yaml: band priority "critical" cannot be stored`)
	require.Contains(t, err.Error(), "complaints_priority_check")
	require.Contains(t, err.Error(), "triage_results_priority_check")
}

// Before the migrations have run there are no constraints to read; the
// rulebook is checked against the priorities the migrations create.
func TestCheckRulebookOnADatabaseNotYetMigrated(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, testdb.NewEmptyURL(t))
	require.NoError(t, err)
	t.Cleanup(pool.Close)

	def, err := triage.DefaultRulebook()
	require.NoError(t, err)
	require.NoError(t, vocab.CheckRulebook(ctx, pool, def))
	err = vocab.CheckRulebook(ctx, pool, renamed(t))
	require.ErrorContains(t, err, "complaints_priority_check")
}

// A migration that changes the priorities without vocab following is
// refused too: the queue's sort and the labels would not know them.
func TestCheckRulebookRefusesASchemaVocabDoesNotKnow(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := testdb.New(t)
	_, err := pool.Exec(ctx, `ALTER TABLE triage_results DROP CONSTRAINT triage_results_priority_check,
		ADD CONSTRAINT triage_results_priority_check CHECK (priority IN ('urgent', 'high', 'medium', 'low', 'critical'))`)
	require.NoError(t, err)
	def, err := triage.DefaultRulebook()
	require.NoError(t, err)
	err = vocab.CheckRulebook(ctx, pool, def)
	require.ErrorContains(t, err, "triage_results_priority_check on triage_results.priority accepts urgent, high, medium, low, critical")
}
