package outreach

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/internal/audit"
	"github.com/campaignwatch/campaignwatch/outreach/internal/dbsqlc"
)

// PartyLetterKind is the kind of batch DraftPartyLetterTx creates.
const PartyLetterKind = "audit"

// draftPartyLetter is DraftPartyLetterTx's work, in tx.
func (s *Service) draftPartyLetter(ctx context.Context, tx pgx.Tx, in PartyLetter) (*CallResult, error) {
	p := &plan{kind: PartyLetterKind, hold: true, now: time.Now()}
	if err := s.loadTemplate(ctx, p, in.Template); err != nil {
		return nil, err
	}
	attachment := false
	for _, l := range p.langs() {
		if p.ts.Parsed[l].Attachment != "" {
			attachment = true
		}
	}
	if attachment && len(in.Attachment.Data) == 0 {
		return nil, apperr.New(apperr.Invalid, "The %s letter attaches a report, and there is no report to attach.", strings.ReplaceAll(in.Template, "-", " "))
	}
	q := dbsqlc.New(tx)
	found, err := q.PartiesByID(ctx, []int64{in.PartyID})
	if err != nil {
		return nil, err
	}
	if len(found) == 0 {
		return nil, apperr.New(apperr.NotFound, "There is no party %d.", in.PartyID)
	}
	party := found[0]
	if !party.Active {
		return nil, apperr.New(apperr.Invalid, "%s is no longer active; make it active again before writing to it.", party.Name)
	}
	rows, err := q.FollowUpRecipients(ctx, []int64{in.PartyID})
	if err != nil {
		return nil, err
	}
	_, byParty, _ := partyRecipients(rows)
	rs := byParty[in.PartyID]
	if len(rs) == 0 {
		return nil, apperr.New(apperr.Invalid, "%s has no active contact with a valid email address to write to; add a contact first.", party.Name)
	}
	p.recips = rs
	if fe := p.checkWelsh(); fe != nil {
		return nil, apperr.Fields(*fe)
	}
	if errs := p.fill(in.Fields, in.FieldsCY); len(errs) > 0 {
		return nil, apperr.Fields(errs...)
	}
	enID, _ := p.templateIDs("en")
	actor := audit.ActorFrom(ctx)
	res := &CallResult{BatchState: "held", Template: p.ts.Name, Parties: []PartyCount{}}
	if v := p.ts.Versions["en"]; v != nil {
		res.Version = v.Version
	}
	if res.BatchID, err = q.CreatePartyLetterBatch(ctx, dbsqlc.CreatePartyLetterBatchParams{
		TemplateID: enID, Kind: PartyLetterKind, CreatedBy: actor.UserID,
	}); err != nil {
		return nil, err
	}
	if err := s.writePartyLetters(ctx, tx, res, p, rs, in.Attachment); err != nil {
		return nil, err
	}
	if err := audit.Record(ctx, tx, "letters.party.draft", "letter_batch", fmt.Sprint(res.BatchID), audit.Change{After: map[string]any{
		"kind": PartyLetterKind, "party_id": in.PartyID, "party": party.Name, "letters": res.Letters, "template": p.ts.Name,
		"template_versions": p.versionNumbers(), "languages": p.languageCounts(), "attachment": in.Attachment.Filename,
	}}); err != nil {
		return nil, err
	}
	return res, nil
}
