package triage

import (
	"runtime"
	"sync"
	"testing"
	"time"
)

// BenchmarkTriage measures engine throughput over the labelled cases (a
// mixed corpus of every channel and rule), on one goroutine and on one
// goroutine per CPU, reporting complaints/s.
func BenchmarkTriage(b *testing.B) {
	rb, err := DefaultRulebook()
	if err != nil {
		b.Fatal(err)
	}
	e, err := NewEngine(rb)
	if err != nil {
		b.Fatal(err)
	}
	ctx := testContext()
	corpus := make([]Complaint, len(cases))
	for i, tc := range cases {
		corpus[i] = tc.c
	}
	// make bench runs every benchmark once (-benchtime 1x); one complaint is
	// no measurement, so each run triages at least minRun complaints and
	// reports its own rate.
	const minRun = 200_000
	b.Run("single", func(b *testing.B) {
		b.ReportAllocs()
		n := max(b.N, minRun)
		start := time.Now()
		for i := range n {
			_ = e.Triage(&corpus[i%len(corpus)], ctx)
		}
		b.ReportMetric(float64(n)/time.Since(start).Seconds(), "complaints/s")
	})
	b.Run("parallel", func(b *testing.B) {
		n := max(b.N, minRun)
		workers := runtime.GOMAXPROCS(0)
		var wg sync.WaitGroup
		start := time.Now()
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := w; i < n; i += workers {
					_ = e.Triage(&corpus[i%len(corpus)], ctx)
				}
			}()
		}
		wg.Wait()
		b.ReportMetric(float64(n)/time.Since(start).Seconds(), "complaints/s")
	})
}
