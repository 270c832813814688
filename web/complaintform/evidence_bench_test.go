package complaintform_test

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/web/webtest"
)

// BenchmarkEvidenceUploads16x5x10MB is the memory probe's case: 16
// people at once each add five 10 MB files to the public form and send
// their complaint. It reports the process's peak resident set (VmHWM,
// reset before the run), its growth over the resident set before, and
// the peak heap in use, sampled. Client and server share the process;
// the clients generate their files as they send them.
func BenchmarkEvidenceUploads16x5x10MB(b *testing.B) {
	const people, files, size = 16, 5, 10 << 20
	env := webtest.New(b, webtest.Options{Env: map[string]string{
		"COMPLAINT_RATE": "100000", "COMPLAINT_BURST": "100000",
		"EVIDENCE_CLIENT_MB": "4096", "EVIDENCE_TOTAL_MB": "4096",
	}})
	partyID := addParty(b, env, "Example Party")
	walkers := make([]*formWalker, people)
	for i := range walkers {
		walkers[i] = newFormWalker(b, env)
		walkers[i].walkToEvidence(partyID)
	}

	rssBefore := procStatusMB("VmRSS:")
	// Writing 5 to clear_refs resets VmHWM to the current resident set.
	_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
	stop := make(chan struct{})
	heap := heapPeak(stop)
	start := time.Now()
	b.ResetTimer()
	var wg sync.WaitGroup
	for _, w := range walkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range files {
				res := w.C.Do(w.streamedUpload(fmt.Sprintf("file%d.png", i), size), "")
				body := webtest.ReadBody(res)
				require.Equal(b, http.StatusSeeOther, res.StatusCode, body)
			}
			status, loc, body := w.Upload("", nil, "continue")
			require.Equal(b, http.StatusSeeOther, status, body)
			require.Equal(b, "/complaints/new/about-you", loc)
			w.Step("/complaints/new/about-you", url.Values{}, "/complaints/new/check")
			w.Step("/complaints/new/check", url.Values{}, "/complaints/new/confirmation")
		}()
	}
	wg.Wait()
	b.StopTimer()
	elapsed := time.Since(start)
	close(stop)
	peakHeap := float64(<-heap) / (1 << 20)
	peakRSS := procStatusMB("VmHWM:")

	var n, total int64
	require.NoError(b, env.Pool.QueryRow(context.Background(), `SELECT count(*), coalesce(sum(size), 0) FROM complaint_evidence`).Scan(&n, &total))
	require.Equal(b, int64(people*files), n)
	require.Equal(b, int64(people*files*size), total)
	b.ReportMetric(peakRSS, "peak-RSS-MB")
	b.ReportMetric(peakRSS-rssBefore, "RSS-growth-MB")
	b.ReportMetric(peakHeap, "peak-heap-MB")
	b.Logf("%d people each adding %d files of %d MB and sending: %s; resident set %.0f MB before, peak %.0f MB (+%.0f MB); peak heap in use %.0f MB",
		people, files, size>>20, elapsed.Round(time.Millisecond), rssBefore, peakRSS, peakRSS-rssBefore, peakHeap)
}

// walkToEvidence answers every page before the evidence page.
func (w *formWalker) walkToEvidence(partyID int64) {
	w.T.Helper()
	yesterday := time.Now().AddDate(0, 0, -1)
	w.Step("/complaints/new", url.Values{"channel": {"sms"}}, "/complaints/new/sender")
	w.Step("/complaints/new/sender", url.Values{"sender": {"07700 900982"},
		"received_day": {fmt.Sprint(yesterday.Day())}, "received_month": {fmt.Sprint(int(yesterday.Month()))},
		"received_year": {fmt.Sprint(yesterday.Year())}}, "/complaints/new/message")
	w.Step("/complaints/new/message", url.Values{"message": {"Vote for us " + w.CSRF[:8]}}, "/complaints/new/contacted")
	w.Step("/complaints/new/contacted", url.Values{}, "/complaints/new/permission")
	w.Step("/complaints/new/permission", url.Values{"consent": {"no"}, "opted_out": {"no"},
		"sender_identified": {"no"}, "opt_out_offered": {"no"}}, "/complaints/new/party")
	w.Step("/complaints/new/party", url.Values{"party": {fmt.Sprint(partyID)}}, "/complaints/new/evidence")
}

// procStatusMB reads a kB figure from /proc/self/status, in MiB.
func procStatusMB(field string) float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), field); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
			return kb / 1024
		}
	}
	return 0
}
