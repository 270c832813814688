// Package mailtest runs a real SMTP server in-process for tests, built on
// github.com/emersion/go-smtp. It records every accepted message and can
// be told to misbehave as real relays do (refuse messages, answer RSET with
// 421, drop the connection straight after accepting a message), switchable
// while a test runs, so retry and failure paths are tested against the
// real protocol rather than a mock.
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
	// Reply is the server's reply accepting the message, as the client
	// read it, for example "250 2.0.0 OK: queued as Q7"; each message has
	// its own queue id, so a client that records the reply can be matched
	// to the message.
	Reply string
}

// Faults counts the misbehaviour the server has shown so far.
type Faults struct {
	// ResetsRefused counts RSETs answered with 421 (RefuseReset).
	ResetsRefused int
	// DroppedAfterAccept counts connections closed straight after a 250
	// for a message's data (DropAfterAccept).
	DroppedAfterAccept int
	// Refused counts messages refused at DATA (FailNext, Refuse).
	Refused int
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

	refuseCode, refuseAllCode int
	refuseMsg                 string
	refuseReset, dropAccepted bool
	faults                    Faults
	faulted                   chan struct{}
	gate                      chan struct{} // non-nil while Hold is on
	held                      chan struct{}
	closed                    chan struct{}
}

// NewServer starts a server on 127.0.0.1, stopped when the test ends.
func NewServer(t testing.TB) *Server {
	t.Helper()
	s := &Server{arrived: make(chan struct{}, 1<<16), faulted: make(chan struct{}, 1<<16),
		held: make(chan struct{}, 1<<16), closed: make(chan struct{})}
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
	t.Cleanup(func() {
		close(s.closed)
		_ = s.srv.Close()
	})
	return s
}

// Hold makes the server keep every message's data without replying, as a
// relay that hangs does, until release is called (or the test ends); the
// held messages are then accepted or refused as usual. WaitHeld tells when
// a message is being held.
func (s *Server) Hold() (release func()) {
	gate := make(chan struct{})
	s.mu.Lock()
	s.gate = gate
	s.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			s.mu.Lock()
			if s.gate == gate {
				s.gate = nil
			}
			s.mu.Unlock()
			close(gate)
		})
	}
}

// WaitHeld waits until a message's data is being held by Hold.
func (s *Server) WaitHeld(t testing.TB, timeout time.Duration) {
	t.Helper()
	select {
	case <-s.held:
	case <-time.After(timeout):
		t.Fatalf("mailtest: no message was held in %s", timeout)
	}
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

// Refuse makes the server refuse every message at DATA with code and msg
// (451 for a relay that is temporarily unable to take mail) until it is
// called again with code 0. FailNext, when set, is used up first.
func (s *Server) Refuse(code int, msg string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refuseAllCode, s.refuseMsg = code, msg
}

// RefuseReset makes the server answer every RSET with "421 4.3.0 Service
// shutting down" and close the connection, as a relay that is restarting
// does, until it is called with false. go-mail sends RSET after each
// message, so the message before has already been accepted.
func (s *Server) RefuseReset(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refuseReset = on
}

// DropAfterAccept makes the server close the connection straight after
// its 250 reply to a message's data, as a relay closing down between
// messages does, until it is called with false.
func (s *Server) DropAfterAccept(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dropAccepted = on
}

// Faults returns the misbehaviour shown so far.
func (s *Server) Faults() Faults {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.faults
}

// WaitForFaults waits until done(Faults()) is true, woken by each fault as
// it happens.
func (s *Server) WaitForFaults(t testing.TB, timeout time.Duration, done func(Faults) bool) Faults {
	t.Helper()
	deadline := time.After(timeout)
	for {
		if f := s.Faults(); done(f) {
			return f
		}
		select {
		case <-s.faulted:
		case <-deadline:
			t.Fatalf("mailtest: the faults waited for did not happen in %s: %+v", timeout, s.Faults())
		}
	}
}

// fault counts one piece of misbehaviour and wakes WaitForFaults.
func (s *Server) fault(count func(*Faults)) {
	s.mu.Lock()
	count(&s.faults)
	s.mu.Unlock()
	select {
	case s.faulted <- struct{}{}:
	default:
	}
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
	return &session{s: b.s, conn: c}, nil
}

type session struct {
	s    *Server
	conn *smtp.Conn
	from string
	to   []string
	// dataDone and accepted describe the DATA command just handled:
	// go-smtp resets the session straight after writing its reply, which
	// is the moment to drop the connection after an accepted message.
	dataDone, accepted bool
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
	ss.dataDone = true
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s := ss.s
	s.mu.Lock()
	if gate := s.gate; gate != nil {
		s.mu.Unlock()
		s.held <- struct{}{}
		select {
		case <-gate:
		case <-s.closed:
			return errors.New("mailtest: server closed")
		}
		s.mu.Lock()
	}
	if d := s.delay; d > 0 {
		s.mu.Unlock()
		time.Sleep(d)
		s.mu.Lock()
	}
	code, msg := 0, ""
	switch {
	case s.failNext > 0:
		s.failNext--
		code, msg = s.failCode, s.failMsg
	case s.refuseAllCode != 0:
		code, msg = s.refuseAllCode, s.refuseMsg
	}
	s.mu.Unlock()
	if code != 0 {
		s.fault(func(f *Faults) { f.Refused++ }) // counted before the client reads the refusal
		return &smtp.SMTPError{Code: code, EnhancedCode: smtp.EnhancedCode{code / 100, 0, 0}, Message: msg}
	}
	parsed, err := mail.Parse(bytes.NewReader(raw))
	if err != nil {
		return errors.New("mailtest: unparseable message: " + err.Error())
	}
	s.mu.Lock()
	queueID := fmt.Sprintf("Q%d", len(s.messages)+1)
	text := "OK: queued as " + queueID
	s.messages = append(s.messages, Received{From: ss.from, To: append([]string(nil), ss.to...), Raw: raw, Parsed: parsed,
		Reply: "250 2.0.0 " + text})
	s.mu.Unlock()
	ss.accepted = true
	s.arrived <- struct{}{}
	// A 250 reply given as an SMTPError is how go-smtp lets a backend
	// choose the text of its acceptance.
	return &smtp.SMTPError{Code: 250, EnhancedCode: smtp.EnhancedCode{2, 0, 0}, Message: text}
}

// Reset is called by go-smtp after each DATA reply, for RSET and for a
// repeated EHLO; the misbehaviour switched on acts here.
func (ss *session) Reset() {
	afterData, accepted := ss.dataDone, ss.accepted
	ss.from, ss.to, ss.dataDone, ss.accepted = "", nil, false, false
	s := ss.s
	s.mu.Lock()
	drop := afterData && accepted && s.dropAccepted
	refuse := !afterData && s.refuseReset
	s.mu.Unlock()
	switch {
	case drop:
		// Counted first, so a client that sees the close sees the count.
		s.fault(func(f *Faults) { f.DroppedAfterAccept++ })
		// go-smtp has flushed the 250; closing the socket ends the session.
		_ = ss.conn.Conn().Close()
	case refuse:
		s.fault(func(f *Faults) { f.ResetsRefused++ })
		// go-smtp will write its own 250 after this returns, to a closed
		// socket: the client reads only the 421.
		_, _ = io.WriteString(ss.conn.Conn(), "421 4.3.0 Service shutting down\r\n")
		_ = ss.conn.Conn().Close()
	}
}

func (ss *session) Logout() error { return nil }

// String describes the server for failure messages.
func (s *Server) String() string { return fmt.Sprintf("mailtest server at %s", s.addr) }

// AfterAccept is one way a relay misbehaves after it has accepted a
// message, as a relay does while it restarts: a message it answered 250
// to must be neither failed nor sent again.
type AfterAccept struct {
	Name string
	// On switches the misbehaviour on or off.
	On func(s *Server, on bool)
	// Shown counts how often the server has misbehaved so far.
	Shown func(f Faults) int
}

// AfterAcceptFaults lists the misbehaviours after acceptance that fault
// tests run each kind of message through.
var AfterAcceptFaults = []AfterAccept{
	{"421 to RSET", (*Server).RefuseReset, func(f Faults) int { return f.ResetsRefused }},
	{"connection closed after 250", (*Server).DropAfterAccept, func(f Faults) int { return f.DroppedAfterAccept }},
}
