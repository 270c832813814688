package plaintext

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestSlug(t *testing.T) {
	require.Equal(t, "plaidcymru", Slug("Plaid Cymru"))
	require.Equal(t, "ge2026wales", Slug("GE 2026 – Wales!"))
	require.Equal(t, "brn", Slug("Brân Ŵ"))
	require.Empty(t, Slug("– 🌍"))
}
