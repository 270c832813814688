package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/web/webtest"
)

// TestMetricsOnThePublicListener checks who may read /metrics on HTTP_ADDR
// in production mode (DATABASE_URL set): nobody without METRICS_TOKEN,
// only the token's holder with it, and nobody once METRICS_ADDR gives the
// figures a listener of their own.
func TestMetricsOnThePublicListener(t *testing.T) {
	t.Parallel()
	token := strings.Repeat("m", 40)
	production := "postgres://db.invalid/campaignwatch"
	get := func(e *webtest.Env, auth string) int {
		req, err := http.NewRequest(http.MethodGet, e.Server.URL+"/metrics", nil)
		require.NoError(t, err)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		res, err := e.Server.Client().Do(req)
		require.NoError(t, err)
		body := webtest.ReadBody(res)
		served := strings.Contains(body, "campaignwatch_mail_messages_total")
		require.Equal(t, res.StatusCode == http.StatusOK, served, "status %d, figures in the body: %v", res.StatusCode, served)
		return res.StatusCode
	}

	anon := webtest.New(t, webtest.Options{Env: map[string]string{"DATABASE_URL": production}})
	require.Equal(t, http.StatusNotFound, get(anon, ""), "production without METRICS_TOKEN or METRICS_ADDR: not served")
	require.Equal(t, http.StatusNotFound, get(anon, "Bearer "+token))

	withToken := webtest.New(t, webtest.Options{Env: map[string]string{"DATABASE_URL": production, "METRICS_TOKEN": token}})
	require.Equal(t, http.StatusUnauthorized, get(withToken, ""))
	require.Equal(t, http.StatusUnauthorized, get(withToken, "Bearer "+strings.Repeat("x", 40)))
	require.Equal(t, http.StatusOK, get(withToken, "Bearer "+token))

	separate := webtest.New(t, webtest.Options{Env: map[string]string{"DATABASE_URL": production, "METRICS_TOKEN": token, "METRICS_ADDR": "127.0.0.1:0"}})
	require.Equal(t, http.StatusNotFound, get(separate, "Bearer "+token), "served on METRICS_ADDR, not here")

	dev := webtest.New(t, webtest.Options{})
	require.Equal(t, http.StatusOK, get(dev, ""), "development mode keeps /metrics open on its loopback listener")
}
