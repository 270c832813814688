package mail

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Outbox writes each message to a file instead of sending it: the
// development transport when SMTP_URL is unset.
type Outbox struct{ dir string }

// NewOutbox returns an outbox writing into dir, creating it if needed.
func NewOutbox(dir string) (*Outbox, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create outbox %s: %w", dir, err)
	}
	return &Outbox{dir: dir}, nil
}

// Transport implements Sender.
func (o *Outbox) Transport() string { return "outbox" }

// Close implements Sender.
func (o *Outbox) Close() error { return nil }

// Send writes each message atomically (temporary file, then rename) so the
// outbox pages never show half a message.
func (o *Outbox) Send(ctx context.Context, msgs ...*Message) []Result {
	res := make([]Result, len(msgs))
	for i, m := range msgs {
		b, err := m.Bytes()
		if err != nil {
			res[i].Err = err
			continue
		}
		if m.Complainant {
			b = append([]byte(complainantHeader+": yes\r\n"), b...)
		}
		rnd := make([]byte, 4)
		_, _ = rand.Read(rnd)
		name := time.Now().UTC().Format("20060102T150405.000000Z") + "-" + hex.EncodeToString(rnd) + ".eml"
		tmp := filepath.Join(o.dir, "."+name+".tmp")
		if err := os.WriteFile(tmp, b, 0o640); err != nil {
			res[i].Err = &SendError{Err: err}
			continue
		}
		if err := os.Rename(tmp, filepath.Join(o.dir, name)); err != nil {
			res[i].Err = &SendError{Err: err}
			continue
		}
		res[i].Reply = "written to the outbox as " + name
	}
	return res
}

// complainantHeader marks, in outbox files only, a message whose address
// and content identify a complainant, so the outbox pages can hide it from
// staff who may not see complainants. It is not sent over SMTP.
const complainantHeader = "X-Campaignwatch-Outbox-Complainant"

// isComplainantMail reports whether an outbox message identifies a
// complainant: marked so when written, or, for files written before the
// mark existed, an acknowledgement by its Message-ID.
func isComplainantMail(h mail.Header) bool {
	return h.Get(complainantHeader) != "" || strings.HasPrefix(strings.Trim(h.Get("Message-Id"), "<>"), "complaint-ack-")
}

// OutboxEntry describes one message in the outbox.
type OutboxEntry struct {
	Name    string
	Date    time.Time
	To      string
	Subject string
	Size    int64
	// Complainant is true when the address and content identify a
	// complainant (an acknowledgement of a complaint).
	Complainant bool
}

// ListOutbox lists up to limit messages, newest first.
func ListOutbox(dir string, limit int) ([]OutboxEntry, error) {
	ents, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range ents {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".eml") && !strings.HasPrefix(e.Name(), ".") {
			names = append(names, e.Name())
		}
	}
	sort.Sort(sort.Reverse(sort.StringSlice(names)))
	if limit > 0 && len(names) > limit {
		names = names[:limit]
	}
	out := make([]OutboxEntry, 0, len(names))
	for _, n := range names {
		f, err := os.Open(filepath.Join(dir, n))
		if err != nil {
			continue
		}
		fi, _ := f.Stat()
		msg, err := mail.ReadMessage(f)
		f.Close()
		if err != nil {
			continue
		}
		date, _ := msg.Header.Date()
		out = append(out, OutboxEntry{Name: n, Date: date, To: msg.Header.Get("To"),
			Subject: decodeHeader(msg.Header.Get("Subject")), Size: fi.Size(), Complainant: isComplainantMail(msg.Header)})
	}
	return out, nil
}

// ParsedMessage is a message read back from the outbox (or received by the
// test SMTP server), for display and assertions.
type ParsedMessage struct {
	From, To, Subject, Date, MessageID string
	Text, HTML                         string
	Attachments                        []ParsedAttachment
	// Complainant is true for outbox messages whose address and content
	// identify a complainant.
	Complainant bool
}

// ParsedAttachment describes an attachment of a parsed message.
type ParsedAttachment struct {
	Filename, ContentType string
	Size                  int
	Data                  []byte
}

// ReadOutbox parses one outbox message. name must be a plain file name.
func ReadOutbox(dir, name string) (*ParsedMessage, error) {
	if name != filepath.Base(name) || !strings.HasSuffix(name, ".eml") || strings.HasPrefix(name, ".") {
		return nil, fmt.Errorf("%q is not an outbox message name", name)
	}
	f, err := os.Open(filepath.Join(dir, name))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return Parse(f)
}

// Parse reads an RFC 5322 message with its MIME parts.
func Parse(r io.Reader) (*ParsedMessage, error) {
	msg, err := mail.ReadMessage(r)
	if err != nil {
		return nil, err
	}
	h := msg.Header
	p := &ParsedMessage{From: h.Get("From"), To: h.Get("To"), Subject: decodeHeader(h.Get("Subject")),
		Date: h.Get("Date"), MessageID: h.Get("Message-Id"), Complainant: isComplainantMail(h)}
	err = walkPart(p, h.Get("Content-Type"), h.Get("Content-Transfer-Encoding"), "", msg.Body)
	return p, err
}

func walkPart(p *ParsedMessage, contentType, encoding, disposition string, body io.Reader) error {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		mt = "text/plain"
	}
	if strings.HasPrefix(mt, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			part, err := mr.NextRawPart()
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return err
			}
			if err := walkPart(p, part.Header.Get("Content-Type"), part.Header.Get("Content-Transfer-Encoding"),
				part.Header.Get("Content-Disposition"), part); err != nil {
				return err
			}
		}
	}
	data, err := io.ReadAll(decodeBody(body, encoding))
	if err != nil {
		return err
	}
	disp, dparams, _ := mime.ParseMediaType(disposition)
	switch {
	case disp == "attachment" || disp == "inline" && dparams["filename"] != "":
		p.Attachments = append(p.Attachments, ParsedAttachment{Filename: dparams["filename"], ContentType: mt, Size: len(data), Data: data})
	case mt == "text/html" && p.HTML == "":
		p.HTML = string(data)
	case mt == "text/plain" && p.Text == "":
		p.Text = string(data)
	default:
		p.Attachments = append(p.Attachments, ParsedAttachment{Filename: params["name"], ContentType: mt, Size: len(data), Data: data})
	}
	return nil
}

func decodeHeader(s string) string {
	d, err := new(mime.WordDecoder).DecodeHeader(s)
	if err != nil {
		return s
	}
	return d
}
