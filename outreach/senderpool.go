package outreach

import (
	"context"
	"errors"

	imail "github.com/campaignwatch/campaignwatch/internal/mail"
)

// SenderPool is a Sender made of several, so concurrent mail workers each
// use their own SMTP connection instead of queueing behind one.
type SenderPool struct {
	free      chan imail.Sender
	all       []imail.Sender
	transport string
	err       error
}

// NewSenderPool builds n senders with make. A failure to build one is
// returned by every Send.
func NewSenderPool(n int, make func() (imail.Sender, error)) *SenderPool {
	p := &SenderPool{free: make0(n)}
	for i := 0; i < max(1, n); i++ {
		s, err := make()
		if err != nil {
			p.err = err
			break
		}
		p.all = append(p.all, s)
		p.free <- s
		p.transport = s.Transport()
	}
	if len(p.all) == 0 && p.err == nil {
		p.err = errors.New("no mail sender")
	}
	return p
}

func make0(n int) chan imail.Sender { return make(chan imail.Sender, max(1, n)) }

// Send implements mail.Sender with whichever sender is free.
func (p *SenderPool) Send(ctx context.Context, msgs ...*imail.Message) []imail.Result {
	res := make([]imail.Result, len(msgs))
	if len(p.all) == 0 {
		for i := range res {
			res[i].Err = p.err
		}
		return res
	}
	select {
	case s := <-p.free:
		defer func() { p.free <- s }()
		return s.Send(ctx, msgs...)
	case <-ctx.Done():
		for i := range res {
			res[i].Err = &imail.SendError{Err: ctx.Err()}
		}
		return res
	}
}

// Transport implements mail.Sender.
func (p *SenderPool) Transport() string { return p.transport }

// Close implements mail.Sender.
func (p *SenderPool) Close() error {
	var errs []error
	for _, s := range p.all {
		errs = append(errs, s.Close())
	}
	return errors.Join(errs...)
}
