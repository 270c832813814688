package outreach

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/internal/audit"
	"github.com/campaignwatch/campaignwatch/jobs"
	"github.com/campaignwatch/campaignwatch/outreach/internal/dbsqlc"
)

// DefaultTemplate is the letter sent when an election is called.
const DefaultTemplate = "election-reminder"

// ShortNotice is how close polling day may be before a call's preview
// warns that letters will arrive late in the campaign.
const ShortNotice = 7 * 24 * time.Hour

// CallInput is an election call: the election, and the letters to send.
type CallInput struct {
	ElectionInput
	// Template is the letter template's name; default election-reminder.
	Template string `json:"template"`
	// Fields are values for the template's own fields (e.g.
	// BriefingDate), in every language; FieldsCY, when it has a field,
	// gives its Welsh value.
	Fields   map[string]string `json:"fields"`
	FieldsCY map[string]string `json:"fields_cy"`
	// SendAt schedules the letters; nil sends them now.
	SendAt *time.Time `json:"send_at"`
	// Hold keeps the letters until a staff user releases the batch.
	Hold bool `json:"hold"`
	// RecordOnly records the election without writing to anyone: the one
	// way to record an election whose polling day has passed.
	RecordOnly bool `json:"record_only"`
	// Confirm is the Token of the preview the caller saw (PreviewCall).
	// Call refuses without it, and when anything it covers has changed.
	Confirm string `json:"confirmation"`
}

// PartyCount is the number of letters for one party.
type PartyCount struct {
	PartyID int64  `json:"party_id"`
	Party   string `json:"party"`
	Letters int    `json:"letters"`
}

// CallResult says what an election call created.
type CallResult struct {
	ElectionID int64        `json:"election_id"`
	BatchID    int64        `json:"batch_id"`
	BatchState string       `json:"batch_state"`
	Template   string       `json:"template"`
	Version    int          `json:"template_version"`
	Letters    int          `json:"letters"`
	Parties    []PartyCount `json:"parties"`
	// NoContact lists parties in scope with no active contact: they get no
	// letter, and staff should add a contact.
	NoContact []string `json:"parties_without_contact,omitempty"`
	// RecordOnly is set when the election was recorded and no letter
	// written.
	RecordOnly bool `json:"record_only,omitempty"`
}

type recipient struct {
	partyID   int64
	party     string
	contactID int64
	name      string
	position  string
	email     string
	lang      string // "en", "cy" or "both"
}

// Call records an election and creates its letters in one transaction:
// the election, a batch, one rendered letter per active contact of every
// active party standing in the covered nations (in the contact's
// language), and their send jobs (or none yet, for a held batch).
//
// in.Confirm must be the token of a preview (PreviewCall) of the same
// call: when the parties, contacts, template, settings or anything else
// the preview showed has changed since, Call refuses with a Conflict and
// creates nothing, so no one sends letters they have not seen. With
// in.RecordOnly the election is recorded and no letter is written. Any
// problem in the input is an Invalid error and nothing is created.
func (s *Service) Call(ctx context.Context, in CallInput) (*CallResult, error) {
	if strings.TrimSpace(in.Confirm) == "" {
		return nil, errNoConfirmation("election call")
	}
	var res *CallResult
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if err := dbsqlc.New(tx).LockConfirmations(ctx); err != nil {
			return err
		}
		p, err := s.planCall(ctx, dbsqlc.New(tx), in)
		if err != nil {
			return err
		}
		if err := p.check(in.Confirm); err != nil {
			return err
		}
		if in.RecordOnly {
			ei := in.ElectionInput
			e, err := s.RecordElectionTx(ctx, tx, ei, map[string]any{"name": p.election.Name, "name_cy": p.election.NameCY, "type": p.election.Type,
				"nations": p.election.Nations, "announced_on": p.election.AnnouncedOn.Format(time.DateOnly),
				"polling_day": p.election.PollingDay.Format(time.DateOnly), "record_only": true})
			if err != nil {
				return err
			}
			res = &CallResult{ElectionID: e.ID, RecordOnly: true, NoContact: p.noContact, Parties: []PartyCount{}}
			return nil
		}
		e := p.election
		actor := audit.ActorFrom(ctx)
		electionID, err := dbsqlc.New(tx).CreateElection(ctx, dbsqlc.CreateElectionParams{
			Name: e.Name, NameCy: e.NameCY, Type: e.Type, Nations: e.Nations, AnnouncedOn: e.AnnouncedOn, PollingDay: e.PollingDay,
			RegulatedFrom: e.RegulatedFrom, FollowUpDays: int32(e.FollowUpDays), CreatedBy: actor.UserID,
		})
		if err != nil {
			return err
		}
		e.ID = electionID
		res, err = s.createBatch(ctx, tx, p, "call", in.SendAt)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, "election.call", "election", fmt.Sprint(res.ElectionID), audit.Change{After: map[string]any{
			"name": e.Name, "name_cy": e.NameCY, "type": e.Type, "nations": e.Nations, "polling_day": e.PollingDay.Format(time.DateOnly),
			"batch_id": res.BatchID, "batch_state": res.BatchState, "letters": res.Letters, "template": res.Template,
			"template_versions": p.versionNumbers(), "languages": p.languageCounts(),
		}})
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// PreviewCall checks an election call and shows what Call would do,
// creating nothing: the parties and contacts written to, in which
// language, the template versions, warnings, one rendered letter, and
// the token Call needs to go ahead.
func (s *Service) PreviewCall(ctx context.Context, in CallInput) (*Preview, error) {
	p, err := s.planCall(ctx, s.q, in)
	if err != nil {
		return nil, err
	}
	return s.preview(p)
}

// planCall checks in and gathers everything its letters need, reading
// the recipients with q (the pool for a preview, the transaction for the
// call itself). Every problem is reported at once.
func (s *Service) planCall(ctx context.Context, q *dbsqlc.Queries, in CallInput) (*plan, error) {
	e, errs := in.normalise()
	if in.Template == "" {
		in.Template = DefaultTemplate
	}
	today := vocab.Today()
	pollingOK := !slices.ContainsFunc(errs, func(fe apperr.FieldError) bool { return fe.Field == "polling_day" })
	if in.PollingDay != nil && pollingOK && e.PollingDay.Before(today) && !in.RecordOnly {
		errs = append(errs, apperr.FieldError{Field: "polling_day", Message: fmt.Sprintf(
			"Polling day was %s, which has passed. Letters about a campaign that is over would mislead the parties; "+
				"to keep a record of this election without writing to anyone, choose \"record of a past election\"",
			vocab.FormatDate(e.PollingDay, "en"))})
	}
	if in.PollingDay != nil && pollingOK && !e.PollingDay.Before(today) && in.RecordOnly {
		// A record of a past election writes to no one: an election still
		// to come recorded this way would silently get no letters.
		errs = append(errs, apperr.FieldError{Field: "polling_day", Message: fmt.Sprintf(
			"Polling day is %s, which has not passed: only a past election can be recorded without letters. "+
				"To write to the parties about this election, do not choose \"record of a past election\"",
			vocab.FormatDate(e.PollingDay, "en"))})
	}
	if in.SendAt != nil && in.Hold {
		errs = append(errs, apperr.FieldError{Field: "send_at", Message: "Choose either to hold the letters or to schedule them, not both"})
	}
	p := &plan{kind: "call", election: e, recordOnly: in.RecordOnly, hold: in.Hold, sendAt: in.SendAt, now: time.Now()}
	if len(errs) == 0 {
		exists, err := q.SameElectionExists(ctx, dbsqlc.SameElectionExistsParams{Name: e.Name, PollingDay: e.PollingDay})
		if err != nil {
			return nil, err
		}
		p.done = exists
		if exists {
			p.warnings = append(p.warnings, fmt.Sprintf("An election called %s with polling day %s is already recorded: check this is not the same election called twice.",
				e.Name, vocab.FormatDate(e.PollingDay, "en")))
		}
	}
	if in.RecordOnly {
		if len(errs) > 0 {
			return nil, apperr.Fields(errs...)
		}
		p.warnings = append(p.warnings, "This records the election only: no letter will be written to any party.")
		return p, nil
	}
	if len(errs) > 0 {
		// The template and recipients are checked once the election
		// itself is right, so a mistyped date does not also bring a page
		// of contact problems.
		return nil, apperr.Fields(errs...)
	}
	if err := s.loadTemplate(ctx, p, in.Template); err != nil {
		return nil, err
	}
	// An election call writes to every party at once and attaches
	// nothing: a letter that sends a report (the audit follow-up) goes
	// from the page that makes its report.
	if fe := p.checkAttachment(); fe != nil {
		return nil, apperr.Fields(*fe)
	}
	rows, err := q.CallRecipients(ctx, e.Nations)
	if err != nil {
		return nil, err
	}
	p.recips = recipientsOf(rows)
	if p.noContact, err = q.CallPartiesWithoutContact(ctx, e.Nations); err != nil {
		return nil, err
	}
	if len(p.recips) == 0 {
		if len(p.noContact) > 0 {
			return nil, apperr.Fields(apperr.FieldError{Field: "nations", Message: fmt.Sprintf("No party standing in %s has an active contact to write to; add contacts first", e.NationList())})
		}
		return nil, apperr.Fields(apperr.FieldError{Field: "nations", Message: fmt.Sprintf("No active party stands in %s, so there is no one to write to", e.NationList())})
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
		p.warnings = append(p.warnings, fmt.Sprintf("No letter for %s: no active contact. Add a contact to write to them.", strings.Join(p.noContact, ", ")))
	}
	if until := e.PollingDay.Sub(today); until < ShortNotice {
		days := int(until.Hours() / 24)
		when := fmt.Sprintf("in %d days", days)
		switch days {
		case 0:
			when = "today"
		case 1:
			when = "tomorrow"
		}
		p.warnings = append(p.warnings, fmt.Sprintf("Polling day (%s) is %s: the letters may reach the parties too late to change their campaigns.",
			vocab.FormatDay(e.PollingDay, "en"), when))
	}
	return p, nil
}

// chunk is how many letters are rendered and copied at a time: memory
// stays flat whatever the number of letters.
const chunk = 256

// createLetters reserves ids and references, renders each recipient's
// letter in the recipient's language (in parallel, a chunk at a time) and
// copies the chunk into the table.
func (s *Service) createLetters(ctx context.Context, tx pgx.Tx, res *CallResult, p *plan, recips []recipient, state string) error {
	now := p.now
	prefix, width, _ := splitPattern(s.settings.ReferencePattern)
	prefix = strings.ReplaceAll(prefix, "{year}", fmt.Sprint(now.In(vocab.London).Year()))
	q := dbsqlc.New(tx)
	last, err := q.NextReferences(ctx, dbsqlc.NextReferencesParams{Prefix: prefix, N: int32(len(recips))})
	if err != nil {
		return err
	}
	first := int(last) - len(recips) + 1
	ids, err := q.ReserveLetterIDs(ctx, int32(len(recips)))
	if err != nil {
		return err
	}
	var electionID *int64
	if res.ElectionID != 0 {
		electionID = &res.ElectionID
	}
	domain := s.mailDomain()
	workers := max(1, runtime.GOMAXPROCS(0))
	// Rendering runs one chunk ahead of the COPY into the database, so the
	// CPU renders while PostgreSQL stores; at most three chunks are in
	// memory at once, whatever the number of letters.
	type rendered struct {
		rows []dbsqlc.CopyLettersParams
		err  error
	}
	chunks := make(chan rendered, 1)
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		defer close(chunks)
		for start := 0; start < len(recips); start += chunk {
			end := min(start+chunk, len(recips))
			out := make([]dbsqlc.CopyLettersParams, end-start)
			errs := make([]error, end-start)
			var wg sync.WaitGroup
			next := make(chan int)
			for w := 0; w < workers; w++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := range next {
						rc := recips[i]
						ref := fmt.Sprintf("%s%0*d", prefix, width, first+i)
						l, err := p.render(rc, ref, false)
						if err != nil {
							errs[i-start] = apperr.Fields(apperr.FieldError{Field: "template", Message: fmt.Sprintf("The letter to %s (%s) cannot be rendered: %v", rc.name, rc.party, err)})
							continue
						}
						sum := l.SHA256()
						msgID := fmt.Sprintf("letter-%d.%s@%s", ids[i], sum[:12], domain)
						templateID, templateCY := p.templateIDs(rc.lang)
						out[i-start] = dbsqlc.CopyLettersParams{ID: ids[i], BatchID: res.BatchID, ElectionID: electionID,
							PartyID: rc.partyID, ContactID: &recips[i].contactID, TemplateID: templateID, Reference: ref, PartyName: rc.party,
							RecipientName: rc.name, RecipientPosition: rc.position, RecipientEmail: rc.email, Subject: l.Subject,
							BodyHtml: l.HTML, BodyText: l.Text, Pdf: l.PDF, Sha256: sum, MessageID: msgID, State: state,
							CreatedAt: now, QueuedAt: queuedAt(state, now), Lang: rc.lang, TemplateCyID: templateCY}
					}
				}()
			}
			for i := start; i < end; i++ {
				next <- i
			}
			close(next)
			wg.Wait()
			r := rendered{rows: out}
			for _, err := range errs {
				if err != nil {
					r.err = err
					break
				}
			}
			select {
			case chunks <- r:
			case <-stop:
				return
			}
			if r.err != nil {
				return
			}
		}
	}()
	for c := range chunks {
		if c.err != nil {
			return c.err
		}
		if _, err := q.CopyLetters(ctx, c.rows); err != nil {
			return fmt.Errorf("store letters: %w", err)
		}
	}
	return nil
}

func queuedAt(state string, now time.Time) *time.Time {
	if state == "queued" {
		return &now
	}
	return nil
}

// enqueue inserts a send job for every queued or scheduled letter of a
// batch, in tx, a thousand at a time.
func (s *Service) enqueue(ctx context.Context, tx pgx.Tx, batchID int64, sendAt *time.Time) error {
	ps, err := dbsqlc.New(tx).PendingBatchLetters(ctx, batchID)
	if err != nil {
		return err
	}
	for start := 0; start < len(ps); start += 1000 {
		params := make([]river.InsertManyParams, 0, min(1000, len(ps)-start))
		for _, p := range ps[start:min(start+1000, len(ps))] {
			params = append(params, river.InsertManyParams{Args: SendArgs{LetterID: p.ID, Round: int(p.SendRound)}, InsertOpts: sendOpts(sendAt)})
		}
		if _, err := s.jobs.InsertManyTx(ctx, tx, params); err != nil {
			return fmt.Errorf("enqueue letters: %w", err)
		}
	}
	return nil
}

func sendOpts(sendAt *time.Time) *river.InsertOpts {
	o := &river.InsertOpts{Queue: jobs.QueueMail, UniqueOpts: river.UniqueOpts{ByArgs: true}}
	if sendAt != nil && sendAt.After(time.Now()) {
		o.ScheduledAt = *sendAt
	}
	return o
}

// recipientsOf reads the rows of (party id, party name, contact id, name,
// position, email, language) that both the election call and the follow-up drafts
// select their recipients in.
func recipientsOf(rows []dbsqlc.CallRecipientsRow) []recipient {
	out := make([]recipient, len(rows))
	for i, r := range rows {
		out[i] = recipientOf(r)
	}
	return out
}

func recipientOf(r dbsqlc.CallRecipientsRow) recipient {
	return recipient{partyID: r.PartyID, party: r.PartyName, contactID: r.ContactID, name: r.Name, position: r.Position, email: r.Email, lang: r.Language}
}
