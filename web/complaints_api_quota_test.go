package web_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/complaints"
	"github.com/campaignwatch/campaignwatch/internal/staff"
	"github.com/campaignwatch/campaignwatch/web/internal/formtest"
	"github.com/campaignwatch/campaignwatch/web/webtest"
)

// The public API's inline evidence counts against the same per-client,
// per-/48 and daily quotas as the form's uploads: otherwise anyone could
// store without limit by sending base64 instead of uploading.

// complaintWithPNG is a valid API complaint with one PNG of n bytes and
// its own message, so each one is stored as a complaint of its own.
func complaintWithPNG(i, n int) map[string]any {
	c := validComplaint()
	c["message"] = fmt.Sprintf("Vote for us, message %d", i)
	c["evidence"] = []any{map[string]any{"filename": fmt.Sprintf("shot%d.png", i), "data": base64.StdEncoding.EncodeToString(formtest.PNGOf(n))}}
	return c
}

// storedWithMessage counts the complaints stored with message.
func storedWithMessage(t testing.TB, env *webtest.Env, message string) int {
	var n int
	require.NoError(t, env.Pool.QueryRow(context.Background(), `SELECT count(*) FROM complaints WHERE message = $1`, message).Scan(&n))
	return n
}

func evidenceCount(t testing.TB, env *webtest.Env) int {
	var n int
	require.NoError(t, env.Pool.QueryRow(context.Background(), `SELECT count(*) FROM complaint_evidence`).Scan(&n))
	return n
}

func TestAPIEvidenceCountsAgainstClientQuota(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{Env: map[string]string{"EVIDENCE_CLIENT_MB": "1", "COMPLAINT_RATE": "100", "COMPLAINT_BURST": "100"}})
	status, out, _ := postComplaint(t, env, encode(complaintWithPNG(1, 600<<10)), nil)
	require.Equal(t, http.StatusCreated, status, out)

	// The sent file is kept as the form's sent files are: an empty row,
	// marked sent, that counts for 24 hours.
	var rows int
	var data, left int64
	require.NoError(t, env.Pool.QueryRow(context.Background(), `SELECT count(*), coalesce(sum(length(data)), 0),
		coalesce(max(extract(epoch FROM expires_at - now())), 0)::bigint FROM complaint_drafts WHERE sent_at IS NOT NULL`).Scan(&rows, &data, &left))
	require.Equal(t, 1, rows)
	require.Zero(t, data)
	require.InDelta(t, (24 * time.Hour).Seconds(), float64(left), 60)

	second := complaintWithPNG(2, 600<<10)
	status, out, _ = postComplaint(t, env, encode(second), nil)
	require.Equal(t, http.StatusUnprocessableEntity, status, out)
	require.Equal(t, "evidence", out["field"], out)
	errs, _ := out["errors"].([]any)
	require.Len(t, errs, 1)
	require.Contains(t, errs[0].(map[string]any)["message"], "from your connection")
	require.Zero(t, storedWithMessage(t, env, second["message"].(string)), "nothing of a refused complaint is stored")
	require.Equal(t, 1, evidenceCount(t, env))

	// Without evidence the same client is not refused.
	plain := validComplaint()
	plain["message"] = "No files with this one"
	status, out, _ = postComplaint(t, env, encode(plain), nil)
	require.Equal(t, http.StatusCreated, status, out)

	// The form's uploads share the count.
	w := formtest.NewWalker(t, env)
	w.Step("/complaints/new", map[string][]string{"channel": {"sms"}}, "/complaints/new/sender")
	status, _, body := w.Upload("three.png", formtest.PNGOf(600<<10), "upload")
	require.Equal(t, http.StatusUnprocessableEntity, status)
	require.Contains(t, body, "from your internet connection")

	// After 24 hours the cleanup gives the bytes back.
	_, err := env.Pool.Exec(context.Background(), `UPDATE complaint_drafts SET expires_at = now() - interval '1 second' WHERE sent_at IS NOT NULL`)
	require.NoError(t, err)
	_, err = complaints.NewDraftStore(env.Pool).Expire(context.Background())
	require.NoError(t, err)
	status, out, _ = postComplaint(t, env, encode(second), nil)
	require.Equal(t, http.StatusCreated, status, out)
	require.Equal(t, 2, evidenceCount(t, env))
}

func TestAPIEvidenceDailyCapAnswers503(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{Env: map[string]string{"EVIDENCE_DAILY_MB": "1", "COMPLAINT_RATE": "100", "COMPLAINT_BURST": "100"}})
	status, out, _ := postComplaint(t, env, encode(complaintWithPNG(1, 600<<10)), nil)
	require.Equal(t, http.StatusCreated, status, out)

	second := complaintWithPNG(2, 600<<10)
	status, out, h := postComplaint(t, env, encode(second), nil)
	require.Equal(t, http.StatusServiceUnavailable, status, out)
	require.Contains(t, out["error"], "We cannot take more files today")
	now := time.Now().UTC()
	wait := time.Date(now.Year(), now.Month(), now.Day()+1, 0, 0, 0, 0, time.UTC).Sub(now)
	retry, err := strconv.Atoi(h.Get("Retry-After"))
	require.NoError(t, err, h.Get("Retry-After"))
	require.InDelta(t, max(wait, time.Minute).Seconds(), float64(retry), 60, "Retry-After runs to midnight UTC")
	require.Zero(t, storedWithMessage(t, env, second["message"].(string)))
	require.Equal(t, 1, evidenceCount(t, env))
}

func TestAPIEvidenceOfStaffIsNotCharged(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{Env: map[string]string{"EVIDENCE_CLIENT_MB": "1", "EVIDENCE_DAILY_MB": "1", "COMPLAINT_RATE": "100", "COMPLAINT_BURST": "100"}})
	tok, _ := env.Token(staff.RoleTriageOfficer)
	for i := range 3 {
		status, out, _ := postComplaint(t, env, encode(complaintWithPNG(i, 600<<10)), map[string]string{"Authorization": "Bearer " + tok})
		require.Equal(t, http.StatusCreated, status, out)
	}
	require.Equal(t, 3, evidenceCount(t, env))
	var usage int
	require.NoError(t, env.Pool.QueryRow(context.Background(), `SELECT count(*) FROM complaint_draft_usage WHERE bytes > 0`).Scan(&usage))
	require.Zero(t, usage)
}

// Submissions from one client at the same moment cannot both pass its
// quota: the check and the add are one statement under the count's lock.
func TestAPIEvidenceQuotaHoldsUnderConcurrency(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{Env: map[string]string{"EVIDENCE_CLIENT_MB": "1", "COMPLAINT_RATE": "100", "COMPLAINT_BURST": "100"}})
	const n = 6
	statuses := make(chan int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			status, _, _ := postComplaint(t, env, encode(complaintWithPNG(i, 600<<10)), nil)
			statuses <- status
		}()
	}
	wg.Wait()
	close(statuses)
	count := map[int]int{}
	for s := range statuses {
		count[s]++
	}
	require.Equal(t, map[int]int{http.StatusCreated: 1, http.StatusUnprocessableEntity: n - 1}, count)
	require.Equal(t, 1, evidenceCount(t, env))
}

// The API's evidence counts per IPv6 /48 as the form's does.
func TestAPIEvidenceQuotaPerIPv6Net48(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{Env: map[string]string{"TRUSTED_PROXIES": "127.0.0.0/8, ::1",
		"EVIDENCE_CLIENT_MB": "1", "EVIDENCE_NET48_MB": "2", "COMPLAINT_RATE": "100", "COMPLAINT_BURST": "100"}})
	post := func(i int, addr string) int {
		status, out, _ := postComplaint(t, env, encode(complaintWithPNG(i, 700<<10)), map[string]string{"X-Forwarded-For": addr})
		if status != http.StatusCreated {
			require.Equal(t, "evidence", out["field"], out)
		}
		return status
	}
	require.Equal(t, http.StatusCreated, post(1, "2001:db8:1:1::1"))
	require.Equal(t, http.StatusCreated, post(2, "2001:db8:1:2::1"))
	require.Equal(t, http.StatusUnprocessableEntity, post(3, "2001:db8:1:3::1"), "a third /64 of the same /48 passes its 2 MB")
	require.Equal(t, http.StatusCreated, post(4, "2001:db8:2:1::1"), "another /48 has its own quota")
}
