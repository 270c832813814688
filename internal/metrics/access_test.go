package metrics

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestGuardedNeedsTheBearerToken(t *testing.T) {
	token := strings.Repeat("t0ken", 8)
	srv := httptest.NewServer(New().Server("", token).Handler)
	defer srv.Close()
	get := func(auth string) *http.Response {
		req, err := http.NewRequest(http.MethodGet, srv.URL+"/metrics", nil)
		require.NoError(t, err)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		t.Cleanup(func() { res.Body.Close() })
		return res
	}
	for _, auth := range []string{"", "Bearer ", "Bearer wrong", "Bearer " + token + "x", "Basic " + token, token} {
		res := get(auth)
		require.Equal(t, http.StatusUnauthorized, res.StatusCode, "Authorization: %q", auth)
		require.Contains(t, res.Header.Get("WWW-Authenticate"), "Bearer")
	}
	res := get("Bearer " + token)
	require.Equal(t, http.StatusOK, res.StatusCode)
	body := new(strings.Builder)
	_, _ = io.Copy(body, res.Body)
	require.Contains(t, body.String(), "campaignwatch_mail_messages_total")

	// The separate listener serves /metrics and nothing else.
	res, err := http.Get(srv.URL + "/readyz")
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusNotFound, res.StatusCode)
}
