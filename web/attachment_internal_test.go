package web

import (
	"mime"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestServeAttachmentIsADownloadOnly(t *testing.T) {
	t.Parallel()
	rec := httptest.NewRecorder()
	name := `notes "draft"; v2 – Cymraeg.txt`
	serveAttachment(rec, name, "application/octet-stream", []byte("<script>alert(1)</script>"))
	h := rec.Header()
	disp, params, err := mime.ParseMediaType(h.Get("Content-Disposition"))
	require.NoError(t, err)
	require.Equal(t, "attachment", disp)
	require.Equal(t, name, params["filename"], "the name survives quotes, semicolons and non-ASCII")
	require.Equal(t, "application/octet-stream", h.Get("Content-Type"))
	require.Equal(t, "nosniff", h.Get("X-Content-Type-Options"))
	require.Equal(t, "default-src 'none'; sandbox", h.Get("Content-Security-Policy"))
	require.Equal(t, "no-store", h.Get("Cache-Control"))
	require.Equal(t, "25", h.Get("Content-Length"))
	require.Equal(t, "<script>alert(1)</script>", rec.Body.String())
}
