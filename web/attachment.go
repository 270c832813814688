package web

import (
	"mime"
	"net/http"
	"strconv"
)

// serveAttachment sends data as a download only: files someone outside
// the regulator chose (a complaint's or an audited party's evidence)
// are never rendered by the browser on our origin. The disposition is
// attachment with the filename quoted as RFC 2183 wants; nosniff keeps
// the browser to contentType; the sandbox policy and no-store cover a
// browser that opens it anyway, and shared caches.
func serveAttachment(w http.ResponseWriter, filename, contentType string, data []byte) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": filename}))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(data)
}
