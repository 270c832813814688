package outreach

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/internal/audit"
	"github.com/campaignwatch/campaignwatch/outreach/internal/dbsqlc"
)

// campaignTemplates are the letters an election call sends: reminders
// of the law during a campaign, which make no sense once it is over.
var campaignTemplates = []string{"election-reminder", "election-reminder-briefing"}

// LettersInput asks for one letter to every active contact of each chosen
// party, outside an election call: an audit's letters, a warning, a
// reminder to one party.
type LettersInput struct {
	// Template is the letter template's name; required.
	Template string `json:"template"`
	// PartyIDs are the parties written to: one or many.
	PartyIDs []int64 `json:"party_ids"`
	// ElectionID, when not zero, fills the election's fields
	// (ElectionName, PollingDay, AnnouncementDate) from that election and
	// files the batch under it. Without it the fields can be given in
	// Fields.
	ElectionID int64 `json:"election_id"`
	// Fields are the template's own fields, in every language; FieldsCY
	// gives a field's Welsh value.
	Fields   map[string]string `json:"fields"`
	FieldsCY map[string]string `json:"fields_cy"`
	// SendAt schedules the letters; nil sends them once confirmed.
	SendAt *time.Time `json:"send_at"`
	// Hold keeps the letters until a staff user releases the batch.
	Hold bool `json:"hold"`
	// Confirm is the Token of the preview the caller saw (PreviewLetters).
	Confirm string `json:"confirmation"`
}

// PreviewLetters checks letters to chosen parties and shows what
// SendLetters would create, creating nothing.
func (s *Service) PreviewLetters(ctx context.Context, in LettersInput) (*Preview, error) {
	p, err := s.planLetters(ctx, s.q, in)
	if err != nil {
		return nil, err
	}
	return s.preview(p)
}

// SendLetters creates the letters PreviewLetters showed, in one
// transaction: a batch of kind "parties" (filed under the election when
// one was chosen, otherwise under none), one letter per active contact of
// each party in the contact's language, and their send jobs unless the
// batch is held. in.Confirm must be the preview's token; when anything the
// preview showed has changed, SendLetters refuses with a Conflict and
// creates nothing.
func (s *Service) SendLetters(ctx context.Context, in LettersInput) (*CallResult, error) {
	if strings.TrimSpace(in.Confirm) == "" {
		return nil, errNoConfirmation("letters")
	}
	var res *CallResult
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if err := dbsqlc.New(tx).LockConfirmations(ctx); err != nil {
			return err
		}
		p, err := s.planLetters(ctx, dbsqlc.New(tx), in)
		if err != nil {
			return err
		}
		if err := p.check(in.Confirm); err != nil {
			return err
		}
		res, err = s.createBatch(ctx, tx, p, "parties", in.SendAt)
		if err != nil {
			return err
		}
		var names []string
		for _, pc := range res.Parties {
			names = append(names, pc.Party)
		}
		change := map[string]any{"template": res.Template, "template_versions": p.versionNumbers(), "party_ids": in.PartyIDs,
			"parties": names, "letters": res.Letters, "batch_state": res.BatchState, "languages": p.languageCounts()}
		if p.election != nil {
			change["election_id"] = p.election.ID
		}
		return audit.Record(ctx, tx, "letters.send", "letter_batch", fmt.Sprint(res.BatchID), audit.Change{After: change})
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// planLetters checks in and gathers its letters, reading with q.
func (s *Service) planLetters(ctx context.Context, q *dbsqlc.Queries, in LettersInput) (*plan, error) {
	var errs []apperr.FieldError
	p := &plan{kind: "parties", hold: in.Hold, sendAt: in.SendAt, now: time.Now()}
	in.Template = strings.TrimSpace(in.Template)
	if in.Template == "" {
		errs = append(errs, apperr.FieldError{Field: "template", Message: "Choose the letter to send"})
	}
	ids := slices.Clone(in.PartyIDs)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	if len(ids) == 0 {
		errs = append(errs, apperr.FieldError{Field: "party_ids", Message: "Choose at least one party to write to"})
	}
	if in.SendAt != nil && in.Hold {
		errs = append(errs, apperr.FieldError{Field: "send_at", Message: "Choose either to hold the letters or to schedule them, not both"})
	}
	if in.ElectionID != 0 {
		e, err := s.Election(ctx, in.ElectionID)
		if apperr.CodeOf(err) == apperr.NotFound {
			errs = append(errs, apperr.FieldError{Field: "election_id", Message: apperr.MessageOf(err)})
		} else if err != nil {
			return nil, err
		}
		p.election = e
		if e != nil && slices.Contains(campaignTemplates, in.Template) && e.PollingDay.Before(vocab.Today()) {
			errs = append(errs, apperr.FieldError{Field: "election_id", Message: fmt.Sprintf(
				"%s's polling day was %s, which has passed; campaign reminders go before polling day", e.Name, vocab.FormatDate(e.PollingDay, "en"))})
		}
	}
	if len(ids) > 0 {
		found, err := q.PartiesByID(ctx, ids)
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			i := slices.IndexFunc(found, func(r dbsqlc.PartiesByIDRow) bool { return r.ID == id })
			switch {
			case i < 0:
				errs = append(errs, apperr.FieldError{Field: "party_ids", Message: fmt.Sprintf("There is no party %d", id)})
			case !found[i].Active:
				errs = append(errs, apperr.FieldError{Field: "party_ids", Message: fmt.Sprintf("%s is no longer active; make it active again before writing to it", found[i].Name)})
			}
		}
	}
	if len(errs) > 0 {
		return nil, apperr.Fields(errs...)
	}
	last, err := q.PartiesLastLetter(ctx, ids)
	if err != nil {
		return nil, err
	}
	p.done = last
	if err := s.loadTemplate(ctx, p, in.Template); err != nil {
		return nil, err
	}
	if fe := p.checkAttachment(); fe != nil {
		return nil, apperr.Fields(*fe)
	}
	rows, err := q.FollowUpRecipients(ctx, ids)
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		p.recips = append(p.recips, recipientOf(dbsqlc.CallRecipientsRow(r)))
	}
	if p.noContact, err = q.FollowUpPartiesWithoutContact(ctx, ids); err != nil {
		return nil, err
	}
	if len(p.recips) == 0 {
		return nil, apperr.Fields(apperr.FieldError{Field: "party_ids", Message: "None of the chosen parties has an active contact to write to; add contacts first"})
	}
	errs = append(errs, p.fill(in.Fields, in.FieldsCY)...)
	errs = append(errs, p.checkRecipients()...)
	if len(errs) > 0 {
		return nil, apperr.Fields(errs...)
	}
	if err := s.loadPartyValues(ctx, p); err != nil {
		return nil, err
	}
	if len(p.noContact) > 0 {
		p.warnings = append(p.warnings, fmt.Sprintf("No letter for %s: no active contact.", strings.Join(p.noContact, ", ")))
	}
	return p, nil
}

// checkAttachment refuses a template that declares an attachment: letters
// to chosen parties carry only the letter itself, and a letter saying a
// report is attached when none is would mislead the party.
func (p *plan) checkAttachment() *apperr.FieldError {
	attached := false
	for _, l := range p.langs() {
		if p.ts.Parsed[l].Attachment != "" {
			attached = true
		}
	}
	if !attached {
		return nil
	}
	var where string
	switch p.ts.Name {
	case "complaints-follow-up":
		where = "the complaints follow-up is drafted from the election's report page, which attaches the party's report"
	case "audit-follow-up":
		where = "audit follow-up letters are drafted from the audit's page in the audit programme, which attaches the audit's follow-up report"
	default:
		where = "choose a letter that attaches nothing, or send this one from the page that makes its report"
	}
	return &apperr.FieldError{Field: "template", Message: fmt.Sprintf("The %s letter attaches a report, which this page cannot add; %s",
		strings.ReplaceAll(p.ts.Name, "-", " "), where)}
}
