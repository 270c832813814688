package outreach

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/outreach/internal/dbsqlc"
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

// letterOf converts a letter row; every query of a whole letter selects
// the same columns, so their rows convert to GetLetterRow.
func letterOf(r dbsqlc.GetLetterRow) *Letter {
	return &Letter{ID: r.ID, BatchID: r.BatchID, ElectionID: r.ElectionID, PartyID: r.PartyID, ContactID: r.ContactID,
		TemplateID: r.TemplateID, TemplateName: r.TemplateName, TemplateVersion: int(r.TemplateVersion), Reference: r.Reference,
		PartyName: r.PartyName, RecipientName: r.RecipientName, RecipientPosition: r.RecipientPosition, RecipientEmail: r.RecipientEmail,
		Subject: r.Subject, HTML: r.BodyHtml, Text: r.BodyText, SHA256: r.Sha256, MessageID: r.MessageID, State: r.State,
		Attempts: int(r.Attempts), LastError: r.LastError, SMTPReply: r.SmtpReply, BounceReason: r.BounceReason, PDFSize: int(r.PdfSize),
		CreatedAt: r.CreatedAt, QueuedAt: r.QueuedAt, SendingAt: r.SendingAt, SentAt: r.SentAt, FailedAt: r.FailedAt,
		CancelledAt: r.CancelledAt, BouncedAt: r.BouncedAt}
}

// Letter returns one letter.
func (s *Service) Letter(ctx context.Context, id int64) (*Letter, error) {
	r, err := s.q.GetLetter(ctx, id)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, apperr.New(apperr.NotFound, "There is no letter %d.", id)
	}
	if err != nil {
		return nil, err
	}
	return letterOf(r), nil
}

// LetterPDF returns the PDF copy of a letter, exactly as attached.
func (s *Service) LetterPDF(ctx context.Context, id int64) ([]byte, error) {
	pdf, err := s.q.LetterPDF(ctx, id)
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
	batches, err := s.q.ElectionBatches(ctx, electionID)
	if err != nil {
		return nil, err
	}
	st.Batches = make([]BatchInfo, len(batches))
	for i, b := range batches {
		st.Batches[i] = BatchInfo{ID: b.ID, State: b.State, Template: b.TemplateName, Version: int(b.TemplateVersion), SendAt: b.SendAt,
			CreatedBy: b.CreatedBy, CreatedAt: b.CreatedAt, ReleasedBy: b.ReleasedBy, ReleasedAt: b.ReleasedAt, Letters: int(b.Letters)}
	}
	rows, err := s.q.ElectionLetters(ctx, electionID)
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		l := *letterOf(dbsqlc.GetLetterRow(r))
		l.HTML, l.Text = "", ""
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

// BatchLetters is one batch with its letters (without their bodies), as
// the page of letters to chosen parties shows it.
type BatchLetters struct {
	BatchInfo
	ElectionID *int64   `json:"election_id"`
	Kind       string   `json:"kind"`
	Items      []Letter `json:"items"`
}

// BatchLetters returns one batch and its letters.
func (s *Service) BatchLetters(ctx context.Context, id int64) (*BatchLetters, error) {
	b, err := s.q.GetBatch(ctx, id)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, apperr.New(apperr.NotFound, "There is no batch %d.", id)
	}
	if err != nil {
		return nil, err
	}
	out := &BatchLetters{BatchInfo: BatchInfo{ID: b.ID, State: b.State, Template: b.TemplateName, Version: int(b.TemplateVersion), SendAt: b.SendAt,
		CreatedBy: b.CreatedBy, CreatedAt: b.CreatedAt, ReleasedBy: b.ReleasedBy, ReleasedAt: b.ReleasedAt, Letters: int(b.Letters)},
		ElectionID: b.ElectionID, Kind: b.Kind}
	rows, err := s.q.BatchLetters(ctx, id)
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		l := *letterOf(dbsqlc.GetLetterRow(r))
		l.HTML, l.Text = "", ""
		out.Items = append(out.Items, l)
	}
	return out, nil
}
