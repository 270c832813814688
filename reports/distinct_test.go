package reports_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/reports"
)

func figures(reported int, provisions map[string]int) reports.PartyFigures {
	return reports.PartyFigures{Complaints: reported, Reported: reported, Provisions: provisions}
}

// TestDistinctions shows the thresholds: a provision sets a party apart
// only with enough complaints, a share well above the average, and a
// difference of at least 10 points.
func TestDistinctions(t *testing.T) {
	t.Parallel()
	all := figures(200, map[string]int{"PECR-22": 40, "PECR-19": 10, "UKGDPR-21": 20, "UKGDPR-14": 100})
	party := figures(20, map[string]int{
		"PECR-22":   10, // 50% against 20%: shown
		"PECR-19":   4,  // 20% against 5%, but only 4 complaints: not shown
		"UKGDPR-21": 3,  // 15% against 10%: too few and too close
		"UKGDPR-14": 12, // 60% against 50%: not 1.5 times
	})
	ds := reports.Distinctions(party, all, 18)
	require.Len(t, ds, 1)
	d := ds[0]
	require.Equal(t, "PECR-22", d.Provision)
	require.Equal(t, "10 of your 20 assessed complaints (50%) concerned consent before marketing texts and emails (regulation 22 of the Privacy and Electronic Communications Regulations 2003), against 20% across all parties.", d.Sentence("en"))
	require.Equal(t, "Roedd 10 o'ch 20 cwyn a aseswyd (50%) yn ymwneud â chaniatâd cyn negeseuon testun ac e-byst marchnata (rheoliad 22 o Reoliadau Preifatrwydd a Chyfathrebu Electronig 2003), o'i gymharu â 20% ar draws yr holl bleidiau.", d.Sentence("cy"))
	require.Empty(t, reports.Distinctions(party, all, 1), "one party has no one to be compared with")
	require.Empty(t, reports.Distinctions(figures(0, nil), all, 18))
}
