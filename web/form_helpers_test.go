package web_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/web/webtest"
)

// The public form's pages are tested in web/complaintform; the tests here
// that cross the seam (the browser walk, the quota the form's uploads share
// with the API, and the temporary files every upload route must remove)
// drive it with web/internal/formtest.

func addParty(t testing.TB, env *webtest.Env, name string) int64 {
	var id int64
	require.NoError(t, env.Pool.QueryRow(context.Background(),
		`INSERT INTO parties (name, nations) VALUES ($1, ARRAY['england','wales']) RETURNING id`, name).Scan(&id))
	return id
}
