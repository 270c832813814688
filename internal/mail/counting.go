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

func (cs *counting) Send(ctx context.Context, msgs ...*Message) []error {
	errs := cs.Sender.Send(ctx, msgs...)
	for _, err := range errs {
		outcome := "sent"
		switch {
		case err == nil:
		case IsPermanent(err):
			outcome = "permanent"
		default:
			outcome = "temporary"
		}
		cs.c.WithLabelValues(cs.Transport(), outcome).Inc()
	}
	return errs
}

// New returns the configured transport: SMTP when smtpURL is set, else the
// file outbox in outboxDir.
func New(smtpURL, outboxDir string) (Sender, error) {
	if smtpURL != "" {
		return NewSMTP(smtpURL)
	}
	return NewOutbox(outboxDir)
}
