package complaintform_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/complaints"
	"github.com/campaignwatch/campaignwatch/internal/staff"
	"github.com/campaignwatch/campaignwatch/web/internal/formtest"
	"github.com/campaignwatch/campaignwatch/web/webtest"
)

// draftBytes is what the drafts hold in all, as the table has it.
func draftBytes(t testing.TB, env *webtest.Env) int64 {
	var n int64
	require.NoError(t, env.Pool.QueryRow(context.Background(), `SELECT coalesce(sum(size_bytes), 0) FROM complaint_drafts`).Scan(&n))
	return n
}

// evidenceError is the message the error summary links to the file input.
func evidenceError(t testing.TB, body string) string {
	t.Helper()
	m := regexp.MustCompile(`<a href="#evidence">([^<]*)</a>`).FindStringSubmatch(body)
	require.NotNil(t, m, "the error summary links to the file input: %s", body)
	return m[1]
}

func TestEvidenceQuotaPerDraft(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{Env: map[string]string{"EVIDENCE_DRAFT_MB": "1"}})
	w := newFormWalker(t, env)
	w.Step("/complaints/new", url.Values{"channel": {"sms"}}, "/complaints/new/sender")

	status, _, body := w.Upload("one.png", formtest.PNGOf(600<<10), "upload")
	require.Equal(t, http.StatusSeeOther, status, body)
	status, _, body = w.Upload("two.png", formtest.PNGOf(600<<10), "upload")
	require.Equal(t, http.StatusUnprocessableEntity, status)
	require.Equal(t, "The files you have added are as large as one report can take; remove one to add another", evidenceError(t, body))
	require.Contains(t, body, `id="evidence-error"`, "the message is also shown at the field")
	require.Equal(t, int64(600<<10), draftBytes(t, env), "the refused file is not kept")

	// Removing the first gives its bytes back to the draft.
	_, body = w.Get("/complaints/new/evidence")
	m := regexp.MustCompile(`name="file" value="(\d+)"`).FindStringSubmatch(body)
	require.NotNil(t, m)
	w.Step("/complaints/new/evidence/remove", url.Values{"file": {m[1]}}, "/complaints/new/evidence")
	status, _, body = w.Upload("two.png", formtest.PNGOf(600<<10), "upload")
	require.Equal(t, http.StatusSeeOther, status, body)
}

func TestEvidenceQuotaPerClientAcrossNewDrafts(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{Env: map[string]string{"EVIDENCE_CLIENT_MB": "1"}})
	first := newFormWalker(t, env)
	first.Step("/complaints/new", url.Values{"channel": {"sms"}}, "/complaints/new/sender")
	status, _, body := first.Upload("one.png", formtest.PNGOf(600<<10), "upload")
	require.Equal(t, http.StatusSeeOther, status, body)

	// A new draft (new cookies) from the same address shares the quota,
	// in Welsh too.
	second := newFormWalker(t, env)
	second.Get("/complaints/new?lang=cy")
	second.Step("/complaints/new", url.Values{"channel": {"sms"}}, "/complaints/new/sender")
	status, _, body = second.Upload("two.png", formtest.PNGOf(600<<10), "upload")
	require.Equal(t, http.StatusUnprocessableEntity, status)
	require.Contains(t, evidenceError(t, body), "Mae gormod o ffeiliau mawr yn aros i gael eu hanfon")
	require.Equal(t, int64(600<<10), draftBytes(t, env))

	// Sending the first draft's file with its complaint does not give the
	// address its bytes back: otherwise permanent storage would be
	// limited only by the complaint rate.
	partyID := addParty(t, env, "Example Party")
	first.walkToCheck(partyID, "Vote for us")
	status, loc, body := first.Post("/complaints/new/check", url.Values{})
	require.Equal(t, http.StatusSeeOther, status, body)
	require.Equal(t, "/complaints/new/confirmation", loc)
	ctx := context.Background()
	var evidence int64
	require.NoError(t, env.Pool.QueryRow(ctx, `SELECT coalesce(sum(size), 0) FROM complaint_evidence`).Scan(&evidence))
	require.Equal(t, int64(600<<10)+int64(len(formtest.PNG(t))), evidence, "the complaint has its files")
	status, _, body = second.Upload("two.png", formtest.PNGOf(600<<10), "upload")
	require.Equal(t, http.StatusUnprocessableEntity, status, "sent files still count for their address")
	require.Contains(t, evidenceError(t, body), "Mae gormod o ffeiliau mawr yn aros i gael eu hanfon")
	var held int64
	require.NoError(t, env.Pool.QueryRow(ctx, `SELECT coalesce(sum(length(data)), 0) FROM complaint_drafts`).Scan(&held))
	require.Zero(t, held, "a sent draft's data is not kept twice")

	// Nor can they be taken back by removing the sent draft's files (with
	// a replayed draft cookie).
	var sentID int64
	var sentKey []byte
	require.NoError(t, env.Pool.QueryRow(ctx, `SELECT id, draft_key FROM complaint_drafts WHERE sent_at IS NOT NULL ORDER BY id LIMIT 1`).Scan(&sentID, &sentKey))
	require.NoError(t, complaints.NewDraftStore(env.Pool).Remove(ctx, sentKey, sentID))
	require.NoError(t, complaints.NewDraftStore(env.Pool).RemoveAll(ctx, sentKey))
	status, _, _ = second.Upload("two.png", formtest.PNGOf(600<<10), "upload")
	require.Equal(t, http.StatusUnprocessableEntity, status)

	// 24 hours after sending, the cleanup releases them.
	_, err := env.Pool.Exec(ctx, `UPDATE complaint_drafts SET expires_at = now() - interval '1 second' WHERE sent_at IS NOT NULL`)
	require.NoError(t, err)
	_, err = complaints.NewDraftStore(env.Pool).Expire(ctx)
	require.NoError(t, err)
	status, _, body = second.Upload("two.png", formtest.PNGOf(600<<10), "upload")
	require.Equal(t, http.StatusSeeOther, status, body)
}

// uploadFrom uploads as upload does, from addr behind a trusted proxy.
func (w *formWalker) uploadFrom(addr, name string, data []byte) (int, string) {
	w.T.Helper()
	var buf bytes.Buffer
	ct := formtest.Multipart(&buf, map[string]string{"csrf_token": w.CSRF, "action": "upload"}, "evidence", name, data)
	req, err := http.NewRequest(http.MethodPost, w.C.URL("/complaints/new/evidence"), &buf)
	require.NoError(w.T, err)
	req.Header.Set("Content-Type", ct)
	req.Header.Set("X-Forwarded-For", addr)
	res := w.C.Do(req, "")
	return res.StatusCode, webtest.ReadBody(res)
}

// One IPv6 allocation holds thousands of /64s, each a client of its own:
// the /48 they share has a quota too, so it cannot fill the whole store.
func TestEvidenceQuotaPerIPv6Net48(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{Env: map[string]string{"TRUSTED_PROXIES": "127.0.0.0/8, ::1",
		"EVIDENCE_CLIENT_MB": "1", "EVIDENCE_NET48_MB": "2"}})
	upload := func(addr string) int {
		w := newFormWalker(t, env)
		w.Step("/complaints/new", url.Values{"channel": {"sms"}}, "/complaints/new/sender")
		status, body := w.uploadFrom(addr, "one.png", formtest.PNGOf(700<<10))
		if status != http.StatusSeeOther {
			require.Equal(t, http.StatusUnprocessableEntity, status, body)
			require.Equal(t, "Too many large files have been sent or are waiting to be sent from your internet connection today; try again tomorrow, or send your report without them",
				evidenceError(t, body))
		}
		return status
	}
	require.Equal(t, http.StatusSeeOther, upload("2001:db8:1:1::1"))
	require.Equal(t, http.StatusSeeOther, upload("2001:db8:1:2::1"))
	require.Equal(t, http.StatusUnprocessableEntity, upload("2001:db8:1:3::1"), "a third /64 of the same /48 passes its 2 MB")
	require.Equal(t, http.StatusSeeOther, upload("2001:db8:2:1::1"), "another /48 has its own quota")
	require.Equal(t, http.StatusSeeOther, upload("192.0.2.7"), "IPv4 is counted per address only")

	// Only keyed hashes are stored, never an address or a network.
	var leaked int
	require.NoError(t, env.Pool.QueryRow(context.Background(), `SELECT count(*) FROM complaint_drafts
		WHERE position('2001:db8'::bytea IN client_key) > 0 OR position('2001:db8'::bytea IN coalesce(net_key, '')) > 0`).Scan(&leaked))
	require.Zero(t, leaked)
}

// The evidence sent with public complaints in one day is capped: past
// it, uploads are answered 503 with Retry-After until midnight UTC.
func TestEvidenceDailyCapAnswers503(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{Env: map[string]string{"EVIDENCE_DAILY_MB": "1"}})
	partyID := addParty(t, env, "Example Party")
	first := newFormWalker(t, env)
	first.Step("/complaints/new", url.Values{"channel": {"sms"}}, "/complaints/new/sender")
	status, _, body := first.Upload("one.png", formtest.PNGOf(900<<10), "upload")
	require.Equal(t, http.StatusSeeOther, status, body)
	first.walkToCheck(partyID, "Vote for us")
	status, loc, body := first.Post("/complaints/new/check", url.Values{})
	require.Equal(t, http.StatusSeeOther, status, body)
	require.Equal(t, "/complaints/new/confirmation", loc)

	second := newFormWalker(t, env)
	second.Step("/complaints/new", url.Values{"channel": {"sms"}}, "/complaints/new/sender")
	var buf bytes.Buffer
	ct := formtest.Multipart(&buf, map[string]string{"csrf_token": second.CSRF, "action": "upload"}, "evidence", "two.png", formtest.PNGOf(200<<10))
	req, err := http.NewRequest(http.MethodPost, second.C.URL("/complaints/new/evidence"), &buf)
	require.NoError(t, err)
	req.Header.Set("Content-Type", ct)
	res := second.C.Do(req, "")
	body = webtest.ReadBody(res)
	require.Equal(t, http.StatusServiceUnavailable, res.StatusCode, body)
	now := time.Now().UTC()
	wait := time.Date(now.Year(), now.Month(), now.Day()+1, 0, 0, 0, 0, time.UTC).Sub(now)
	retry, err := time.ParseDuration(res.Header.Get("Retry-After") + "s")
	require.NoError(t, err)
	require.InDelta(t, max(wait, time.Minute).Seconds(), retry.Seconds(), 60, "Retry-After runs to midnight UTC")
	require.Contains(t, body, "We cannot take more files today")
	require.Contains(t, body, "You can go back and send your report without it, or add it tomorrow.")

	second.Get("/complaints/new/evidence?lang=cy")
	status, _, body = second.Upload("two.png", formtest.PNGOf(200<<10), "upload")
	require.Equal(t, http.StatusServiceUnavailable, status)
	require.Contains(t, body, "Ni allwn dderbyn rhagor o ffeiliau heddiw")

	// A report can still be sent.
	second.Get("/complaints/new/evidence?lang=en")
	second.walkToCheck(partyID, "Vote for them")
	status, loc, body = second.Post("/complaints/new/check", url.Values{})
	require.Equal(t, http.StatusSeeOther, status, body)
	require.Equal(t, "/complaints/new/confirmation", loc)
}

func TestEvidenceStoreFullAnswers503(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{Env: map[string]string{"EVIDENCE_TOTAL_MB": "1"}})
	first := newFormWalker(t, env)
	first.Step("/complaints/new", url.Values{"channel": {"sms"}}, "/complaints/new/sender")
	status, _, body := first.Upload("one.png", formtest.PNGOf(600<<10), "upload")
	require.Equal(t, http.StatusSeeOther, status, body)

	second := newFormWalker(t, env)
	second.Step("/complaints/new", url.Values{"channel": {"sms"}}, "/complaints/new/sender")
	var buf bytes.Buffer
	ct := formtest.Multipart(&buf, map[string]string{"csrf_token": second.CSRF, "action": "upload"}, "evidence", "two.png", formtest.PNGOf(600<<10))
	req, err := http.NewRequest(http.MethodPost, second.C.URL("/complaints/new/evidence"), &buf)
	require.NoError(t, err)
	req.Header.Set("Content-Type", ct)
	res := second.C.Do(req, "")
	body = webtest.ReadBody(res)
	require.Equal(t, http.StatusServiceUnavailable, res.StatusCode, body)
	require.Equal(t, "300", res.Header.Get("Retry-After"))
	require.Contains(t, body, "We cannot take more files just now")
	require.Contains(t, body, "You can go back and continue without it")
	require.Equal(t, int64(600<<10), draftBytes(t, env))

	// In Welsh.
	second.Get("/complaints/new/evidence?lang=cy")
	status, _, body = second.Upload("two.png", formtest.PNGOf(600<<10), "upload")
	require.Equal(t, http.StatusServiceUnavailable, status)
	require.Contains(t, body, "Ni allwn dderbyn rhagor o ffeiliau ar hyn o bryd")
}

// Uploads at once must not pass a quota between checking and adding:
// eight 300 KB files against 1 MB, to one draft and then from one address
// to eight drafts, leave exactly three stored each time.
func TestEvidenceQuotaHoldsUnderConcurrentUploads(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{Env: map[string]string{"EVIDENCE_DRAFT_MB": "1", "COMPLAINT_BURST": "10"}})
	w := newFormWalker(t, env)
	w.Step("/complaints/new", url.Values{"channel": {"sms"}}, "/complaints/new/sender")
	race := func(upload func(i int) int) (ok, refused int) {
		var wg sync.WaitGroup
		var okN, refusedN atomic.Int32
		start := make(chan struct{})
		for i := 0; i < 8; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				switch upload(i) {
				case http.StatusSeeOther:
					okN.Add(1)
				case http.StatusUnprocessableEntity:
					refusedN.Add(1)
				}
			}()
		}
		close(start)
		wg.Wait()
		return int(okN.Load()), int(refusedN.Load())
	}
	ok, refused := race(func(i int) int {
		status, _, _ := w.Upload(fmt.Sprintf("f%d.png", i), formtest.PNGOf(300<<10), "upload")
		return status
	})
	require.Equal(t, 3, ok)
	require.Equal(t, 5, refused)
	require.Equal(t, int64(3*300<<10), draftBytes(t, env))

	env2 := webtest.New(t, webtest.Options{Env: map[string]string{"EVIDENCE_CLIENT_MB": "1", "COMPLAINT_BURST": "10"}})
	walkers := make([]*formWalker, 8)
	for i := range walkers {
		walkers[i] = newFormWalker(t, env2)
		walkers[i].Step("/complaints/new", url.Values{"channel": {"sms"}}, "/complaints/new/sender")
	}
	ok, refused = race(func(i int) int {
		status, _, _ := walkers[i].Upload("f.png", formtest.PNGOf(300<<10), "upload")
		return status
	})
	require.Equal(t, 3, ok)
	require.Equal(t, 5, refused)
	require.Equal(t, int64(3*300<<10), draftBytes(t, env2))
}

// Every path that stores evidence names a file by what it holds: the
// form, the JSON API, and the download staff get.
func TestEvidenceNamedByContentOnEveryPath(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{})
	ctx := context.Background()
	partyID := addParty(t, env, "Example Party")
	w := newFormWalker(t, env)
	w.Step("/complaints/new", url.Values{"channel": {"sms"}}, "/complaints/new/sender")

	svg := []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>`)
	status, _, body := w.Upload("script.svg", svg, "upload")
	require.Equal(t, http.StatusUnprocessableEntity, status)
	require.Contains(t, evidenceError(t, body), "web page or drawing (such as SVG or HTML)")
	status, _, body = w.Upload("photo.jpg.exe", formtest.PNG(t), "upload")
	require.Equal(t, http.StatusSeeOther, status, body)
	polyglot := []byte("GIF89a/*\x01\x00\x01\x00*/=1;<script>alert(1)</script>")
	status, _, body = w.Upload("evil.html", polyglot, "upload")
	require.Equal(t, http.StatusSeeOther, status, body)
	_, body = w.Get("/complaints/new/evidence")
	require.Contains(t, body, "photo.jpg.png")
	require.Contains(t, body, "evil.gif")
	require.NotContains(t, body, "photo.jpg.exe")

	w.walkToCheck(partyID, "Vote for us")
	status, _, body = w.Post("/complaints/new/check", url.Values{})
	require.Equal(t, http.StatusSeeOther, status, body)
	_, body = w.Get("/complaints/new/confirmation")
	ref := formtest.ReferenceRE.FindString(body)
	require.NotEmpty(t, ref)
	rows, err := env.Pool.Query(ctx, `SELECT v.id, v.filename, v.content_type, v.size = length(v.data) AND v.sha256 = sha256(v.data)
		FROM complaint_evidence v JOIN complaints c ON c.id = v.complaint_id WHERE c.reference = $1 ORDER BY v.id`, ref)
	require.NoError(t, err)
	type stored struct {
		ID             int64
		Name, Type     string
		SizeAndSumTrue bool
	}
	var got []stored
	for rows.Next() {
		var s stored
		require.NoError(t, rows.Scan(&s.ID, &s.Name, &s.Type, &s.SizeAndSumTrue))
		got = append(got, s)
	}
	require.NoError(t, rows.Err())
	require.Len(t, got, 3)
	require.Equal(t, []string{"photo.jpg.png", "image/png", "evil.gif", "image/gif", "shot.png", "image/png"},
		[]string{got[0].Name, got[0].Type, got[1].Name, got[1].Type, got[2].Name, got[2].Type})
	require.True(t, got[0].SizeAndSumTrue && got[1].SizeAndSumTrue && got[2].SizeAndSumTrue)

	// Staff download it only as an attachment under its stored name.
	officer := env.SignedIn(staff.RoleTriageOfficer)
	res := officer.Get(fmt.Sprintf("/staff/complaints/%s/evidence/%d", ref, got[1].ID))
	data, _ := io.ReadAll(res.Body)
	res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.Equal(t, polyglot, data)
	require.Equal(t, `attachment; filename=evil.gif`, res.Header.Get("Content-Disposition"))
	require.Equal(t, "nosniff", res.Header.Get("X-Content-Type-Options"))
	require.Equal(t, "application/octet-stream", res.Header.Get("Content-Type"))

	// The JSON API follows the same rule.
	api := func(name string, data []byte) (int, map[string]any) {
		payload, _ := json.Marshal(map[string]any{"channel": "sms", "sender": "07700 900123", "message": "Vote for us " + name,
			"received_at": time.Now().AddDate(0, 0, -1).Format("2006-01-02"),
			"evidence":    []map[string]string{{"filename": name, "data": base64.StdEncoding.EncodeToString(data)}}})
		res, err := http.Post(env.Server.URL+"/api/v1/complaints", "application/json", bytes.NewReader(payload))
		require.NoError(t, err)
		defer res.Body.Close()
		var out map[string]any
		require.NoError(t, json.NewDecoder(res.Body).Decode(&out))
		return res.StatusCode, out
	}
	status, out := api("script.svg", svg)
	require.Equal(t, http.StatusUnprocessableEntity, status, out)
	require.Contains(t, fmt.Sprint(out["errors"]), "evidence")
	require.Contains(t, fmt.Sprint(out["errors"]), "SVG or HTML")
	status, out = api("photo.jpg.exe", formtest.PNG(t))
	require.Equal(t, http.StatusCreated, status, out)
	var name, ctype string
	require.NoError(t, env.Pool.QueryRow(ctx, `SELECT v.filename, v.content_type FROM complaint_evidence v
		JOIN complaints c ON c.id = v.complaint_id WHERE c.reference = $1`, out["reference"]).Scan(&name, &ctype))
	require.Equal(t, "photo.jpg.png", name)
	require.Equal(t, "image/png", ctype)
}

// zeros reads as endless zero bytes without allocating.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// switchWriter lets one multipart.Writer write a body's head and tail
// into separate buffers, so the file between them can be streamed.
type switchWriter struct{ dst io.Writer }

func (s *switchWriter) Write(p []byte) (int, error) { return s.dst.Write(p) }

// streamedUpload is an evidence upload whose file (a PNG signature, then
// size-8 zero bytes) is generated as it is sent, with its Content-Length
// set, so the client side holds none of it.
func (w *formWalker) streamedUpload(name string, size int64) *http.Request {
	w.T.Helper()
	var head, tail bytes.Buffer
	sw := &switchWriter{dst: &head}
	mw := multipart.NewWriter(sw)
	_ = mw.WriteField("csrf_token", w.CSRF)
	_ = mw.WriteField("action", "upload")
	_, err := mw.CreateFormFile("evidence", name)
	require.NoError(w.T, err)
	sw.dst = &tail
	require.NoError(w.T, mw.Close())
	file := io.MultiReader(strings.NewReader("\x89PNG\r\n\x1a\n"), io.LimitReader(zeros{}, size-8))
	req, err := http.NewRequest(http.MethodPost, w.C.URL("/complaints/new/evidence"), io.MultiReader(&head, file, &tail))
	require.NoError(w.T, err)
	req.ContentLength = int64(head.Len()+tail.Len()) + size
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return req
}

// heapPeak samples the heap in use until stop is closed and returns the
// highest sample.
func heapPeak(stop <-chan struct{}) <-chan uint64 {
	out := make(chan uint64, 1)
	go func() {
		var peak uint64
		var ms runtime.MemStats
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		for {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
			select {
			case <-stop:
				out <- peak
				return
			case <-tick.C:
			}
		}
	}()
	return out
}

// Four 10 MB files uploaded and sent with their complaint: the heap must
// stay far below the 40 MB they weigh. Garbage is collected eagerly
// while this runs so the figure is memory held, not memory waiting to be
// collected. Not parallel: it measures the whole process.
func TestEvidenceUploadMemoryStaysFlat(t *testing.T) {
	env := webtest.New(t, webtest.Options{})
	partyID := addParty(t, env, "Example Party")
	w := newFormWalker(t, env)
	w.walkToCheck(partyID, "Vote for us")
	status, _, body := w.Post("/complaints/new/check", url.Values{}) // warm every path once
	require.Equal(t, http.StatusSeeOther, status, body)
	w.walkToCheck(partyID, "Vote for us again")

	defer debug.SetGCPercent(debug.SetGCPercent(5))
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapInuse
	stop := make(chan struct{})
	peak := heapPeak(stop)
	for i := 0; i < 4; i++ {
		res := w.C.Do(w.streamedUpload(fmt.Sprintf("big%d.png", i), 10<<20), "")
		body := webtest.ReadBody(res)
		require.Equal(t, http.StatusSeeOther, res.StatusCode, body)
	}
	status, _, body = w.Post("/complaints/new/check", url.Values{})
	close(stop)
	require.Equal(t, http.StatusSeeOther, status, body)
	growth := int64(<-peak) - int64(base)
	t.Logf("heap in use: %d MB before, peak growth %.1f MB for 40 MB of evidence", base>>20, float64(growth)/(1<<20))
	require.Less(t, growth, int64(16<<20), "uploads and sending must not hold the files in memory")

	var n, total int64
	require.NoError(t, env.Pool.QueryRow(context.Background(), `SELECT count(*), sum(size) FROM complaint_evidence WHERE filename LIKE 'big%'`).Scan(&n, &total))
	require.Equal(t, int64(4), n)
	require.Equal(t, int64(40<<20), total)
}

// With UPLOAD_INFLIGHT_MB reached, another upload is answered 503 with
// Retry-After at once, without reading its body; once the first ends,
// uploads are taken again.
func TestEvidenceUploadsInFlightCapped(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{Env: map[string]string{"UPLOAD_INFLIGHT_MB": "1"}})
	ctx := context.Background()
	w := newFormWalker(t, env)
	w.Step("/complaints/new", url.Values{"channel": {"sms"}}, "/complaints/new/sender")

	// Hold the draft table so the first upload, once its body is in,
	// waits in the database with its bytes still counted.
	lock, err := env.Pool.Begin(ctx)
	require.NoError(t, err)
	defer lock.Rollback(ctx)
	_, err = lock.Exec(ctx, `LOCK TABLE complaint_drafts IN SHARE MODE`)
	require.NoError(t, err)

	done := make(chan int, 1)
	go func() {
		res := w.C.Do(w.streamedUpload("first.png", 600<<10), "")
		webtest.ReadBody(res)
		done <- res.StatusCode
	}()
	waitCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	for {
		var waiting bool
		require.NoError(t, env.Pool.QueryRow(waitCtx, `SELECT EXISTS (SELECT 1 FROM pg_locks
			WHERE relation = 'complaint_drafts'::regclass AND NOT granted)`).Scan(&waiting))
		if waiting {
			break
		}
		select {
		case <-waitCtx.Done():
			t.Fatal("the first upload never reached the database")
		case <-time.After(5 * time.Millisecond):
		}
	}

	second := newFormWalker(t, env)
	second.Step("/complaints/new", url.Values{"channel": {"sms"}}, "/complaints/new/sender")
	reqCtx, cancelReq := context.WithTimeout(ctx, 20*time.Second)
	defer cancelReq()
	res := second.C.Do(second.streamedUpload("second.png", 600<<10).WithContext(reqCtx), "")
	body := webtest.ReadBody(res)
	require.Equal(t, http.StatusServiceUnavailable, res.StatusCode, body)
	require.Equal(t, "10", res.Header.Get("Retry-After"))
	require.Contains(t, body, "The service is busy")
	require.Contains(t, body, "Wait 10 seconds and try adding your file again.")

	require.NoError(t, lock.Rollback(ctx))
	require.Equal(t, http.StatusSeeOther, <-done)
	res = second.C.Do(second.streamedUpload("second.png", 600<<10), "")
	body = webtest.ReadBody(res)
	require.Equal(t, http.StatusSeeOther, res.StatusCode, body)
}

// Files of drafts that expire give their bytes back: the counts follow
// the rows, so an address that hit its quota can upload again once its
// old drafts are gone, and nothing is left counted.
func TestEvidenceQuotaFreedWhenDraftsExpire(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{Env: map[string]string{"EVIDENCE_CLIENT_MB": "1"}})
	ctx := context.Background()
	first := newFormWalker(t, env)
	first.Step("/complaints/new", url.Values{"channel": {"sms"}}, "/complaints/new/sender")
	status, _, body := first.Upload("one.png", formtest.PNGOf(600<<10), "upload")
	require.Equal(t, http.StatusSeeOther, status, body)
	second := newFormWalker(t, env)
	second.Step("/complaints/new", url.Values{"channel": {"sms"}}, "/complaints/new/sender")
	status, _, _ = second.Upload("two.png", formtest.PNGOf(600<<10), "upload")
	require.Equal(t, http.StatusUnprocessableEntity, status)

	_, err := env.Pool.Exec(ctx, `UPDATE complaint_drafts SET expires_at = now() - interval '1 second'`)
	require.NoError(t, err)
	n, err := complaints.NewDraftStore(env.Pool).Expire(ctx)
	require.NoError(t, err)
	require.Equal(t, int64(1), n)
	var rows, usedBytes, usedFiles int64
	require.NoError(t, env.Pool.QueryRow(ctx, `SELECT count(*) FILTER (WHERE scope <> 'all'),
		coalesce(sum(bytes) FILTER (WHERE scope = 'all'), 0), coalesce(sum(files) FILTER (WHERE scope = 'all'), 0)
		FROM complaint_draft_usage`).Scan(&rows, &usedBytes, &usedFiles))
	require.Equal(t, [3]int64{0, 0, 0}, [3]int64{rows, usedBytes, usedFiles}, "no bytes stay counted for files that are gone")

	status, _, body = second.Upload("two.png", formtest.PNGOf(600<<10), "upload")
	require.Equal(t, http.StatusSeeOther, status, body)
}
