// Package formtest drives the public complaint form in tests: the form's
// own tests (web/complaintform) and the tests in web that cross its seam
// (the browser walk, the upload quota shared with the API, temporary
// files). It is not a _test file so that both packages' tests can share it.
package formtest

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/web/webtest"
)

// Walker drives the complaint form over plain HTTP, as a browser without
// JavaScript would.
type Walker struct {
	T    testing.TB
	Env  *webtest.Env
	C    *webtest.Client
	CSRF string // the form's CSRF token, sent with every POST
}

var (
	csrfField     = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)
	evidenceFiles = regexp.MustCompile(`name="evidence_files" value="([0-9,]*)"`)
)

// NewWalker opens the form as an anonymous visitor.
func NewWalker(t testing.TB, env *webtest.Env) *Walker {
	c := env.Anonymous()
	res := c.Get("/complaints/new")
	body := webtest.ReadBody(res)
	require.Equal(t, http.StatusOK, res.StatusCode, body)
	m := csrfField.FindStringSubmatch(body)
	require.NotNil(t, m, "the form carries a CSRF token")
	return &Walker{T: t, Env: env, C: c, CSRF: m[1]}
}

// Post submits values to path and returns status, Location and body.
func (w *Walker) Post(path string, values url.Values) (int, string, string) {
	w.T.Helper()
	values.Set("csrf_token", w.CSRF)
	if _, ok := values["evidence_files"]; path == "/complaints/new/check" && !ok {
		// As a browser would: send the list of files the check page shows.
		values.Set("evidence_files", w.FilesSeen())
	}
	res := w.C.PostFormRaw(path, values)
	body := webtest.ReadBody(res)
	return res.StatusCode, res.Header.Get("Location"), body
}

// Step posts values and requires a redirect to next.
func (w *Walker) Step(path string, values url.Values, next string) {
	w.T.Helper()
	status, loc, body := w.Post(path, values)
	require.Equal(w.T, http.StatusSeeOther, status, "POST %s: %s", path, body)
	require.Equal(w.T, next, loc, "after POST %s", path)
}

// FilesSeen is the check page's hidden list of the files it shows.
func (w *Walker) FilesSeen() string {
	w.T.Helper()
	_, body := w.Get("/complaints/new/check")
	if m := evidenceFiles.FindStringSubmatch(body); m != nil {
		return m[1]
	}
	return ""
}

// Get returns the status and body of path.
func (w *Walker) Get(path string) (int, string) {
	w.T.Helper()
	res := w.C.Get(path)
	return res.StatusCode, webtest.ReadBody(res)
}

// Upload posts the evidence page with action and, unless data is nil, one
// file, and returns status, Location and body.
func (w *Walker) Upload(name string, data []byte, action string) (int, string, string) {
	w.T.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("csrf_token", w.CSRF)
	_ = mw.WriteField("action", action)
	if data != nil {
		fw, err := mw.CreateFormFile("evidence", name)
		require.NoError(w.T, err)
		_, _ = fw.Write(data)
	}
	require.NoError(w.T, mw.Close())
	req, err := http.NewRequest(http.MethodPost, w.C.URL("/complaints/new/evidence"), &buf)
	require.NoError(w.T, err)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res := w.C.Do(req, "")
	body := webtest.ReadBody(res)
	return res.StatusCode, res.Header.Get("Location"), body
}

// PNG is a real 4×4 PNG image.
func PNG(t testing.TB) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 4, 4))
	img.Set(1, 1, color.RGBA{R: 200, A: 255})
	var b bytes.Buffer
	require.NoError(t, png.Encode(&b, img))
	return b.Bytes()
}

// PNGOf is n bytes the content sniffer takes for a PNG.
func PNGOf(n int) []byte {
	b := make([]byte, n)
	copy(b, "\x89PNG\r\n\x1a\n")
	return b
}

// ReferenceRE matches a complaint reference.
var ReferenceRE = regexp.MustCompile(`CW-[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}`)

// Multipart writes fields (those not empty) and one file into buf and
// returns the content type.
func Multipart(buf *bytes.Buffer, fields map[string]string, fileField, filename string, data []byte) string {
	w := multipart.NewWriter(buf)
	for k, v := range fields {
		if v != "" {
			_ = w.WriteField(k, v)
		}
	}
	fw, _ := w.CreateFormFile(fileField, filename)
	_, _ = fw.Write(data)
	_ = w.Close()
	return w.FormDataContentType()
}
