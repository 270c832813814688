package outreach

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/campaignwatch/campaignwatch/internal/apperr"
)

var timeNow = time.Now

type timeOrNil struct{ t *time.Time }

// States are the letter states, in the order pages show them.
var States = []string{"held", "scheduled", "queued", "sending", "sent", "failed", "cancelled", "bounced"}

// Letter is one letter as stored (without its PDF bytes).
type Letter struct {
	ID                int64      `json:"id"`
	BatchID           int64      `json:"batch_id"`
	ElectionID        *int64     `json:"election_id"`
	PartyID           int64      `json:"party_id"`
	ContactID         *int64     `json:"contact_id"`
	TemplateID        int64      `json:"template_id"`
	TemplateName      string     `json:"template"`
	TemplateVersion   int        `json:"template_version"`
	Reference         string     `json:"reference"`
	PartyName         string     `json:"party"`
	RecipientName     string     `json:"recipient_name"`
	RecipientPosition string     `json:"recipient_position"`
	RecipientEmail    string     `json:"recipient_email"`
	Subject           string     `json:"subject"`
	HTML              string     `json:"-"`
	Text              string     `json:"-"`
	SHA256            string     `json:"sha256"`
	MessageID         string     `json:"message_id"`
	State             string     `json:"state"`
	Attempts          int        `json:"attempts"`
	LastError         string     `json:"last_error,omitempty"`
	SMTPReply         string     `json:"smtp_reply,omitempty"`
	BounceReason      string     `json:"bounce_reason,omitempty"`
	PDFSize           int        `json:"pdf_size"`
	CreatedAt         time.Time  `json:"created_at"`
	QueuedAt          *time.Time `json:"queued_at,omitempty"`
	SendingAt         *time.Time `json:"sending_at,omitempty"`
	SentAt            *time.Time `json:"sent_at,omitempty"`
	FailedAt          *time.Time `json:"failed_at,omitempty"`
	CancelledAt       *time.Time `json:"cancelled_at,omitempty"`
	BouncedAt         *time.Time `json:"bounced_at,omitempty"`
}

const letterColumns = `l.id, l.batch_id, l.election_id, l.party_id, l.contact_id, l.template_id, t.name, t.version, l.reference, l.party_name,
 l.recipient_name, l.recipient_position, l.recipient_email, l.subject, l.body_html, l.body_text, l.sha256, l.message_id, l.state,
 l.attempts, l.last_error, l.smtp_reply, l.bounce_reason, octet_length(l.pdf), l.created_at, l.queued_at, l.sending_at, l.sent_at,
 l.failed_at, l.cancelled_at, l.bounced_at`

func scanLetter(r pgx.Row) (*Letter, error) {
	l := &Letter{}
	err := r.Scan(&l.ID, &l.BatchID, &l.ElectionID, &l.PartyID, &l.ContactID, &l.TemplateID, &l.TemplateName, &l.TemplateVersion,
		&l.Reference, &l.PartyName, &l.RecipientName, &l.RecipientPosition, &l.RecipientEmail, &l.Subject, &l.HTML, &l.Text, &l.SHA256,
		&l.MessageID, &l.State, &l.Attempts, &l.LastError, &l.SMTPReply, &l.BounceReason, &l.PDFSize, &l.CreatedAt, &l.QueuedAt,
		&l.SendingAt, &l.SentAt, &l.FailedAt, &l.CancelledAt, &l.BouncedAt)
	return l, err
}

// Letter returns one letter.
func (s *Service) Letter(ctx context.Context, id int64) (*Letter, error) {
	l, err := scanLetter(s.pool.QueryRow(ctx, `SELECT `+letterColumns+` FROM letters l JOIN letter_templates t ON t.id = l.template_id WHERE l.id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, apperr.New(apperr.NotFound, "There is no letter %d.", id)
	}
	return l, err
}

// LetterPDF returns the PDF copy of a letter, exactly as attached.
func (s *Service) LetterPDF(ctx context.Context, id int64) ([]byte, error) {
	var pdf []byte
	err := s.pool.QueryRow(ctx, `SELECT pdf FROM letters WHERE id = $1`, id).Scan(&pdf)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, apperr.New(apperr.NotFound, "There is no letter %d.", id)
	}
	return pdf, err
}

// BatchInfo is a batch as the election page shows it.
type BatchInfo struct {
	ID         int64      `json:"id"`
	State      string     `json:"state"`
	Template   string     `json:"template"`
	Version    int        `json:"template_version"`
	SendAt     *time.Time `json:"send_at,omitempty"`
	CreatedBy  string     `json:"created_by"`
	CreatedAt  time.Time  `json:"created_at"`
	ReleasedBy string     `json:"released_by,omitempty"`
	ReleasedAt *time.Time `json:"released_at,omitempty"`
	Letters    int        `json:"letters"`
}

// PartyLetters is one party's letters in an election.
type PartyLetters struct {
	PartyID int64    `json:"party_id"`
	Party   string   `json:"party"`
	Letters []Letter `json:"letters"`
}

// ElectionStatus is everything the election page and `letters status`
// show: the election, its batches, letters per state and per party.
type ElectionStatus struct {
	Election *Election      `json:"election"`
	Phase    Phase          `json:"phase"`
	Batches  []BatchInfo    `json:"batches"`
	Counts   map[string]int `json:"counts"`
	Total    int            `json:"total"`
	Parties  []PartyLetters `json:"parties"`
}

// InFlight reports whether letters are still queued or being sent, which
// is when the page refreshes itself.
func (st *ElectionStatus) InFlight() bool {
	return st.Counts["queued"]+st.Counts["sending"] > 0
}

// Status returns an election's letters.
func (s *Service) Status(ctx context.Context, electionID int64) (*ElectionStatus, error) {
	e, err := s.Election(ctx, electionID)
	if err != nil {
		return nil, err
	}
	st := &ElectionStatus{Election: e, Phase: e.Phase(), Counts: map[string]int{}}
	rows, err := s.pool.Query(ctx, `
SELECT b.id, b.state, t.name, t.version, b.send_at, COALESCE(cu.email, 'command line'), b.created_at, COALESCE(ru.email, ''), b.released_at,
       (SELECT count(*) FROM letters l WHERE l.batch_id = b.id)
FROM letter_batches b JOIN letter_templates t ON t.id = b.template_id
LEFT JOIN staff_users cu ON cu.id = b.created_by LEFT JOIN staff_users ru ON ru.id = b.released_by
WHERE b.election_id = $1 ORDER BY b.id`, electionID)
	if err != nil {
		return nil, err
	}
	if st.Batches, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (BatchInfo, error) {
		var b BatchInfo
		err := r.Scan(&b.ID, &b.State, &b.Template, &b.Version, &b.SendAt, &b.CreatedBy, &b.CreatedAt, &b.ReleasedBy, &b.ReleasedAt, &b.Letters)
		return b, err
	}); err != nil {
		return nil, err
	}
	rows, err = s.pool.Query(ctx, `SELECT `+letterColumns+` FROM letters l JOIN letter_templates t ON t.id = l.template_id
WHERE l.election_id = $1 ORDER BY l.party_name, l.id`, electionID)
	if err != nil {
		return nil, err
	}
	letters, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Letter, error) {
		l, err := scanLetter(r)
		if err == nil {
			l.HTML, l.Text = "", ""
		}
		return *l, err
	})
	if err != nil {
		return nil, err
	}
	for _, l := range letters {
		st.Counts[l.State]++
		st.Total++
		if n := len(st.Parties); n == 0 || st.Parties[n-1].PartyID != l.PartyID {
			st.Parties = append(st.Parties, PartyLetters{PartyID: l.PartyID, Party: l.PartyName})
		}
		p := &st.Parties[len(st.Parties)-1]
		p.Letters = append(p.Letters, l)
	}
	return st, nil
}
