package mail_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/internal/mail"
	"github.com/campaignwatch/campaignwatch/internal/mail/mailtest"
)

func msg(to ...string) *mail.Message {
	return &mail.Message{
		From: "Campaignwatch <cw@example.org>", To: to, Subject: "Reminder: campaigning guidance",
		Text: "Plain text body", HTML: "<p>HTML body</p>", MessageID: "letter-1@campaignwatch",
		Attachments: []mail.Attachment{{Filename: "letter.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.7 test")}},
	}
}

func TestMoreThanOneRecipientIsRefusedBeforeSending(t *testing.T) {
	t.Parallel()
	srv := mailtest.NewServer(t)
	s, err := mail.NewSMTP(srv.URL())
	require.NoError(t, err)

	two := msg("a@example.org", "b@example.org")
	cc := msg("a@example.org")
	cc.Cc = []string{"c@example.org"}
	bcc := msg("a@example.org")
	bcc.Bcc = []string{"d@example.org"}
	res := s.Send(context.Background(), two, cc, bcc)
	for _, r := range res {
		require.ErrorIs(t, r.Err, mail.ErrRecipients)
		require.True(t, mail.IsPermanent(r.Err))
	}
	require.Contains(t, res[0].Err.Error(), "exactly one To recipient")
	require.Contains(t, res[0].Err.Error(), "2 To")
	require.Zero(t, srv.Connections(), "nothing was sent")
	require.Empty(t, srv.Messages())

	o, err := mail.NewOutbox(t.TempDir())
	require.NoError(t, err)
	require.ErrorIs(t, o.Send(context.Background(), two)[0].Err, mail.ErrRecipients)
}

func TestBatchOverOneConnection(t *testing.T) {
	t.Parallel()
	srv := mailtest.NewServer(t)
	s, err := mail.NewSMTP(srv.URL())
	require.NoError(t, err)
	var batch []*mail.Message
	for i := range 5 {
		m := msg(strings.Repeat("x", i+1) + "@example.org")
		m.MessageID = "letter-" + strings.Repeat("1", i+1) + "@campaignwatch"
		batch = append(batch, m)
	}
	for _, r := range s.Send(context.Background(), batch...) {
		require.NoError(t, r.Err)
		require.True(t, strings.HasPrefix(r.Reply, "250 "), r.Reply)
	}
	got := srv.WaitFor(t, 5, 5*time.Second)
	require.Equal(t, 1, srv.Connections())
	for i, r := range got {
		require.Len(t, r.To, 1)
		require.Equal(t, "Reminder: campaigning guidance", r.Parsed.Subject)
		require.Equal(t, "<"+batch[i].MessageID+">", r.Parsed.MessageID)
		require.Contains(t, r.Parsed.Text, "Plain text body")
		require.Contains(t, r.Parsed.HTML, "<p>HTML body</p>")
		require.Len(t, r.Parsed.Attachments, 1)
		require.Equal(t, "letter.pdf", r.Parsed.Attachments[0].Filename)
		require.Equal(t, "%PDF-1.7 test", string(r.Parsed.Attachments[0].Data))
	}
}

func TestTemporaryAndPermanentFailures(t *testing.T) {
	t.Parallel()
	srv := mailtest.NewServer(t)
	s, err := mail.NewSMTP(srv.URL())
	require.NoError(t, err)

	srv.FailNext(1, 451, "try again later")
	err = s.Send(context.Background(), msg("a@example.org"))[0].Err
	var se *mail.SendError
	require.True(t, errors.As(err, &se), "%v", err)
	require.False(t, se.Permanent)
	require.Equal(t, 451, se.Code)

	srv.FailNext(1, 550, "mailbox unavailable")
	err = s.Send(context.Background(), msg("a@example.org"))[0].Err
	require.True(t, errors.As(err, &se))
	require.True(t, se.Permanent)
	require.Equal(t, 550, se.Code)
	require.Contains(t, se.Reply, "mailbox unavailable")

	require.NoError(t, s.Send(context.Background(), msg("a@example.org"))[0].Err)
	srv.WaitFor(t, 1, 5*time.Second)

	down, err := mail.NewSMTP("smtp://127.0.0.1:1?tls=none&timeout=2s")
	require.NoError(t, err)
	err = down.Send(context.Background(), msg("a@example.org"))[0].Err
	require.Error(t, err)
	require.False(t, mail.IsPermanent(err), "a server that is down is a temporary failure")
}

func TestInvalidSMTPURL(t *testing.T) {
	t.Parallel()
	for _, u := range []string{"http://host", "smtp://", "smtp://host:port", "smtp://host?tls=maybe", "smtp://host?timeout=soon"} {
		_, err := mail.NewSMTP(u)
		require.ErrorContains(t, err, "SMTP_URL", u)
	}
}

func TestOutboxRoundTrip(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	o, err := mail.NewOutbox(dir)
	require.NoError(t, err)
	require.NoError(t, o.Send(context.Background(), msg("a@example.org"))[0].Err)
	entries, err := mail.ListOutbox(dir, 10)
	require.NoError(t, err)
	require.Len(t, entries, 1)
	require.Equal(t, "Reminder: campaigning guidance", entries[0].Subject)
	p, err := mail.ReadOutbox(dir, entries[0].Name)
	require.NoError(t, err)
	require.Contains(t, p.HTML, "HTML body")
	require.Equal(t, "letter.pdf", p.Attachments[0].Filename)

	for _, bad := range []string{"../etc/passwd", "x/y.eml", ".hidden.eml", "notes.txt"} {
		_, err := mail.ReadOutbox(dir, bad)
		require.Error(t, err, bad)
	}
	_, err = os.Stat(dir)
	require.NoError(t, err)
}
