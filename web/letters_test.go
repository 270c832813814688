package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/internal/audit"
	"github.com/campaignwatch/campaignwatch/internal/fixture"
	"github.com/campaignwatch/campaignwatch/internal/mail"
	"github.com/campaignwatch/campaignwatch/internal/mail/mailtest"
	"github.com/campaignwatch/campaignwatch/internal/staff"
	"github.com/campaignwatch/campaignwatch/jobs"
	"github.com/campaignwatch/campaignwatch/outreach"
	"github.com/campaignwatch/campaignwatch/web/webtest"
)

// A letter whose sender stopped mid-send stays "sending" until River
// rescues its job; the letter page says since when, and by when it will be
// retried: the attempt's start plus JOB_RESCUE_AFTER, the rescuer's
// interval (30 s), the first retry's longest backoff (5 s), the
// scheduler's interval (5 s) and a poll (1 s), rounded up to the minute.
func TestSendingLetterSaysWhenItWillBeRetried(t *testing.T) {
	t.Parallel()
	e := webtest.New(t, webtest.Options{Env: map[string]string{"JOB_RESCUE_AFTER": "7m"}})
	ctx := audit.WithActor(context.Background(), audit.Actor{Label: "test"})
	loadDemo(t, ctx, e)
	settings, err := outreach.SettingsFromEnv(func(string) string { return "" }, e.Config)
	require.NoError(t, err)
	svc, err := outreach.NewService(e.Pool, settings, nil, fixture.InsertOnlyJobs(t, e.Pool))
	require.NoError(t, err)
	_, err = svc.Seed(ctx)
	require.NoError(t, err)
	pd := time.Date(2099, 5, 7, 0, 0, 0, 0, time.UTC)
	englishOnly(t, e)
	_, err = callConfirmed(ctx, svc, outreach.CallInput{ElectionInput: outreach.ElectionInput{
		Name: "By-election", NameCY: "Isetholiad", Type: "by_election", Nations: []string{"northern_ireland"}, PollingDay: &pd}})
	require.NoError(t, err)

	// The relay hangs on the first letter: it stays "sending", its job
	// running, as a sender that stopped leaves it.
	srv := mailtest.NewServer(t)
	release := srv.Hold()
	defer release()
	mailer, err := mail.NewSMTP(srv.URL())
	require.NoError(t, err)
	reg := jobs.NewRegistry()
	outreach.RegisterJobs(reg, svc, mailer)
	client, err := jobs.NewClient(e.Pool, reg, jobs.Options{Workers: map[string]int{"mail": 1}, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	require.NoError(t, err)
	events, cancelSub := client.Subscribe(river.EventKindJobCompleted)
	defer cancelSub()
	runCtx, cancel := context.WithCancel(context.Background())
	require.NoError(t, client.Start(runCtx))
	t.Cleanup(func() {
		cancel()
		sctx, c2 := context.WithTimeout(context.Background(), 10*time.Second)
		defer c2()
		_ = client.StopAndCancel(sctx)
	})
	srv.WaitHeld(t, 30*time.Second)

	var letterID int64
	var sendingAt, attemptedAt time.Time
	require.NoError(t, e.Pool.QueryRow(ctx, `SELECT l.id, l.sending_at, j.attempted_at FROM letters l
JOIN river_job j ON j.kind = 'outreach.send_letter' AND (j.args->>'letter_id')::bigint = l.id AND j.state = 'running'
WHERE l.state = 'sending'`).Scan(&letterID, &sendingAt, &attemptedAt))
	retryBy := attemptedAt.Add(7*time.Minute + 30*time.Second + 5*time.Second + 5*time.Second + time.Second)
	retryBy = retryBy.Add(time.Minute - time.Nanosecond).Truncate(time.Minute)
	london, err := time.LoadLocation("Europe/London")
	require.NoError(t, err)
	clock := func(t time.Time) string {
		t, now := t.In(london), time.Now().In(london)
		if t.Format("2006-01-02") == now.Format("2006-01-02") {
			return t.Format("15:04")
		}
		return t.Format("15:04 on 2 January")
	}
	want := "Sending since " + clock(sendingAt) + ". If the sender stopped, it will be retried automatically by about " + clock(retryBy) + "."

	for _, role := range staff.Roles {
		res := e.SignedIn(role).Get("/staff/letters/" + strconv.FormatInt(letterID, 10))
		body := webtest.ReadBody(res)
		require.Equal(t, http.StatusOK, res.StatusCode, role)
		require.Contains(t, body, want, role)
	}

	// Once the relay answers, the letter is sent and the note is gone.
	release()
	for done := false; !done; {
		select {
		case ev := <-events:
			done = ev.Job.Kind == "outreach.send_letter"
		case <-time.After(30 * time.Second):
			require.Fail(t, "the held letter was not sent")
		}
	}
	res := e.SignedIn(staff.RolePoliticalTeam).Get("/staff/letters/" + strconv.FormatInt(letterID, 10))
	body := webtest.ReadBody(res)
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.NotContains(t, body, "Sending since")
	require.Contains(t, body, srv.Messages()[0].Reply, "the page shows the server's reply")
}
