package web_test

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/internal/staff"
	"github.com/campaignwatch/campaignwatch/web/internal/formtest"
	"github.com/campaignwatch/campaignwatch/web/webtest"
)

// spooledFiles counts the multipart temporary files in dir.
func spooledFiles(t *testing.T, dir string) int {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, "multipart-*"))
	require.NoError(t, err)
	return len(m)
}

// spoolHere points TMPDIR, which multipart parsing reads at each upload,
// at a directory of the test's own. It is set once the database is up:
// the private PostgreSQL cluster runs in os.TempDir() as another user.
func spoolHere(t *testing.T) string {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	return tmp
}

// TestUploadTempFilesRemoved uploads files larger than the multipart
// memory limit, so they spool to $TMPDIR, on the public evidence page and
// the staff import pages, and requires that no temporary file is left
// once the requests have finished. (Not parallel: TMPDIR is the
// process's.)
func TestUploadTempFilesRemoved(t *testing.T) {
	env := webtest.New(t, webtest.Options{})
	tmp := spoolHere(t)

	w := formtest.NewWalker(t, env)
	w.Step("/complaints/new", url.Values{"channel": {"sms"}}, "/complaints/new/sender")
	status, _, body := w.Upload("one.png", formtest.PNGOf(300<<10), "upload")
	require.Equal(t, http.StatusSeeOther, status, body)

	admin := env.SignedIn(staff.RoleAdmin)
	for _, path := range []string{"/staff/complaints/import", "/staff/parties/import"} {
		var buf bytes.Buffer
		ct := formtest.Multipart(&buf, map[string]string{"csrf_token": admin.CSRFToken(path)}, "file", "rows.csv",
			bytes.Repeat([]byte("x,y\n"), 100<<10))
		req, _ := http.NewRequest(http.MethodPost, admin.URL(path), &buf)
		req.Header.Set("Content-Type", ct)
		res := admin.Do(req, "")
		res.Body.Close()
		require.Less(t, res.StatusCode, 500, path)
	}

	// Close waits for every request's handler to return, after which
	// nothing of the uploads may be left on disk.
	env.Server.Close()
	require.Zero(t, spooledFiles(t, tmp), "uploads left in the temporary directory")
}

// TestAnonymousImportRefusedBeforeBodyRead sends the staff import routes
// (and other staff forms) a
// multipart body that stops half-way (past the memory limit, so it would
// spool) and never ends. An anonymous caller must be answered without the
// body being read: a server that parsed first would still be waiting.
func TestAnonymousImportRefusedBeforeBodyRead(t *testing.T) {
	env := webtest.New(t, webtest.Options{})
	tmp := spoolHere(t)
	c := env.Anonymous()

	for path, want := range map[string]int{
		"/staff/complaints/import": http.StatusSeeOther,
		"/staff/parties/import":    http.StatusSeeOther,
		"/api/v1/parties/import":   http.StatusUnauthorized,
		// Every other staff form is answered before its body is read too.
		"/staff/admin/users/1/disable": http.StatusSeeOther,
		"/staff/parties":               http.StatusSeeOther,
	} {
		pr, pw := io.Pipe()
		mw := multipart.NewWriter(pw)
		go func() {
			// Writes fail once the client gives up on the body.
			if fw, err := mw.CreateFormFile("file", "rows.csv"); err == nil {
				_, _ = fw.Write(bytes.Repeat([]byte("x,y\n"), 50<<10))
			}
			// The rest of the body never comes until the test ends.
		}()
		req, _ := http.NewRequest(http.MethodPost, c.URL(path), pr)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		// Declared, as browsers do: a body of unknown length would have
		// net/http itself wait for part of it before answering.
		req.ContentLength = 1 << 20
		if want == http.StatusUnauthorized {
			req.Header.Set("Accept", "application/json")
		}
		answered := make(chan int, 1)
		go func() {
			res, err := c.Client.Do(req)
			if err != nil {
				answered <- 0
				return
			}
			res.Body.Close()
			answered <- res.StatusCode
		}()
		select {
		case status := <-answered:
			require.Equal(t, want, status, path)
		case <-time.After(15 * time.Second):
			assert.Fail(t, "no answer while the body was incomplete: the body is read before the role is checked", path)
		}
		_ = pw.CloseWithError(io.ErrUnexpectedEOF)
	}
	env.Server.Close()
	require.Zero(t, spooledFiles(t, tmp), "uploads left in the temporary directory")
}

// TestImportsInFlightCapped sends an import whose declared size would take
// the imports being received past IMPORT_INFLIGHT_MB: it is answered 503
// with Retry-After before its body is read (the body never comes).
func TestImportsInFlightCapped(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{Env: map[string]string{"IMPORT_INFLIGHT_MB": "1"}})
	token, _ := env.Token(staff.RoleAdmin)
	c := env.Anonymous()
	pr, pw := io.Pipe()
	defer pw.Close()
	req, _ := http.NewRequest(http.MethodPost, c.URL("/api/v1/parties/import"), pr)
	req.Header.Set("Content-Type", "text/csv")
	req.ContentLength = 2 << 20
	res := c.Do(req, token)
	body := webtest.ReadBody(res)
	require.Equal(t, http.StatusServiceUnavailable, res.StatusCode, body)
	require.NotEmpty(t, res.Header.Get("Retry-After"))
	require.Contains(t, body, "Other imports are being received")
}
