package web

import (
	"context"
	"net/http"

	"github.com/gorilla/mux"
	"github.com/jackc/pgx/v5"

	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/internal/audit"
	"github.com/campaignwatch/campaignwatch/internal/mail"
	"github.com/campaignwatch/campaignwatch/internal/staff"
)

// The outbox pages exist only in development mode (no SMTP_URL).
func (s *Server) outboxEnabled() bool { return s.cfg.SMTPURL == "" }

// What the outbox shows in place of a complainant's message to staff who
// may not see complainants: the acknowledgement's address, subject and
// body all identify the complainant.
const (
	hiddenRecipient = "A member of the public (hidden)"
	hiddenSubject   = "Acknowledgement of a complaint (hidden)"
	hiddenBody      = "This message went to a member of the public about their complaint. " +
		"Only staff who may see complainants' details can read it."
)

// mayReadComplainantMail reports whether u may see the messages sent to
// complainants: the same roles that may see a complainant's details on a
// complaint.
func mayReadComplainantMail(u *staff.User) bool {
	return u.Can(complaintDetailRoles...)
}

// maskEntry hides a complainant's message in the outbox list.
func maskEntry(e mail.OutboxEntry) mail.OutboxEntry {
	e.To, e.Subject = hiddenRecipient, hiddenSubject
	return e
}

// maskMessage hides everything in a complainant's message but its sender
// and date.
func maskMessage(m *mail.ParsedMessage) *mail.ParsedMessage {
	return &mail.ParsedMessage{From: m.From, Date: m.Date, To: hiddenRecipient, Subject: hiddenSubject,
		MessageID: "(hidden)", Text: hiddenBody, Complainant: true}
}

// auditOutboxView records that the signed-in user looked at the outbox,
// which holds personal data, before anything is shown.
func (s *Server) auditOutboxView(ctx context.Context, action, objectID string, after map[string]any) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		return audit.Record(ctx, tx, action, "outbox", objectID, audit.Change{After: after})
	})
}

func (s *Server) handleOutbox(w http.ResponseWriter, r *http.Request) {
	data := map[string]any{"Enabled": s.outboxEnabled()}
	if s.outboxEnabled() {
		entries, err := mail.ListOutbox(s.cfg.OutboxDir(), 200)
		if err != nil {
			s.Error(w, r, err)
			return
		}
		full := mayReadComplainantMail(userFrom(r.Context()))
		hidden := 0
		for i, e := range entries {
			if e.Complainant && !full {
				entries[i] = maskEntry(e)
				hidden++
			}
		}
		if err := s.auditOutboxView(r.Context(), "outbox.list", "", map[string]any{"messages": len(entries), "complainant_messages_hidden": hidden}); err != nil {
			s.Error(w, r, err)
			return
		}
		data["Entries"] = entries
	}
	s.render(w, r, http.StatusOK, "outbox", page{Data: data})
}

// readOutbox reads the message named in the path, masked for a user who
// may not see complainants, and audits the view as part.
func (s *Server) readOutbox(w http.ResponseWriter, r *http.Request, part string) (*mail.ParsedMessage, string, bool) {
	name := mux.Vars(r)["name"]
	if !s.outboxEnabled() {
		s.Error(w, r, apperr.New(apperr.NotFound, "There is no file outbox: mail goes to the SMTP server."))
		return nil, "", false
	}
	msg, err := mail.ReadOutbox(s.cfg.OutboxDir(), name)
	if err != nil {
		s.Error(w, r, apperr.Wrap(apperr.NotFound, err, "No message %q in the outbox.", name))
		return nil, "", false
	}
	hidden := msg.Complainant && !mayReadComplainantMail(userFrom(r.Context()))
	if hidden {
		msg = maskMessage(msg)
	}
	if err := s.auditOutboxView(r.Context(), "outbox.message.view", name,
		map[string]any{"part": part, "complainant": msg.Complainant, "hidden": hidden}); err != nil {
		s.Error(w, r, err)
		return nil, "", false
	}
	return msg, name, true
}

func (s *Server) handleOutboxMessage(w http.ResponseWriter, r *http.Request) {
	msg, name, ok := s.readOutbox(w, r, "page")
	if !ok {
		return
	}
	s.render(w, r, http.StatusOK, "outbox_message", page{Data: map[string]any{"Message": msg, "Name": name}})
}

// handleOutboxHTML serves a message's HTML body for the sandboxed frame on
// the message page. The sandbox CSP stops anything in it from running or
// loading remote content, whatever the message contains.
func (s *Server) handleOutboxHTML(w http.ResponseWriter, r *http.Request) {
	msg, _, ok := s.readOutbox(w, r, "html")
	if !ok {
		return
	}
	h := w.Header()
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'; frame-ancestors 'self'")
	h.Del("X-Frame-Options")
	h.Set("X-Frame-Options", "SAMEORIGIN")
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	_, _ = w.Write([]byte(msg.HTML))
}
