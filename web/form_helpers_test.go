package web_test

import (
	"bytes"
	"context"
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

// The public form's pages are tested in web/complaintform; these helpers
// drive it in the tests here that cross the seam: the browser walk, the
// quota the form's uploads share with the API, and the temporary files
// every upload route must remove.

// formWalker drives the complaint form over plain HTTP, as a browser
// without JavaScript would.
type formWalker struct {
	t    testing.TB
	env  *webtest.Env
	c    *webtest.Client
	csrf string
}

func newFormWalker(t testing.TB, env *webtest.Env) *formWalker {
	c := env.Anonymous()
	res := c.Get("/complaints/new")
	body := webtest.ReadBody(res)
	require.Equal(t, http.StatusOK, res.StatusCode, body)
	m := regexp.MustCompile(`name="csrf_token" value="([^"]+)"`).FindStringSubmatch(body)
	require.NotNil(t, m, "the form carries a CSRF token")
	return &formWalker{t: t, env: env, c: c, csrf: m[1]}
}

// post submits values to path and returns status, Location and body.
func (w *formWalker) post(path string, values url.Values) (int, string, string) {
	w.t.Helper()
	values.Set("csrf_token", w.csrf)
	if _, ok := values["evidence_files"]; path == "/complaints/new/check" && !ok {
		// As a browser would: send the list of files the check page shows.
		values.Set("evidence_files", w.filesSeen())
	}
	res := w.c.PostFormRaw(path, values)
	body := webtest.ReadBody(res)
	return res.StatusCode, res.Header.Get("Location"), body
}

// step posts values and requires a redirect to next.
func (w *formWalker) step(path string, values url.Values, next string) {
	w.t.Helper()
	status, loc, body := w.post(path, values)
	require.Equal(w.t, http.StatusSeeOther, status, "POST %s: %s", path, body)
	require.Equal(w.t, next, loc, "after POST %s", path)
}

// filesSeen is the check page's hidden list of the files it shows.
func (w *formWalker) filesSeen() string {
	w.t.Helper()
	_, body := w.get("/complaints/new/check")
	if m := regexp.MustCompile(`name="evidence_files" value="([0-9,]*)"`).FindStringSubmatch(body); m != nil {
		return m[1]
	}
	return ""
}

func (w *formWalker) get(path string) (int, string) {
	w.t.Helper()
	res := w.c.Get(path)
	return res.StatusCode, webtest.ReadBody(res)
}

func (w *formWalker) upload(name string, data []byte, action string) (int, string, string) {
	w.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("csrf_token", w.csrf)
	_ = mw.WriteField("action", action)
	if data != nil {
		fw, err := mw.CreateFormFile("evidence", name)
		require.NoError(w.t, err)
		_, _ = fw.Write(data)
	}
	require.NoError(w.t, mw.Close())
	req, err := http.NewRequest(http.MethodPost, w.c.URL("/complaints/new/evidence"), &buf)
	require.NoError(w.t, err)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res := w.c.Do(req, "")
	body := webtest.ReadBody(res)
	return res.StatusCode, res.Header.Get("Location"), body
}

func pngBytes(t testing.TB) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 4, 4))
	img.Set(1, 1, color.RGBA{R: 200, A: 255})
	var b bytes.Buffer
	require.NoError(t, png.Encode(&b, img))
	return b.Bytes()
}

func addParty(t testing.TB, env *webtest.Env, name string) int64 {
	var id int64
	require.NoError(t, env.Pool.QueryRow(context.Background(),
		`INSERT INTO parties (name, nations) VALUES ($1, ARRAY['england','wales']) RETURNING id`, name).Scan(&id))
	return id
}

var referenceRE = regexp.MustCompile(`CW-[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}`)

// pngOf is n bytes the content sniffer takes for a PNG.
func pngOf(n int) []byte {
	b := make([]byte, n)
	copy(b, "\x89PNG\r\n\x1a\n")
	return b
}
