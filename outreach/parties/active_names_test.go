package parties_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/outreach/parties"
)

// TestActiveNamesListsActivePartiesByNameRegardlessOfCase checks the list
// the public complaint form offers: active parties only, ordered as people
// read names, not by code point.
func TestActiveNamesListsActivePartiesByNameRegardlessOfCase(t *testing.T) {
	t.Parallel()
	b := setup(t)
	var want []parties.NameRef
	for _, name := range []string{"beta Party", "Alpha Party", "Gone Party", "Zeta Party"} {
		p, err := b.store.Create(b.ctx, parties.Party{Name: name, Nations: []parties.Nation{vocab.NationEngland}, Active: true})
		require.NoError(t, err)
		if name == "Gone Party" {
			_, err = b.store.SetActive(b.ctx, p.ID, false)
			require.NoError(t, err)
			continue
		}
		want = append(want, parties.NameRef{ID: p.ID, Name: p.Name})
	}
	got, err := b.store.ActiveNames(b.ctx)
	require.NoError(t, err)
	// Alpha, beta, Zeta: case does not decide the order.
	require.Equal(t, []parties.NameRef{want[1], want[0], want[2]}, got)
}
