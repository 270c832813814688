package outreach_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/internal/mail"
	"github.com/campaignwatch/campaignwatch/internal/mail/mailtest"
	"github.com/campaignwatch/campaignwatch/internal/staff"
	"github.com/campaignwatch/campaignwatch/jobs"
	"github.com/campaignwatch/campaignwatch/outreach"
)

// startSubscribedWorkers runs a real River client with the send worker
// over keep-alive SMTP senders, as `serve` builds them, and returns the
// events of finished send jobs.
func (e *env) startSubscribedWorkers() <-chan *river.Event {
	e.t.Helper()
	mailer := outreach.NewSenderPool(4, func() (mail.Sender, error) {
		return mail.NewSMTP(e.smtp.URL(), mail.WithKeepAlive(time.Minute))
	})
	e.t.Cleanup(func() { _ = mailer.Close() })
	reg := jobs.NewRegistry()
	outreach.RegisterJobs(reg, e.svc, mailer)
	c, err := jobs.NewClient(e.pool, reg, jobs.Options{Workers: map[string]int{"mail": 4}, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	require.NoError(e.t, err)
	events, cancelSub := c.Subscribe(river.EventKindJobCompleted, river.EventKindJobCancelled, river.EventKindJobFailed)
	ctx, cancel := context.WithCancel(context.Background())
	require.NoError(e.t, c.Start(ctx))
	e.t.Cleanup(func() {
		cancelSub()
		cancel()
		sctx, c2 := context.WithTimeout(context.Background(), 10*time.Second)
		defer c2()
		_ = c.StopAndCancel(sctx)
	})
	return events
}

// waitJobsDone waits for n send jobs to complete, failing on any send job
// that is cancelled or discarded. Each failed attempt that will be retried
// is counted and returned.
func waitJobsDone(t *testing.T, events <-chan *river.Event, n int, timeout time.Duration) (retried int) {
	t.Helper()
	deadline := time.After(timeout)
	for done := 0; done < n; {
		select {
		case ev := <-events:
			if ev.Job.Kind != (outreach.SendArgs{}).Kind() {
				continue
			}
			switch ev.Kind {
			case river.EventKindJobCompleted:
				done++
			case river.EventKindJobFailed:
				if ev.Job.State == rivertype.JobStateDiscarded {
					require.Failf(t, "send job discarded", "send job %d was discarded: %v", ev.Job.ID, ev.Job.Errors)
				}
				retried++
			default:
				require.Failf(t, "send job not completed", "send job %d ended as %s: %v", ev.Job.ID, ev.Kind, ev.Job.Errors)
			}
		case <-deadline:
			require.Failf(t, "send jobs not completed", "%d send jobs did not complete in %s", n, timeout)
		}
	}
	return retried
}

// sentLetter is what the database recorded for one letter.
type sentLetter struct {
	state, reply string
	attempts     int
}

func lettersByMessageID(t *testing.T, e *env, electionID int64) map[string]sentLetter {
	t.Helper()
	rows, err := e.pool.Query(context.Background(), `SELECT message_id, state, smtp_reply, attempts FROM letters WHERE election_id = $1`, electionID)
	require.NoError(t, err)
	defer rows.Close()
	out := map[string]sentLetter{}
	for rows.Next() {
		var id string
		var l sentLetter
		require.NoError(t, rows.Scan(&id, &l.state, &l.reply, &l.attempts))
		out[strings.Trim(id, "<>")] = l
	}
	require.NoError(t, rows.Err())
	return out
}

// requireDeliveredOnceAndRecorded checks every letter reached the server
// exactly once (by Message-ID) and is recorded as sent with the reply the
// server gave that very message.
func requireDeliveredOnceAndRecorded(t *testing.T, e *env, electionID int64, want int) map[string]sentLetter {
	t.Helper()
	letters := lettersByMessageID(t, e, electionID)
	require.Len(t, letters, want)
	got := map[string][]mailtest.Received{}
	for _, m := range e.smtp.Messages() {
		id := strings.Trim(m.Parsed.MessageID, "<>")
		got[id] = append(got[id], m)
	}
	dups := 0
	for id, ms := range got {
		if len(ms) > 1 {
			dups++
			assert.Fail(t, "delivered more than once", "%s was delivered %d times", id, len(ms))
		}
	}
	require.Zero(t, dups, "%d of %d letters delivered more than once", dups, want)
	for id, l := range letters {
		ms := got[id]
		require.Len(t, ms, 1, "letter %s delivered once", id)
		require.Equal(t, "sent", l.state, id)
		require.Equal(t, ms[0].Reply, l.reply, "letter %s records the server's reply to it", id)
	}
	return letters
}

// A relay that answers the RSET after a message with 421, or closes the
// connection straight after its 250, while it restarts, has every letter
// it accepted: each is delivered once, recorded as sent at its first
// attempt, and none is sent again.
func TestRelayRestartingAfterAcceptingSendsNoLetterTwice(t *testing.T) {
	for _, fault := range mailtest.AfterAcceptFaults {
		t.Run(fault.Name, func(t *testing.T) {
			e := newEnv(t, outreach.Settings{})
			ctx := e.user(staff.RolePoliticalTeam, 1)
			res, err := callConfirmed(ctx, e.svc, outreach.CallInput{ElectionInput: outreach.ElectionInput{
				Name: "General Election", NameCY: "Etholiad Cyffredinol", Type: "general", PollingDay: date("2099-05-07")}})
			require.NoError(t, err)
			fault.On(e.smtp, true)
			events := e.startSubscribedWorkers()

			// The relay misbehaves for a dozen letters, then is back.
			e.smtp.WaitForFaults(t, 60*time.Second, func(f mailtest.Faults) bool { return fault.Shown(f) >= 12 })
			fault.On(e.smtp, false)
			retried := waitJobsDone(t, events, res.Letters, 120*time.Second)

			letters := requireDeliveredOnceAndRecorded(t, e, res.ElectionID, res.Letters)
			require.Zero(t, retried, "no send was retried")
			for id, l := range letters {
				require.Equal(t, 1, l.attempts, "letter %s sent at its first attempt", id)
			}
		})
	}
}

// A relay refusing mail with 451 for a while: the refused letters are
// retried and each is eventually delivered once, with the reply recorded.
func TestRelayRefusingForAWhileDeliversEachLetterOnce(t *testing.T) {
	e := newEnv(t, outreach.Settings{})
	ctx := e.user(staff.RolePoliticalTeam, 1)
	res, err := callConfirmed(ctx, e.svc, outreach.CallInput{ElectionInput: outreach.ElectionInput{
		Name: "General Election", NameCY: "Etholiad Cyffredinol", Type: "general", PollingDay: date("2099-05-07")}})
	require.NoError(t, err)
	e.smtp.Refuse(451, "4.3.2 system not accepting network messages")
	events := e.startSubscribedWorkers()

	e.smtp.WaitForFaults(t, 60*time.Second, func(f mailtest.Faults) bool { return f.Refused >= 8 })
	e.smtp.Refuse(0, "")
	retried := waitJobsDone(t, events, res.Letters, 120*time.Second)

	letters := requireDeliveredOnceAndRecorded(t, e, res.ElectionID, res.Letters)
	again := 0
	for _, l := range letters {
		if l.attempts > 1 {
			again++
		}
	}
	require.GreaterOrEqual(t, again, 1, "refused letters needed more than one attempt")
	require.Equal(t, e.smtp.Faults().Refused, retried, "one retry per refusal")
}
