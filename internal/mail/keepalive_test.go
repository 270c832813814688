package mail_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/internal/mail"
	"github.com/campaignwatch/campaignwatch/internal/mail/mailtest"
)

func TestKeepAliveReusesOneConnectionAndRecoversFromADroppedOne(t *testing.T) {
	t.Parallel()
	srv := mailtest.NewServer(t)
	s, err := mail.NewSMTP(srv.URL(), mail.WithKeepAlive(time.Minute))
	require.NoError(t, err)
	defer s.Close()
	ctx := context.Background()
	for i := 0; i < 3; i++ {
		require.NoError(t, s.Send(ctx, msg("a@example.org"))[0].Err)
	}
	require.Len(t, srv.Messages(), 3)
	require.Equal(t, 1, srv.Connections(), "three sends, one connection")

	// The server drops the kept connection: the next send notices before
	// sending anything, dials again and delivers exactly once.
	srv.DropConnections()
	require.NoError(t, s.Send(ctx, msg("a@example.org"))[0].Err)
	require.Len(t, srv.Messages(), 4)
	require.Equal(t, 2, srv.Connections())

	// A refusal closes the connection; the next send opens a new one.
	srv.FailNext(1, 451, "try later")
	err = s.Send(ctx, msg("a@example.org"))[0].Err
	require.Error(t, err)
	require.False(t, mail.IsPermanent(err))
	require.NoError(t, s.Send(ctx, msg("a@example.org"))[0].Err)
	require.Len(t, srv.Messages(), 5)
	require.Equal(t, 3, srv.Connections())
}

func TestKeepAliveClosesIdleConnections(t *testing.T) {
	t.Parallel()
	srv := mailtest.NewServer(t)
	s, err := mail.NewSMTP(srv.URL(), mail.WithKeepAlive(20*time.Millisecond))
	require.NoError(t, err)
	defer s.Close()
	require.NoError(t, s.Send(context.Background(), msg("a@example.org"))[0].Err)
	time.Sleep(50 * time.Millisecond)
	require.NoError(t, s.Send(context.Background(), msg("a@example.org"))[0].Err)
	require.Equal(t, 2, srv.Connections())
}

func TestMailtestDelayHoldsTheReply(t *testing.T) {
	t.Parallel()
	srv := mailtest.NewServer(t)
	srv.SetDelay(150 * time.Millisecond)
	s, err := mail.NewSMTP(srv.URL())
	require.NoError(t, err)
	start := time.Now()
	require.NoError(t, s.Send(context.Background(), msg("a@example.org"))[0].Err)
	require.GreaterOrEqual(t, time.Since(start), 150*time.Millisecond)
	require.Len(t, srv.Messages(), 1)
}
