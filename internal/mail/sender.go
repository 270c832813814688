package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// Sender delivers messages. Send returns one error per message (nil for
// success) so a batch can partly succeed.
type Sender interface {
	Send(ctx context.Context, msgs ...*Message) []error
	// Transport names the sender for metrics: "smtp" or "outbox".
	Transport() string
	Close() error
}

// SendError is a delivery failure, temporary or permanent.
type SendError struct {
	// Permanent is true for SMTP 5xx replies: retrying will not help.
	Permanent bool
	Code      int
	Reply     string
	Err       error
}

func (e *SendError) Error() string {
	kind := "temporary"
	if e.Permanent {
		kind = "permanent"
	}
	if e.Code != 0 {
		return fmt.Sprintf("%s mail failure (%d): %s", kind, e.Code, e.Reply)
	}
	return fmt.Sprintf("%s mail failure: %v", kind, e.Err)
}

func (e *SendError) Unwrap() error { return e.Err }

// IsPermanent reports whether err is a permanent delivery failure (or a
// message that can never be sent, such as one breaking the recipient rule).
func IsPermanent(err error) bool {
	var se *SendError
	if errors.As(err, &se) {
		return se.Permanent
	}
	return errors.Is(err, ErrRecipients)
}

// SMTP sends through an SMTP server, one connection per batch.
type SMTP struct {
	mu     sync.Mutex
	client *gomail.Client
}

// SMTPOption adjusts the SMTP client.
type SMTPOption func(*smtpOptions)

type smtpOptions struct{ tls *tls.Config }

// WithTLSConfig sets the TLS configuration (tests use it to trust a
// self-signed server certificate).
func WithTLSConfig(c *tls.Config) SMTPOption { return func(o *smtpOptions) { o.tls = c } }

// NewSMTP parses SMTP_URL: smtp://user:pass@host:port?tls=starttls|tls|none&timeout=10s,
// or smtps://host:465 for implicit TLS.
func NewSMTP(rawURL string, opts ...SMTPOption) (*SMTP, error) {
	var o smtpOptions
	for _, f := range opts {
		f(&o)
	}
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Hostname() == "" {
		return nil, errors.New("invalid SMTP_URL: want smtp://[user:pass@]host[:port][?tls=starttls|tls|none]")
	}
	q := u.Query()
	mode := q.Get("tls")
	port := 587
	if u.Scheme == "smtps" {
		port = 465
	}
	if p := u.Port(); p != "" {
		if port, err = strconv.Atoi(p); err != nil {
			return nil, fmt.Errorf("invalid SMTP_URL: port %q is not a number", p)
		}
	}
	if mode == "" {
		switch {
		case u.Scheme == "smtps" || port == 465:
			mode = "tls"
		default:
			mode = "starttls"
		}
	}
	timeout := 15 * time.Second
	if t := q.Get("timeout"); t != "" {
		if timeout, err = time.ParseDuration(t); err != nil {
			return nil, fmt.Errorf("invalid SMTP_URL: timeout %q is not a duration", t)
		}
	}
	copts := []gomail.Option{gomail.WithPort(port), gomail.WithTimeout(timeout)}
	switch mode {
	case "starttls":
		copts = append(copts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	case "opportunistic":
		copts = append(copts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	case "tls":
		copts = append(copts, gomail.WithSSL())
	case "none":
		copts = append(copts, gomail.WithTLSPolicy(gomail.NoTLS))
	default:
		return nil, fmt.Errorf("invalid SMTP_URL: tls=%q; use starttls, tls, opportunistic or none", mode)
	}
	if o.tls != nil {
		copts = append(copts, gomail.WithTLSConfig(o.tls))
	}
	if user := u.User.Username(); user != "" {
		pass, _ := u.User.Password()
		copts = append(copts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover), gomail.WithUsername(user), gomail.WithPassword(pass))
	}
	c, err := gomail.NewClient(u.Hostname(), copts...)
	if err != nil {
		return nil, fmt.Errorf("invalid SMTP_URL: %w", err)
	}
	return &SMTP{client: c}, nil
}

// Transport implements Sender.
func (s *SMTP) Transport() string { return "smtp" }

// Send delivers msgs over one connection. Messages that break the
// recipient rule fail without anything being sent for them.
func (s *SMTP) Send(ctx context.Context, msgs ...*Message) []error {
	errs := make([]error, len(msgs))
	built := make([]*gomail.Msg, 0, len(msgs))
	index := make([]int, 0, len(msgs))
	for i, m := range msgs {
		g, err := m.build()
		if err != nil {
			errs[i] = err
			continue
		}
		built = append(built, g)
		index = append(index, i)
	}
	if len(built) == 0 {
		return errs
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.client.DialWithContext(ctx); err != nil {
		se := classify(err)
		for _, i := range index {
			errs[i] = se
		}
		return errs
	}
	defer s.client.Close()
	_ = s.client.Send(built...)
	for j, g := range built {
		if err := g.SendError(); err != nil {
			errs[index[j]] = classify(err)
		}
	}
	return errs
}

// classify maps a go-mail error to a SendError: a 5xx reply is permanent,
// anything else (4xx, network, timeout) temporary.
func classify(err error) *SendError {
	se := &SendError{Err: err, Reply: err.Error()}
	var ge *gomail.SendError
	if errors.As(err, &ge) {
		se.Code = ge.ErrorCode()
		se.Permanent = se.Code >= 500 && se.Code < 600
		se.Reply = strings.TrimSpace(ge.Error())
	}
	return se
}

// Close implements Sender.
func (s *SMTP) Close() error { return nil }
