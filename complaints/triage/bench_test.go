package triage

import (
	"testing"
)

// BenchmarkTriage measures engine throughput over the labelled cases (a
// mixed corpus of every channel and rule), on one goroutine and with
// RunParallel, reporting complaints/s.
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
	b.Run("single", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			_ = e.Triage(&corpus[i%len(corpus)], ctx)
			i++
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "complaints/s")
	})
	b.Run("parallel", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			i := 0
			for pb.Next() {
				_ = e.Triage(&corpus[i%len(corpus)], ctx)
				i++
			}
		})
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "complaints/s")
	})
}
