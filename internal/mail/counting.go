package mail

import (
	"context"

	"github.com/prometheus/client_golang/prometheus"
)

// Counting wraps a Sender so every outcome is counted in c, whose labels
// are transport and outcome (sent, temporary, permanent).
func Counting(s Sender, c *prometheus.CounterVec) Sender { return &counting{Sender: s, c: c} }

type counting struct {
	Sender
	c *prometheus.CounterVec
}

func (cs *counting) Send(ctx context.Context, msgs ...*Message) []Result {
	res := cs.Sender.Send(ctx, msgs...)
	for _, r := range res {
		outcome := "sent"
		switch {
		case r.Err == nil:
		case IsPermanent(r.Err):
			outcome = "permanent"
		default:
			outcome = "temporary"
		}
		cs.c.WithLabelValues(cs.Transport(), outcome).Inc()
	}
	return res
}

// New returns the configured transport: SMTP when smtpURL is set, else the
// file outbox in outboxDir.
func New(smtpURL, outboxDir string) (Sender, error) {
	if smtpURL != "" {
		return NewSMTP(smtpURL)
	}
	return NewOutbox(outboxDir)
}
