package web

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/internal/config"
	"github.com/campaignwatch/campaignwatch/internal/metrics"
)

// TestPanicBecomes500WithRequestID checks the recovery middleware with a
// handler that panics; no production route panics on purpose.
func TestPanicBecomes500WithRequestID(t *testing.T) {
	var logs bytes.Buffer
	cfg, err := config.Load(func(k string) string {
		return map[string]string{"SESSION_SECRET": strings.Repeat("s", 32)}[k]
	})
	require.NoError(t, err)
	s := &Server{cfg: cfg, metrics: metrics.New(), log: slog.New(slog.NewTextHandler(&logs, nil))}
	s.assets, err = newAssetSet()
	require.NoError(t, err)
	s.pages, err = parsePages(s.funcs())
	require.NoError(t, err)

	h := requestID(s.accessLog(s.recoverPanics(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic("boom")
	}))))
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, "/anything?email=person@example.org", nil)
	h.ServeHTTP(rec, req)
	require.Equal(t, http.StatusInternalServerError, rec.Code)
	id := rec.Header().Get("X-Request-ID")
	require.NotEmpty(t, id)
	require.Contains(t, rec.Body.String(), id, "the page quotes the request ID")
	require.NotContains(t, rec.Body.String(), "boom", "no internals shown")
	require.Contains(t, logs.String(), "panic serving request")
	require.Contains(t, logs.String(), id)
	require.NotContains(t, logs.String(), "person@example.org", "query strings are never logged")
}

func TestSafeNextStaysOnThisSite(t *testing.T) {
	for next, want := range map[string]string{
		"/staff/complaints?x=1": "/staff/complaints?x=1",
		"":                      "/staff/",
		"//evil.example":        "/staff/",
		"/\\evil.example":       "/staff/",
		"/\t/evil.example":      "/staff/",
		"/\n/evil.example":      "/staff/",
		"https://evil.example":  "/staff/",
		"staff":                 "/staff/",
		"/%09/evil.example":     "/%09/evil.example", // still a path here: the browser does not decode it into a tab
	} {
		assert.Equal(t, want, safeNext(next), "safeNext(%q)", next)
	}
}
