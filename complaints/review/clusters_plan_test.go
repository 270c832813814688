package review

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func planItem(id int64, at time.Time, msg string) textItem {
	return textItem{node: &textNode{id: id, received: at, message: msg}, bands: Bands(Shingles(msg))}
}

func planCandidate(id int64, at time.Time, msg string, cluster int64) *textCandidate {
	it := planItem(id, at, msg)
	it.node.cluster = clusterRef{id: cluster}
	return &textCandidate{node: it.node, bands: it.bands}
}

const planText = "Hi %s, polling day is Thursday 4 July. Example Party needs your vote to win here. Find your polling station at example.org/vote. Reply STOP to opt out"

// The in-memory step of batch clustering keeps the rules of a text
// cluster: the first two near-identical complaints start it (keyed by the
// earlier), later ones join it, an existing cluster is preferred to
// starting a new one, and texts received more than TextWindow apart or
// not near-identical are never put together.
func TestPlanTextsKeepsClusterRules(t *testing.T) {
	now := time.Now()
	text := func(name string) string { return strings.Replace(planText, "%s", name, 1) }

	// A batch of copies with nothing before them: one new cluster from the first.
	var items []textItem
	for i := range 5 {
		items = append(items, planItem(int64(10+i), now, text("there")))
	}
	plan := planTexts(items, nil)
	require.Len(t, plan.newClusters, 1)
	require.Contains(t, plan.newClusters, "text:10")
	require.Len(t, plan.members, 5)
	for _, it := range items {
		require.Equal(t, clusterRef{key: "text:10"}, it.node.cluster)
	}

	// Personalised copies join an existing cluster rather than start one
	// with an earlier complaint in none, even one more similar.
	items = []textItem{planItem(20, now, text("Bob")), planItem(21, now, text("Cat"))}
	plan = planTexts(items, []*textCandidate{
		planCandidate(3, now.Add(-time.Hour), text("Bob"), 0),
		planCandidate(7, now.Add(-time.Hour), text("Ann"), 99),
	})
	require.Empty(t, plan.newClusters)
	require.Len(t, plan.members, 2)
	for _, it := range items {
		require.Equal(t, clusterRef{id: 99}, it.node.cluster)
	}
	require.Less(t, plan.members[0].similarity, 1.0)
	require.GreaterOrEqual(t, plan.members[0].similarity, SimilarityThreshold)

	// Too long ago, or a different message sharing no band: no cluster.
	items = []textItem{planItem(30, now, text("Dev")), planItem(31, now, "Your local councillor has been working hard on potholes this year and wants to hear from you")}
	plan = planTexts(items, []*textCandidate{planCandidate(4, now.Add(-TextWindow-time.Hour), text("Dev"), 98)})
	require.Empty(t, plan.newClusters)
	require.Empty(t, plan.members)
	require.True(t, items[0].node.cluster.none())
	require.True(t, items[1].node.cluster.none())
}
