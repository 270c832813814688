package mail_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/internal/mail"
	"github.com/campaignwatch/campaignwatch/internal/mail/mailtest"
)

// relayFaults are the ways a relay misbehaves after accepting a message.
var relayFaults = map[string]struct {
	on    func(*mailtest.Server)
	shown func(mailtest.Faults) int
}{
	"421 to RSET": {
		on:    func(s *mailtest.Server) { s.RefuseReset(true) },
		shown: func(f mailtest.Faults) int { return f.ResetsRefused },
	},
	"connection closed after 250": {
		on:    func(s *mailtest.Server) { s.DropAfterAccept(true) },
		shown: func(f mailtest.Faults) int { return f.DroppedAfterAccept },
	},
}

// An accepted message is sent, with the server's reply, whatever the relay
// does on the connection afterwards; the next message goes out on a new
// connection and is not lost.
func TestMessageAcceptedBeforeTheRelayMisbehavesIsSentOnce(t *testing.T) {
	t.Parallel()
	for name, fault := range relayFaults {
		for _, keep := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s, keep-alive %v", name, keep), func(t *testing.T) {
				t.Parallel()
				srv := mailtest.NewServer(t)
				fault.on(srv)
				var opts []mail.SMTPOption
				if keep {
					opts = append(opts, mail.WithKeepAlive(time.Minute))
				}
				s, err := mail.NewSMTP(srv.URL(), opts...)
				require.NoError(t, err)
				defer s.Close()
				ctx := context.Background()
				for i := range 3 {
					m := msg("a@example.org")
					m.MessageID = fmt.Sprintf("letter-%d@campaignwatch", i)
					r := s.Send(ctx, m)[0]
					require.NoError(t, r.Err, "message %d was accepted, so it is sent", i)
					got := srv.Messages()
					require.Len(t, got, i+1, "each message reaches the server once")
					require.Equal(t, got[i].Reply, r.Reply, "the server's own reply is returned")
				}
				require.Equal(t, 3, fault.shown(srv.Faults()), "the relay misbehaved after every message")
				require.Equal(t, 3, srv.Connections())
			})
		}
	}
}

// In a batch on one connection, the message the relay accepted is sent and
// the ones after it, which never reached the relay, fail temporarily.
func TestBatchStopsBeingSentWhenTheRelayGoesAwayAfterAMessage(t *testing.T) {
	t.Parallel()
	srv := mailtest.NewServer(t)
	srv.RefuseReset(true)
	s, err := mail.NewSMTP(srv.URL())
	require.NoError(t, err)
	var batch []*mail.Message
	for i := range 3 {
		m := msg("a@example.org")
		m.MessageID = fmt.Sprintf("letter-%d@campaignwatch", i)
		batch = append(batch, m)
	}
	res := s.Send(context.Background(), batch...)
	require.NoError(t, res[0].Err)
	require.Equal(t, srv.Messages()[0].Reply, res[0].Reply)
	for _, r := range res[1:] {
		require.Error(t, r.Err)
		require.False(t, mail.IsPermanent(r.Err), "a message that never reached the relay may be retried: %v", r.Err)
	}
	require.Len(t, srv.Messages(), 1)
}

// A refusal at DATA is still a failure: 451 temporary, 550 permanent, for
// as long as the relay refuses.
func TestRelayRefusingForAWhile(t *testing.T) {
	t.Parallel()
	srv := mailtest.NewServer(t)
	srv.Refuse(451, "4.3.0 try again later")
	s, err := mail.NewSMTP(srv.URL(), mail.WithKeepAlive(time.Minute))
	require.NoError(t, err)
	defer s.Close()
	ctx := context.Background()
	for range 3 {
		r := s.Send(ctx, msg("a@example.org"))[0]
		var se *mail.SendError
		require.ErrorAs(t, r.Err, &se)
		require.Equal(t, 451, se.Code)
		require.False(t, se.Permanent)
		require.Empty(t, r.Reply)
	}
	require.Equal(t, 3, srv.Faults().Refused)
	srv.Refuse(0, "")
	r := s.Send(ctx, msg("a@example.org"))[0]
	require.NoError(t, r.Err)
	require.Len(t, srv.Messages(), 1)
	require.Equal(t, srv.Messages()[0].Reply, r.Reply)
}
