package complaints_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/complaints"
	"github.com/campaignwatch/campaignwatch/internal/mail"
	"github.com/campaignwatch/campaignwatch/internal/mail/mailtest"
	"github.com/campaignwatch/campaignwatch/internal/testdb"
	"github.com/campaignwatch/campaignwatch/jobs"
)

// Acknowledgements go through the same mail layer as letters: one the
// relay accepted is recorded and never sent again, even when the relay
// answers the RSET after it with 421 or closes the connection.
func TestAcknowledgementAcceptedBeforeTheRelayMisbehavesIsSentOnce(t *testing.T) {
	for _, fault := range mailtest.AfterAcceptFaults {
		t.Run(fault.Name, func(t *testing.T) {
			const n = 5
			pool := testdb.New(t)
			smtp := mailtest.NewServer(t)
			fault.On(smtp, true)
			sender, err := mail.NewSMTP(smtp.URL(), mail.WithKeepAlive(time.Minute))
			require.NoError(t, err)
			client, err := jobs.NewClient(pool, newRegistry(t, pool, sender), jobs.Options{Workers: map[string]int{"default": 2, "mail": 2}, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
			require.NoError(t, err)
			events, cancelSub := client.Subscribe(river.EventKindJobCompleted, river.EventKindJobFailed, river.EventKindJobCancelled)
			defer cancelSub()
			svc := complaints.NewService(pool, client)
			for i := range n {
				s := sample()
				s.Sender = fmt.Sprintf("07700 90012%d", i)
				s.Complainant = &complaints.Complainant{Name: "Ann Example", Email: fmt.Sprintf("ann%d@example.org", i)}
				_, err := svc.Submit(context.Background(), s, complaints.Meta{})
				require.NoError(t, err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			require.NoError(t, client.Start(ctx))
			t.Cleanup(func() { cancel(); _ = client.StopAndCancel(context.Background()); _ = sender.Close() })

			smtp.WaitForFaults(t, 30*time.Second, func(f mailtest.Faults) bool { return fault.Shown(f) >= n })
			fault.On(smtp, false)
			deadline := time.After(60 * time.Second)
			retried := 0
			for done := 0; done < n; {
				select {
				case ev := <-events:
					if ev.Job.Kind != (complaints.AcknowledgeArgs{}).Kind() {
						continue
					}
					if ev.Kind == river.EventKindJobCompleted {
						done++
					} else {
						retried++
					}
				case <-deadline:
					require.Failf(t, "timeout", "%d acknowledgements did not finish in time", n)
				}
			}
			assert.Zero(t, retried, "acknowledgement attempts failed and were retried")
			byID := map[string]int{}
			for _, m := range smtp.Messages() {
				byID[strings.Trim(m.Parsed.MessageID, "<>")]++
			}
			require.Len(t, byID, n, "different acknowledgements delivered")
			for id, c := range byID {
				assert.Equal(t, 1, c, "%s delivered %d times", id, c)
			}
			var acked int
			require.NoError(t, pool.QueryRow(context.Background(), `SELECT count(*) FROM complaints WHERE acknowledged_at IS NOT NULL`).Scan(&acked))
			require.Equal(t, n, acked, "acknowledged")
		})
	}
}
