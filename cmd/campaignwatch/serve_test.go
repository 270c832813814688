package main

import (
	"io"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/internal/testdb"
)

func TestServeMetricsOnTheirOwnListener(t *testing.T) {
	t.Parallel()
	vars := baseVars(t, testdb.NewURL(t))
	// Both ports held at once, so they cannot be the same one.
	a, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	b, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	vars["HTTP_ADDR"], vars["METRICS_ADDR"] = a.Addr().String(), b.Addr().String()
	a.Close()
	b.Close()
	token := strings.Repeat("k", 40)
	vars["METRICS_TOKEN"] = token
	vars["LOG_LEVEL"] = "info"
	_, out := startServe(t, vars)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("serve output:\n%s", out.String())
		}
	})
	waitReady(t, vars["HTTP_ADDR"])

	get := func(url, auth string) (int, string) {
		req, err := http.NewRequest(http.MethodGet, url, nil)
		require.NoError(t, err)
		if auth != "" {
			req.Header.Set("Authorization", "Bearer "+auth)
		}
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		require.NoError(t, err)
		return res.StatusCode, string(b)
	}
	code, _ := get("http://"+vars["HTTP_ADDR"]+"/metrics", token)
	require.Equal(t, http.StatusNotFound, code, "not on the public listener")
	code, _ = get("http://"+vars["METRICS_ADDR"]+"/metrics", "")
	require.Equal(t, http.StatusUnauthorized, code, "the token guards the metrics listener too")
	code, body := get("http://"+vars["METRICS_ADDR"]+"/metrics", token)
	require.Equal(t, http.StatusOK, code)
	require.True(t, strings.Contains(body, "campaignwatch_mail_messages_total"), "the figures are served")
}
