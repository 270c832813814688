package staff

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/campaignwatch/campaignwatch/internal/testdb"
	"github.com/campaignwatch/campaignwatch/jobs"
)

// BenchmarkSignInThrottle prints what the atomic throttle adds to a
// sign-in, beside the argon2id check it guards: the mean time of a
// reservation and its refund (three locked upserts, then three updates),
// and of one password check. It also fires 50 wrong attempts at once at
// one account and reports how many were checked (the budget, 5).
func BenchmarkSignInThrottle(b *testing.B) {
	pool := testdb.New(b)
	client, err := jobs.NewClient(pool, jobs.NewRegistry(), jobs.Options{})
	if err != nil {
		b.Fatal(err)
	}
	svc := NewService(pool, Settings{}, client)
	ctx := context.Background()
	hash, err := HashPassword("correct horse battery staple")
	if err != nil {
		b.Fatal(err)
	}
	const attempts = 200
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		for i := range attempts {
			res, err := svc.reserve(ctx, fmt.Sprintf("user%d@example.org", i), "192.0.2.1", "")
			if err != nil {
				b.Fatal(err)
			}
			if err := svc.settleSuccess(ctx, res); err != nil {
				b.Fatal(err)
			}
		}
		throttle := time.Since(start) / attempts

		start = time.Now()
		for range 20 {
			_, _ = CheckPassword(hash, "a wrong password")
		}
		check := time.Since(start) / 20

		var wg sync.WaitGroup
		var mu sync.Mutex
		checked := 0
		for i := range 50 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := svc.Authenticate(ctx, "target@example.org", fmt.Sprintf("guess %d", i), "198.51.100.1", "")
				if err == ErrBadCredentials {
					mu.Lock()
					checked++
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		b.ReportMetric(float64(throttle.Microseconds()), "throttle_µs/attempt")
		b.ReportMetric(float64(check.Microseconds()), "argon2_µs/check")
		b.ReportMetric(float64(checked), "checked_of_50_parallel")
	}
}
