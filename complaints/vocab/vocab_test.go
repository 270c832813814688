package vocab_test

import (
	"context"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/testdb"
)

func TestEveryTermHasItsLabels(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	check := func(kind string, tm vocab.Term) {
		require.NotEmpty(t, tm.Code, kind)
		require.False(t, seen[kind+":"+tm.Code], "%s %s twice", kind, tm.Code)
		seen[kind+":"+tm.Code] = true
		require.NotEmpty(t, tm.Label.EN, "%s %s", kind, tm.Code)
		require.NotEmpty(t, tm.Label.CY, "%s %s", kind, tm.Code)
		require.Equal(t, tm.Report.EN == "", tm.Report.CY == "", "%s %s: report wording in both languages or neither", kind, tm.Code)
	}
	for _, c := range vocab.Channels {
		check("channel", c.Term)
		for _, tx := range []vocab.Text{c.Choice, c.Plural} {
			require.NotEmpty(t, tx.EN, c.Code)
			require.NotEmpty(t, tx.CY, c.Code)
		}
	}
	for _, ts := range map[string][]vocab.Term{"priority": vocab.Priorities, "status": vocab.Statuses, "outcome": vocab.Outcomes, "nation": vocab.Nations} {
		for _, tm := range ts {
			check("term", tm)
		}
	}
	require.Equal(t, []string{"urgent", "high", "medium", "low"}, vocab.PriorityCodes())
	require.Equal(t, 0, vocab.PriorityRank("urgent"))
	require.Equal(t, 4, vocab.PriorityRank(""))
	require.Equal(t, vocab.ChannelCodes()[:len(vocab.ChannelCodes())-1], vocab.InferredChannelCodes(), "every channel but other is inferred")
	require.Equal(t, "Text message", vocab.ChannelLabel("sms"))
	require.Equal(t, "fax", vocab.ChannelLabel("fax"))
	require.Equal(t, "text messages", vocab.ChannelPlural("sms"))
	require.Equal(t, "Closed: no breach found", vocab.ReportStandings("en")["no_breach"])
	require.Equal(t, "Closed", vocab.ReportStandings("en")["closed"])
	require.Equal(t, "Neges destun", vocab.Channels[0].Choice.In("cy"))
	require.Equal(t, "A text message", vocab.Channels[0].Choice.In("fr"))
}

func TestLondonClock(t *testing.T) {
	t.Parallel()
	require.Equal(t, "Europe/London", vocab.London.String())
	// 23:30 UTC on midsummer's eve is already the next day in London.
	require.Equal(t, time.Date(2024, 6, 21, 0, 0, 0, 0, time.UTC), vocab.Day(time.Date(2024, 6, 20, 23, 30, 0, 0, time.UTC)))
	d, err := vocab.ParseDay(" 2024-06-21 ")
	require.NoError(t, err)
	require.Equal(t, time.Date(2024, 6, 20, 23, 0, 0, 0, time.UTC), d.UTC())
}

// The codes are the ones the migrations' CHECK constraints accept, so a
// migration that changes a list fails here until vocab follows.
func TestCodesMatchTheDatabase(t *testing.T) {
	t.Parallel()
	pool := testdb.New(t)
	literal := regexp.MustCompile(`'([^']*)'::text`)
	accepted := func(table, constraint string) []string {
		var def string
		require.NoError(t, pool.QueryRow(context.Background(), `SELECT pg_get_constraintdef(c.oid) FROM pg_constraint c
			JOIN pg_class r ON r.oid = c.conrelid WHERE r.relname = $1 AND c.conname = $2`, table, constraint).Scan(&def), constraint)
		var out []string
		for _, m := range literal.FindAllStringSubmatch(def, -1) {
			out = append(out, m[1])
		}
		return out
	}
	require.ElementsMatch(t, vocab.ChannelCodes(), accepted("complaints", "complaints_channel_check"))
	require.ElementsMatch(t, vocab.StatusCodes(), accepted("complaints", "complaints_status_review"))
	require.ElementsMatch(t, vocab.OutcomeCodes(), accepted("complaint_reviews", "complaint_reviews_outcome_check"))
	require.ElementsMatch(t, vocab.NationCodes(), accepted("parties", "parties_nations_check"))
	require.ElementsMatch(t, vocab.NationCodes(), accepted("elections", "elections_nations_check"))
	require.ElementsMatch(t, append([]string{""}, vocab.BreachPlaceCodes()...), accepted("complaints", "complaints_breach_where_check"))
	require.ElementsMatch(t, vocab.ExposedDataCodes(), accepted("complaints", "complaints_breach_exposed_check"))
}

func TestWordsAndCapitalise(t *testing.T) {
	for code, want := range map[string]string{
		"party.contact_update": "party contact update",
		"sign-in":              "sign in",
		"triage_officer":       "triage officer",
		"_odd__code_":          "odd code",
		"":                     "",
	} {
		require.Equal(t, want, vocab.Words(code), code)
	}
	require.Equal(t, "Éire ok", vocab.Capitalise("éire ok"))
	require.Equal(t, "", vocab.Capitalise(""))
}
