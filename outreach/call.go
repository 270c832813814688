package outreach

import (
	"context"
	"fmt"
	"net/mail"
	"runtime"
	"slices"
	"sort"
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
	"github.com/campaignwatch/campaignwatch/outreach/render"
)

// DefaultTemplate is the letter sent when an election is called.
const DefaultTemplate = "election-reminder"

// CallInput is an election call: the election, and the letters to send.
type CallInput struct {
	ElectionInput
	// Template is the letter template's name; default election-reminder.
	Template string `json:"template"`
	// Fields are values for the template's own fields (e.g. BriefingDate),
	// and may override SignatoryName, SignatoryTitle and ContactMailbox.
	Fields map[string]string `json:"fields"`
	// SendAt schedules the letters; nil sends them now.
	SendAt *time.Time `json:"send_at"`
	// Hold keeps the letters until a staff user releases the batch.
	Hold bool `json:"hold"`
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
}

type recipient struct {
	partyID   int64
	party     string
	contactID int64
	name      string
	position  string
	email     string
}

// Call records an election and creates its letters in one transaction:
// the election, a batch, one rendered letter per active contact of every
// active party standing in the covered nations, and their send jobs (or
// none yet, for a held batch). Any problem — bad dates, an unknown nation,
// no party in scope, a template field without a value, a contact without a
// valid email address — is an Invalid error and nothing is created.
func (s *Service) Call(ctx context.Context, in CallInput) (*CallResult, error) {
	e, errs := in.normalise()
	if in.Template == "" {
		in.Template = DefaultTemplate
	}
	if in.SendAt != nil && in.Hold {
		errs = append(errs, apperr.FieldError{Field: "send_at", Message: "Choose either to hold the letters or to schedule them, not both"})
	}
	if len(errs) > 0 {
		return nil, apperr.Fields(errs...)
	}
	tv, err := s.Template(ctx, in.Template, 0)
	if err != nil {
		if apperr.CodeOf(err) == apperr.NotFound {
			return nil, apperr.Fields(apperr.FieldError{Field: "template", Message: apperr.MessageOf(err)})
		}
		return nil, err
	}
	tpl, err := render.Parse(tv.Source)
	if err != nil {
		return nil, apperr.Fields(apperr.FieldError{Field: "template", Message: fmt.Sprintf("Version %d of the template %q has a problem: %v", tv.Version, tv.Name, err)})
	}
	now := time.Now()
	common := map[string]string{
		"ElectionName":     e.Name,
		"PollingDay":       e.PollingDay.Format("Monday 2 January 2006"),
		"AnnouncementDate": e.AnnouncedOn.Format("2 January 2006"),
		"Date":             now.In(vocab.London).Format("2 January 2006"),
		"SignatoryName":    s.settings.SignatoryName,
		"SignatoryTitle":   s.settings.SignatoryTitle,
		"ContactMailbox":   s.settings.ContactMailbox,
	}
	overridable := []string{"SignatoryName", "SignatoryTitle", "ContactMailbox"}
	for k, v := range in.Fields {
		v = strings.TrimSpace(v)
		switch {
		case slices.Contains(tpl.Extra, k) || slices.Contains(overridable, k):
			if v != "" {
				common[k] = v
			}
		default:
			errs = append(errs, apperr.FieldError{Field: "fields." + k, Message: fmt.Sprintf("The template %q has no field %q (its own fields: %s)", tv.Name, k, strings.Join(tpl.Extra, ", "))})
		}
	}
	for _, f := range tpl.Extra {
		if common[f] == "" {
			errs = append(errs, apperr.FieldError{Field: "fields." + f, Message: fmt.Sprintf("Enter a value for %s: the template %q needs it", f, tv.Name)})
		}
	}
	if len(errs) > 0 {
		return nil, apperr.Fields(errs...)
	}

	actor := audit.ActorFrom(ctx)
	state := "released"
	switch {
	case in.Hold || s.settings.FourEyes:
		state = "held"
	case in.SendAt != nil && in.SendAt.After(now):
		state = "scheduled"
	}
	res := &CallResult{BatchState: state, Template: tv.Name, Version: tv.Version}

	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		q := dbsqlc.New(tx)
		rows, err := q.CallRecipients(ctx, e.Nations)
		if err != nil {
			return err
		}
		recips := recipientsOf(rows)
		if res.NoContact, err = q.CallPartiesWithoutContact(ctx, e.Nations); err != nil {
			return err
		}
		if len(recips) == 0 {
			if len(res.NoContact) > 0 {
				return apperr.Fields(apperr.FieldError{Field: "nations", Message: fmt.Sprintf("No party standing in %s has an active contact to write to; add contacts first", e.NationList())})
			}
			return apperr.Fields(apperr.FieldError{Field: "nations", Message: fmt.Sprintf("No active party stands in %s, so there is no one to write to", e.NationList())})
		}
		var bad []apperr.FieldError
		for _, rc := range recips {
			if a, err := mail.ParseAddress(rc.email); err != nil || !strings.EqualFold(a.Address, rc.email) {
				bad = append(bad, apperr.FieldError{Field: "contacts", Message: fmt.Sprintf("%s (%s) has no valid email address (%q); correct the contact first", rc.name, rc.party, rc.email)})
			}
		}
		if len(bad) > 0 {
			return apperr.Fields(bad...)
		}

		res.ElectionID, err = q.CreateElection(ctx, dbsqlc.CreateElectionParams{
			Name: e.Name, Type: e.Type, Nations: e.Nations, AnnouncedOn: e.AnnouncedOn, PollingDay: e.PollingDay,
			RegulatedFrom: e.RegulatedFrom, FollowUpDays: int32(e.FollowUpDays), CreatedBy: actor.UserID,
		})
		if err != nil {
			return err
		}
		if res.BatchID, err = q.CreateCallBatch(ctx, dbsqlc.CreateCallBatchParams{
			ElectionID: &res.ElectionID, TemplateID: tv.ID, State: state, SendAt: in.SendAt, CreatedBy: actor.UserID,
		}); err != nil {
			return err
		}
		letterState := map[string]string{"held": "held", "scheduled": "scheduled", "released": "queued"}[state]
		if err := s.createLetters(ctx, tx, res, tpl, tv.ID, common, recips, letterState, now); err != nil {
			return err
		}
		if state != "held" {
			if err := s.enqueue(ctx, tx, res.BatchID, in.SendAt); err != nil {
				return err
			}
		}
		counts := map[int64]*PartyCount{}
		for _, rc := range recips {
			pc := counts[rc.partyID]
			if pc == nil {
				pc = &PartyCount{PartyID: rc.partyID, Party: rc.party}
				counts[rc.partyID] = pc
			}
			pc.Letters++
		}
		for _, pc := range counts {
			res.Parties = append(res.Parties, *pc)
		}
		sort.Slice(res.Parties, func(i, j int) bool { return res.Parties[i].Party < res.Parties[j].Party })
		res.Letters = len(recips)
		return audit.Record(ctx, tx, "election.call", "election", fmt.Sprint(res.ElectionID), audit.Change{After: map[string]any{
			"name": e.Name, "type": e.Type, "nations": e.Nations, "polling_day": e.PollingDay.Format(time.DateOnly),
			"batch_id": res.BatchID, "batch_state": state, "letters": res.Letters, "template": tv.Name, "template_version": tv.Version,
		}})
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// chunk is how many letters are rendered and copied at a time: memory
// stays flat whatever the number of letters.
const chunk = 256

// createLetters reserves ids and references, renders each letter (in
// parallel, a chunk at a time) and copies the chunk into the table.
func (s *Service) createLetters(ctx context.Context, tx pgx.Tx, res *CallResult, tpl *render.Template, templateID int64,
	common map[string]string, recips []recipient, state string, now time.Time) error {
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
					values := make(map[string]string, len(common)+4)
					for i := range next {
						rc := recips[i]
						for k, v := range common {
							values[k] = v
						}
						ref := fmt.Sprintf("%s%0*d", prefix, width, first+i)
						values["RecipientName"], values["RecipientPosition"], values["PartyName"], values["Reference"] = rc.name, rc.position, rc.party, ref
						l, err := tpl.Render(values, render.RenderOptions{Created: now})
						if err != nil {
							errs[i-start] = apperr.Fields(apperr.FieldError{Field: "template", Message: fmt.Sprintf("The letter to %s (%s) cannot be rendered: %v", rc.name, rc.party, err)})
							continue
						}
						sum := l.SHA256()
						msgID := fmt.Sprintf("letter-%d.%s@%s", ids[i], sum[:12], domain)
						out[i-start] = dbsqlc.CopyLettersParams{ID: ids[i], BatchID: res.BatchID, ElectionID: &res.ElectionID,
							PartyID: rc.partyID, ContactID: &recips[i].contactID, TemplateID: templateID, Reference: ref, PartyName: rc.party,
							RecipientName: rc.name, RecipientPosition: rc.position, RecipientEmail: rc.email, Subject: l.Subject,
							BodyHtml: l.HTML, BodyText: l.Text, Pdf: l.PDF, Sha256: sum, MessageID: msgID, State: state,
							CreatedAt: now, QueuedAt: queuedAt(state, now), Lang: "en"}
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
// position, email) that both the election call and the follow-up drafts
// select their recipients in.
func recipientsOf(rows []dbsqlc.CallRecipientsRow) []recipient {
	out := make([]recipient, len(rows))
	for i, r := range rows {
		out[i] = recipientOf(r)
	}
	return out
}

func recipientOf(r dbsqlc.CallRecipientsRow) recipient {
	return recipient{partyID: r.PartyID, party: r.PartyName, contactID: r.ContactID, name: r.Name, position: r.Position, email: r.Email}
}
