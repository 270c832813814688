package web

import (
	"bytes"
	"html/template"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/internal/config"
	"github.com/campaignwatch/campaignwatch/internal/metrics"
	"github.com/campaignwatch/campaignwatch/internal/organisation"
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

// TestPanicPageInWelsh checks that the 500 page a Welsh visitor gets is
// in Welsh, with the regulator's contact block.
func TestPanicPageInWelsh(t *testing.T) {
	cfg, err := config.Load(func(k string) string {
		return map[string]string{"SESSION_SECRET": strings.Repeat("s", 32)}[k]
	})
	require.NoError(t, err)
	s := &Server{cfg: cfg, metrics: metrics.New(), log: slog.New(slog.NewTextHandler(&bytes.Buffer{}, nil)),
		org: organisation.Static{Settings: organisation.Defaults(nil)}}
	s.assets, err = newAssetSet()
	require.NoError(t, err)
	s.pages, err = parsePages(s.funcs())
	require.NoError(t, err)

	h := requestID(s.recoverPanics(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom") })))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/complaints/new?lang=cy", nil))
	require.Equal(t, http.StatusInternalServerError, rec.Code)
	body := rec.Body.String()
	require.Contains(t, body, `<html lang="cy">`)
	require.Contains(t, body, template.HTMLEscapeString(translate(langWelsh, "error.title.internal")))
	require.Contains(t, body, template.HTMLEscapeString(translate(langWelsh, "error.body.internal")))
	require.Contains(t, body, "Cysylltu â ni")
	require.Contains(t, body, "Regulator House")
	require.NotContains(t, body, "Something went wrong")
}
