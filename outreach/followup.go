package outreach

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/internal/audit"
	"github.com/campaignwatch/campaignwatch/outreach/internal/dbsqlc"
)

// FollowUpTemplate is the letter sent to each party after an election
// about the complaints we received.
const FollowUpTemplate = "complaints-follow-up"

// Attachment is a file sent with a letter besides the letter's own PDF.
type Attachment struct {
	Filename string
	Data     []byte
}

// FollowUp is what one party's follow-up letter needs beyond what every
// letter has: the template's own fields (ComplaintCount, ComplaintSummary,
// Requests, ReplyBy, Report) and the report to attach.
type FollowUp struct {
	// Fields are in English; FieldsCY are their Welsh values, set for a
	// party any of whose contacts reads Welsh (a field missing there takes
	// its value from Fields).
	Fields     map[string]string
	FieldsCY   map[string]string
	Attachment Attachment
}

// ErrFollowUpExists is returned (as a Conflict) when the election already
// has a follow-up batch that is not cancelled.
var ErrFollowUpExists = errors.New("follow-up batch exists")

// FollowUpBatch returns the election's live (not cancelled) follow-up
// batch id, or 0. With any=true a cancelled batch counts too, which is
// how the scheduled job knows it has already done its work once.
func (s *Service) FollowUpBatch(ctx context.Context, electionID int64, any bool) (int64, error) {
	return s.q.FollowUpBatch(ctx, dbsqlc.FollowUpBatchParams{ElectionID: electionID, IncludeCancelled: any})
}

// DraftFollowUps creates the election's follow-up batch, held for review:
// one complaints-follow-up letter to each active contact of each party in
// parties, with that party's report attached, the batch recording replyBy,
// the day the parties are asked to reply by. It all happens in one
// transaction; an election has at most one live follow-up batch, so a
// second call returns a Conflict error and creates nothing.
func (s *Service) DraftFollowUps(ctx context.Context, electionID int64, replyBy time.Time, parties map[int64]FollowUp) (*CallResult, error) {
	if len(parties) == 0 {
		return nil, apperr.New(apperr.Invalid, "No party has complaints in this election, so there is no follow-up letter to write.")
	}
	p := &plan{kind: "follow_up", now: time.Now()}
	if err := s.loadTemplate(ctx, p, FollowUpTemplate); err != nil {
		return nil, err
	}
	tv, tpl := p.ts.Versions["en"], p.ts.Parsed["en"]
	ids := make([]int64, 0, len(parties))
	for id, fu := range parties {
		ids = append(ids, id)
		for _, f := range tpl.Extra {
			if strings.TrimSpace(fu.Fields[f]) == "" {
				return nil, apperr.New(apperr.Invalid, "The follow-up letter to party %d has no value for %s.", id, f)
			}
		}
		if tpl.Attachment != "" && len(fu.Attachment.Data) == 0 {
			return nil, apperr.New(apperr.Invalid, "The follow-up letter to party %d has no report to attach.", id)
		}
	}
	slices.Sort(ids)
	actor := audit.ActorFrom(ctx)
	res := &CallResult{ElectionID: electionID, BatchState: "held", Template: tv.Name, Version: tv.Version}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		// The election's row lock serialises concurrent drafts (the job
		// on two nodes, or a person and the job).
		q := dbsqlc.New(tx)
		le, err := q.LockElection(ctx, electionID)
		e := Election{ID: le.ID, Name: le.Name, AnnouncedOn: le.AnnouncedOn, PollingDay: le.PollingDay}
		p.election = &e
		if errors.Is(err, pgx.ErrNoRows) {
			return apperr.New(apperr.NotFound, "There is no election %d.", electionID)
		}
		if err != nil {
			return err
		}
		existing, err := q.LiveFollowUpBatch(ctx, electionID)
		if err != nil {
			return err
		}
		if existing != 0 {
			return apperr.Wrap(apperr.Conflict, ErrFollowUpExists, "The %s already has follow-up batch %d; cancel it before drafting another.", e.Name, existing)
		}
		rows, err := q.FollowUpRecipients(ctx, ids)
		if err != nil {
			return err
		}
		recips, byParty, bad := partyRecipients(rows)
		res.NoContact = append(res.NoContact, bad...)
		none, err := q.FollowUpPartiesWithoutContact(ctx, ids)
		if err != nil {
			return err
		}
		res.NoContact = append(res.NoContact, none...)
		if len(byParty) == 0 {
			return apperr.New(apperr.Invalid, "None of the parties with complaints has an active contact with a valid email address; add contacts first.")
		}
		p.recips = recips
		if fe := p.checkWelsh(); fe != nil {
			return apperr.Fields(*fe)
		}
		if res.BatchID, err = q.CreateFollowUpBatch(ctx, dbsqlc.CreateFollowUpBatchParams{
			ElectionID: &electionID, TemplateID: tv.ID, CreatedBy: actor.UserID,
		}); err != nil {
			return err
		}
		if !replyBy.IsZero() {
			if err := q.SetBatchReplyBy(ctx, dbsqlc.SetBatchReplyByParams{ID: res.BatchID, ReplyBy: replyBy}); err != nil {
				return err
			}
		}
		for _, id := range ids {
			rs := byParty[id]
			if len(rs) == 0 {
				continue
			}
			fu := parties[id]
			p.values = map[string]map[string]string{}
			for _, l := range p.langs() {
				p.values[l] = p.commonValues(l)
				for _, f := range p.ts.Parsed[l].Extra {
					p.values[l][f] = fu.Fields[f]
					if v := fu.FieldsCY[f]; l == "cy" && v != "" {
						p.values[l][f] = v
					}
				}
			}
			if err := s.writePartyLetters(ctx, tx, res, p, rs, fu.Attachment); err != nil {
				return err
			}
		}
		sort.Slice(res.Parties, func(i, j int) bool { return res.Parties[i].Party < res.Parties[j].Party })
		return audit.Record(ctx, tx, "election.follow_up.draft", "letter_batch", fmt.Sprint(res.BatchID), audit.Change{After: map[string]any{
			"election_id": electionID, "letters": res.Letters, "parties": len(res.Parties), "template": tv.Name,
			"template_version": tv.Version, "parties_without_contact": res.NoContact, "reply_by": replyBy.Format(time.DateOnly),
		}})
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// partyRecipients splits the rows of parties' active contacts into the
// recipients (all, and by party) and the parties of contacts whose
// address cannot be written to, which get no letter.
func partyRecipients(rows []dbsqlc.FollowUpRecipientsRow) ([]recipient, map[int64][]recipient, []string) {
	recips := make([]recipient, len(rows))
	for i, r := range rows {
		recips[i] = recipientOf(dbsqlc.CallRecipientsRow(r))
	}
	byParty := map[int64][]recipient{}
	var bad []string
	for _, rc := range recips {
		if a, err := mail.ParseAddress(rc.email); err != nil || !strings.EqualFold(a.Address, rc.email) {
			bad = append(bad, rc.party)
			continue
		}
		byParty[rc.partyID] = append(byParty[rc.partyID], rc)
	}
	return recips, byParty, bad
}

// writePartyLetters writes the held letters of one party's contacts rs
// into the batch of res with p's values, attaches att to each of them
// (when it has content) and counts them in res.
func (s *Service) writePartyLetters(ctx context.Context, tx pgx.Tx, res *CallResult, p *plan, rs []recipient, att Attachment) error {
	if err := s.createLetters(ctx, tx, res, p, rs, "held"); err != nil {
		return err
	}
	id := rs[0].partyID
	if len(att.Data) > 0 {
		if err := dbsqlc.New(tx).AttachToPartyLetters(ctx, dbsqlc.AttachToPartyLettersParams{
			BatchID: res.BatchID, PartyID: id, AttachmentName: &att.Filename, Attachment: att.Data,
		}); err != nil {
			return fmt.Errorf("attach report: %w", err)
		}
	}
	res.Parties = append(res.Parties, PartyCount{PartyID: id, Party: rs[0].party, Letters: len(rs)})
	res.Letters += len(rs)
	return nil
}
