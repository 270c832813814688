// Package mailtest runs a real SMTP server in-process for tests, built on
// github.com/emersion/go-smtp. It records every accepted message and can
// be told to fail, so retry and failure paths are tested against the real
// protocol rather than a mock.
package mailtest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/campaignwatch/campaignwatch/internal/mail"
)

// Received is one accepted message.
type Received struct {
	From   string
	To     []string
	Raw    []byte
	Parsed *mail.ParsedMessage
}

// Server is the test SMTP server.
type Server struct {
	srv  *smtp.Server
	ln   net.Listener
	addr string

	mu          sync.Mutex
	messages    []Received
	failNext    int
	failCode    int
	failMsg     string
	connections int
	arrived     chan struct{}
	delay       time.Duration
	open        []*smtp.Conn
}

// NewServer starts a server on 127.0.0.1, stopped when the test ends.
func NewServer(t testing.TB) *Server {
	t.Helper()
	s := &Server{arrived: make(chan struct{}, 1<<16)}
	s.srv = smtp.NewServer(&backend{s})
	s.srv.Domain = "mailtest.local"
	s.srv.AllowInsecureAuth = true
	s.srv.ReadTimeout = 10 * time.Second
	s.srv.WriteTimeout = 10 * time.Second
	s.srv.MaxMessageBytes = 50 << 20
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("mailtest listen: %v", err)
	}
	s.ln, s.addr = ln, ln.Addr().String()
	go func() { _ = s.srv.Serve(ln) }()
	t.Cleanup(func() { _ = s.srv.Close() })
	return s
}

// URL is an SMTP_URL for this server (plain SMTP, no auth).
func (s *Server) URL() string { return "smtp://" + s.addr + "?tls=none" }

// FailNext makes the next n messages be refused at DATA with code and msg
// (e.g. 451 for a temporary failure, 550 for a permanent one).
func (s *Server) FailNext(n, code int, msg string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failNext, s.failCode, s.failMsg = n, code, msg
}

// SetDelay makes the server wait d after receiving each message's data
// before it replies, as a slow relay would (0, the default, replies at
// once). A message is recorded only when the reply is sent.
func (s *Server) SetDelay(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.delay = d
}

// DropConnections closes every open SMTP session from the server's side,
// as a relay restarting or timing out idle clients would.
func (s *Server) DropConnections() {
	s.mu.Lock()
	conns := s.open
	s.open = nil
	s.mu.Unlock()
	for _, c := range conns {
		_ = c.Close()
	}
}

// Messages returns the accepted messages so far.
func (s *Server) Messages() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Received(nil), s.messages...)
}

// Connections counts SMTP sessions opened so far.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.connections
}

// WaitFor waits until n messages have arrived in total.
func (s *Server) WaitFor(t testing.TB, n int, timeout time.Duration) []Received {
	t.Helper()
	deadline := time.After(timeout)
	for {
		if msgs := s.Messages(); len(msgs) >= n {
			return msgs
		}
		select {
		case <-s.arrived:
		case <-deadline:
			t.Fatalf("mailtest: %d of %d messages arrived in %s", len(s.Messages()), n, timeout)
		}
	}
}

type backend struct{ s *Server }

func (b *backend) NewSession(c *smtp.Conn) (smtp.Session, error) {
	b.s.mu.Lock()
	b.s.connections++
	b.s.open = append(b.s.open, c)
	b.s.mu.Unlock()
	return &session{s: b.s}, nil
}

type session struct {
	s    *Server
	from string
	to   []string
}

func (ss *session) AuthPlain(username, password string) error { return nil }

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	ss.from = from
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.to = append(ss.to, to)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s := ss.s
	s.mu.Lock()
	if d := s.delay; d > 0 {
		s.mu.Unlock()
		time.Sleep(d)
		s.mu.Lock()
	}
	if s.failNext > 0 {
		s.failNext--
		code, msg := s.failCode, s.failMsg
		s.mu.Unlock()
		return &smtp.SMTPError{Code: code, EnhancedCode: smtp.EnhancedCode{code / 100, 0, 0}, Message: msg}
	}
	s.mu.Unlock()
	parsed, err := mail.Parse(bytes.NewReader(raw))
	if err != nil {
		return errors.New("mailtest: unparseable message: " + err.Error())
	}
	s.mu.Lock()
	s.messages = append(s.messages, Received{From: ss.from, To: append([]string(nil), ss.to...), Raw: raw, Parsed: parsed})
	s.mu.Unlock()
	s.arrived <- struct{}{}
	return nil
}

func (ss *session) Reset() { ss.from, ss.to = "", nil }

func (ss *session) Logout() error { return nil }

// String describes the server for failure messages.
func (s *Server) String() string { return fmt.Sprintf("mailtest server at %s", s.addr) }
