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
	gosmtp "github.com/wneessen/go-mail/smtp"
)

// Sender delivers messages. Send returns one Result per message, in order,
// so a batch can partly succeed.
type Sender interface {
	Send(ctx context.Context, msgs ...*Message) []Result
	// Transport names the sender for metrics: "smtp" or "outbox".
	Transport() string
	Close() error
}

// Result is the outcome of sending one message. A message the server
// accepted has a nil Err and the server's reply in Reply; it must never be
// sent again, whatever happened on the connection after that reply.
type Result struct {
	// Reply is the server's reply accepting the message, for example
	// "250 2.0.0 OK: queued as 1A2B", or where the outbox wrote it.
	Reply string
	// Err is nil when the message was accepted, else a *SendError or
	// ErrRecipients.
	Err error
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

// SMTP sends through an SMTP server, one connection per batch (or, with
// WithKeepAlive, one connection kept open across batches).
type SMTP struct {
	mu     sync.Mutex
	client *gomail.Client

	keepAlive time.Duration
	conn      *gosmtp.Client // the open connection: kept between Sends with WithKeepAlive, else open during one
	lastUsed  time.Time
}

// SMTPOption adjusts the SMTP client.
type SMTPOption func(*smtpOptions)

type smtpOptions struct {
	tls       *tls.Config
	keepAlive time.Duration
}

// WithTLSConfig sets the TLS configuration (tests use it to trust a
// self-signed server certificate).
func WithTLSConfig(c *tls.Config) SMTPOption { return func(o *smtpOptions) { o.tls = c } }

// WithKeepAlive keeps the connection open between Sends that come within
// idle of each other, so a worker sending messages one at a time does not
// pay for a new connection (TCP, greeting, EHLO, STARTTLS, AUTH) each time.
// A kept connection is checked with NOOP before use; one found dead, before
// anything was sent on it, is replaced once. Any failure closes it.
func WithKeepAlive(idle time.Duration) SMTPOption {
	return func(o *smtpOptions) { o.keepAlive = idle }
}

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
	return &SMTP{client: c, keepAlive: o.keepAlive}, nil
}

// Transport implements Sender.
func (s *SMTP) Transport() string { return "smtp" }

// Send delivers msgs over one connection: the kept one with WithKeepAlive,
// else one opened for this call and closed after it. Messages that break
// the recipient rule fail without anything being sent for them.
//
// A message counts as sent once the server has answered 250 to the end of
// its data. go-mail then sends RSET, and a relay that is restarting may
// answer that with 421 or drop the connection; go-mail reports this as an
// error on the message, but the server already has it, so it is reported
// here as sent, with the server's reply, and never retried. Only a message
// whose data was not accepted fails.
func (s *SMTP) Send(ctx context.Context, msgs ...*Message) []Result {
	res := make([]Result, len(msgs))
	built := make([]*gomail.Msg, 0, len(msgs))
	index := make([]int, 0, len(msgs))
	for i, m := range msgs {
		g, err := m.build()
		if err != nil {
			res[i].Err = err
			continue
		}
		built = append(built, g)
		index = append(index, i)
	}
	if len(built) == 0 {
		return res
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.keepAlive <= 0 {
		defer s.closeConn()
	}
	failAll := func(err error) []Result {
		se := classify(err)
		for _, i := range index {
			res[i].Err = se
		}
		return res
	}
	if s.conn != nil && time.Since(s.lastUsed) > s.keepAlive {
		s.closeConn()
	}
	for attempt := 0; ; attempt++ {
		fresh := false
		if s.conn == nil {
			c, err := s.client.DialToSMTPClientWithContext(ctx)
			if err != nil {
				return failAll(err)
			}
			s.conn, fresh = c, true
		}
		err := s.client.SendWithSMTPClient(s.conn, built...)
		s.lastUsed = time.Now()
		var ge *gomail.SendError
		if errors.As(err, &ge) && ge.Reason == gomail.ErrConnCheck {
			// The connection failed its check, so nothing was sent on it.
			s.closeConn()
			if !fresh && attempt == 0 {
				continue
			}
			return failAll(err)
		}
		for j, g := range built {
			res[index[j]] = outcome(g, err)
		}
		if err != nil {
			// After a failure the session's state is unknown: start afresh.
			s.closeConn()
		}
		return res
	}
}

// outcome is what became of one message of a batch whose send returned
// batchErr. The data-accepted check comes first: see Send.
func outcome(g *gomail.Msg, batchErr error) Result {
	switch {
	case g.IsDelivered():
		return Result{Reply: acceptedReply(g.ServerResponse())}
	case g.SendError() != nil:
		return Result{Err: classify(g.SendError())}
	case batchErr != nil:
		return Result{Err: classify(batchErr)}
	default:
		// go-mail neither sent it nor said why; retrying is safe.
		return Result{Err: &SendError{Err: errors.New("the message was not sent")}}
	}
}

// acceptedReply turns the text of the server's reply to a message's data
// (textproto strips the code) back into the reply as the server sent it.
func acceptedReply(text string) string {
	text = strings.Join(strings.Fields(text), " ")
	if text == "" {
		return "250"
	}
	return "250 " + text
}

func (s *SMTP) closeConn() {
	if s.conn != nil {
		_ = s.client.CloseWithSMTPClient(s.conn)
		s.conn = nil
	}
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

// Close implements Sender: it closes a kept connection.
func (s *SMTP) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closeConn()
	return nil
}
