package reports_test

import (
	"bufio"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/reports"
)

// generatedRows yields n synthetic complaint rows without a database, so
// the benchmark measures the writers alone.
func generatedRows(n int) reports.RowSource {
	return func(fn func(reports.Row) error) error {
		base := time.Date(2024, 5, 22, 8, 0, 0, 0, vocab.London)
		parties := []string{"Conservative and Unionist Party", "Labour Party", "Liberal Democrats", "Scottish National Party", "Reform UK"}
		provisions := [][]string{{"PECR-22"}, {"PECR-22", "PECR-23"}, {"PECR-19"}, {"UKGDPR-5-1-f", "UKGDPR-32", "UKGDPR-33"}, {"UKGDPR-14"}}
		guidance := [][]string{{"G1", "G4"}, {"G1"}, {"BCC"}, {"G2"}}
		r := reports.Row{Status: "triaged"}
		for i := range n {
			r.Reference = fmt.Sprintf("CW-%04d-%04d", i/10000, i%10000)
			r.ReceivedAt = base.Add(time.Duration(i) * 3 * time.Second)
			r.SubmittedAt = r.ReceivedAt.Add(time.Hour)
			r.Channel = vocab.Channels[i%len(vocab.Channels)].Code
			r.Party = parties[i%len(parties)]
			r.Sender = "0113496" + strconv.Itoa(1000+i%1000)
			r.Provisions = provisions[i%len(provisions)]
			r.Guidance = guidance[i%len(guidance)]
			r.Priority = vocab.Priorities[i%4].Code
			if i%1000 == 0 {
				r.Sender = `=HYPERLINK("http://x","y")`
			}
			if err := fn(r); err != nil {
				return err
			}
		}
		return nil
	}
}

// peakRSS is the process's peak resident set size (VmHWM) in MiB.
func peakRSS() float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
			return kb / 1024
		}
	}
	return 0
}

// heapSampler records the largest live heap seen while it runs.
func heapSampler() (stop func() float64) {
	var peak atomic.Uint64
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		var ms runtime.MemStats
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() float64 {
		close(done)
		<-finished
		return float64(peak.Load()) / (1 << 20)
	}
}

func benchTrends() *reports.Trends {
	t := &reports.Trends{GeneratedAt: time.Now(), From: time.Date(2024, 5, 22, 0, 0, 0, 0, time.UTC), To: time.Date(2024, 7, 18, 0, 0, 0, 0, time.UTC),
		RulebookVersion: "bench", ByChannel: map[string]int{}, ByPriority: map[string]int{}}
	for d := t.From; !d.After(t.To); d = d.AddDate(0, 0, 1) {
		t.Daily = append(t.Daily, reports.DayCounts{Date: d, ByChannel: map[string]int{"sms": 100, "email": 80}, Total: 180})
	}
	t.Parties = []reports.PartyCounts{{Party: "Labour Party", ByChannel: map[string]int{"sms": 10}, Total: 10}}
	return t
}

func benchmarkWriter(b *testing.B, rows int, write func(f *os.File) error) {
	runtime.GC()
	stop := heapSampler()
	start := time.Now()
	for b.Loop() {
		f, err := os.CreateTemp(b.TempDir(), "bench-*")
		if err != nil {
			b.Fatal(err)
		}
		if err := write(f); err != nil {
			b.Fatal(err)
		}
		if st, err := f.Stat(); err == nil {
			b.ReportMetric(float64(st.Size())/(1<<20), "file-MB")
		}
		f.Close()
	}
	elapsed := time.Since(start)
	b.ReportMetric(float64(rows)*float64(b.N)/elapsed.Seconds(), "rows/s")
	b.ReportMetric(stop(), "peak-heap-MB")
	b.ReportMetric(peakRSS(), "peak-RSS-MB")
}

// BenchmarkWorkbook1M writes the trend workbook with 1,000,000 complaint
// rows through the streaming Complaints sheet.
func BenchmarkWorkbook1M(b *testing.B) {
	const n = 1_000_000
	benchmarkWriter(b, n, func(f *os.File) error {
		return reports.WriteWorkbook(f, benchTrends(), generatedRows(n), reports.WorkbookOptions{ExpectedRows: n})
	})
}

// BenchmarkCSV1M writes the same rows as CSV.
func BenchmarkCSV1M(b *testing.B) {
	const n = 1_000_000
	benchmarkWriter(b, n, func(f *os.File) error {
		return reports.WriteCSV(f, generatedRows(n), false, nil, 0)
	})
}
