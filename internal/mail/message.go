package mail

import (
	"bytes"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// Message is one email.
type Message struct {
	From    string
	To      []string
	Cc      []string
	Bcc     []string
	ReplyTo string
	Subject string
	Text    string
	HTML    string
	// MessageID, without angle brackets, lets callers make it deterministic
	// (e.g. "letter-42@campaignwatch") so a resend is recognisable.
	MessageID   string
	Headers     map[string]string
	Attachments []Attachment
	Date        time.Time
	// Complainant marks a message to a member of the public about their
	// complaint: its address and content identify them, so the outbox pages
	// show it only to staff who may see complainants.
	Complainant bool
}

// Attachment is a file attached to a message.
type Attachment struct {
	Filename    string
	ContentType string
	Data        []byte
}

// ErrRecipients is returned for a message that does not have exactly one
// To recipient and no Cc or Bcc.
var ErrRecipients = errors.New("a message must have exactly one To recipient and no Cc or Bcc")

// Validate checks the recipient rule and the message's form.
func (m *Message) Validate() error {
	if len(m.To) != 1 || len(m.Cc) > 0 || len(m.Bcc) > 0 {
		return fmt.Errorf("%w; this one has %d To, %d Cc and %d Bcc", ErrRecipients, len(m.To), len(m.Cc), len(m.Bcc))
	}
	if _, err := mail.ParseAddress(m.To[0]); err != nil {
		return fmt.Errorf("the To address is not valid: %w", err)
	}
	if _, err := mail.ParseAddress(m.From); err != nil {
		return fmt.Errorf("the From address %q is not valid: %w", m.From, err)
	}
	if strings.TrimSpace(m.Subject) == "" {
		return errors.New("a message needs a subject")
	}
	if m.Text == "" && m.HTML == "" {
		return errors.New("a message needs a text or HTML body")
	}
	return nil
}

// build turns m into a go-mail message: text with an HTML alternative,
// attachments, and the caller's Message-ID and headers.
func (m *Message) build() (*gomail.Msg, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	g := gomail.NewMsg()
	if err := g.From(m.From); err != nil {
		return nil, err
	}
	if err := g.To(m.To[0]); err != nil {
		return nil, err
	}
	if m.ReplyTo != "" {
		if err := g.ReplyTo(m.ReplyTo); err != nil {
			return nil, err
		}
	}
	g.Subject(m.Subject)
	if m.MessageID != "" {
		g.SetMessageIDWithValue(strings.Trim(m.MessageID, "<>"))
	} else {
		g.SetMessageID()
	}
	if m.Date.IsZero() {
		g.SetDate()
	} else {
		g.SetDateWithValue(m.Date)
	}
	for k, v := range m.Headers {
		g.SetGenHeader(gomail.Header(k), v)
	}
	switch {
	case m.Text != "" && m.HTML != "":
		g.SetBodyString(gomail.TypeTextPlain, m.Text)
		g.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	case m.HTML != "":
		g.SetBodyString(gomail.TypeTextHTML, m.HTML)
	default:
		g.SetBodyString(gomail.TypeTextPlain, m.Text)
	}
	for _, a := range m.Attachments {
		opts := []gomail.FileOption{}
		if a.ContentType != "" {
			opts = append(opts, gomail.WithFileContentType(gomail.ContentType(a.ContentType)))
		}
		if err := g.AttachReader(a.Filename, bytes.NewReader(a.Data), opts...); err != nil {
			return nil, err
		}
	}
	return g, nil
}

// Bytes renders m as RFC 5322 bytes, exactly as it would be sent.
func (m *Message) Bytes() ([]byte, error) {
	g, err := m.build()
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if _, err := g.WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
