package reports

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/internal/audit"
	"github.com/campaignwatch/campaignwatch/jobs"
	"github.com/campaignwatch/campaignwatch/outreach"
	"github.com/campaignwatch/campaignwatch/reports/internal/dbsqlc"
)

// FollowUpCatchUpDays is how long after an election's follow-up day the
// daily job still drafts its letters, should the service have been down
// on the day itself.
const FollowUpCatchUpDays = 7

// FollowUps drafts follow-up letters to parties, each with the party's
// report attached, as a held batch in the outreach pipeline.
type FollowUps struct {
	store    *Store
	outreach *outreach.Service
}

// NewFollowUps returns a drafter reading reports from store and writing
// letters through svc.
func NewFollowUps(store *Store, svc *outreach.Service) *FollowUps {
	return &FollowUps{store: store, outreach: svc}
}

// PartiesWithComplaints lists the registered parties with at least one
// complaint linked to the election that is not out of scope.
func (s *Store) PartiesWithComplaints(ctx context.Context, electionID int64) ([]int64, error) {
	return dbsqlc.New(s.pool).PartiesWithComplaints(ctx, electionID)
}

// ReplyByDays is how long after drafting a party is asked to reply by
// default: the scheduled job always uses it, and the staff form starts
// with it.
const ReplyByDays = 28

// DefaultReplyBy is the default reply deadline for letters drafted on
// day today.
func DefaultReplyBy(today time.Time) time.Time {
	t := today.In(vocab.London)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC).AddDate(0, 0, ReplyByDays)
}

// Draft writes the election's follow-up batch (held) for every party with
// a complaint, asking for a reply by replyBy (a day after today, which
// the caller checks). Each letter has the party's fields in English and,
// for a party any of whose contacts reads Welsh, in Welsh too, and the
// party's report attached (bilingual, Welsh first, for those parties). It
// fails with a Conflict error when the election already has a live
// follow-up batch.
func (f *FollowUps) Draft(ctx context.Context, electionID int64, replyBy time.Time) (*outreach.CallResult, error) {
	ids, err := f.store.PartiesWithComplaints(ctx, electionID)
	if err != nil {
		return nil, err
	}
	in := map[int64]outreach.FollowUp{}
	for _, id := range ids {
		rep, err := f.store.PartyReport(ctx, electionID, id)
		if err != nil {
			return nil, err
		}
		rep.ReplyBy = replyBy
		pdf, err := rep.PDF()
		if err != nil {
			return nil, fmt.Errorf("report PDF for party %d: %w", id, err)
		}
		fu := outreach.FollowUp{Fields: rep.LetterFields("en"), Attachment: outreach.Attachment{Filename: rep.PDFFilename(), Data: pdf}}
		if rep.Bilingual() {
			fu.FieldsCY = rep.LetterFields("cy")
		}
		in[id] = fu
	}
	return f.outreach.DraftFollowUps(ctx, electionID, replyBy, in)
}

// DueElections lists elections whose follow-up day has come (within the
// catch-up window) and that have never had a follow-up batch.
func (s *Store) DueElections(ctx context.Context, today time.Time) ([]int64, error) {
	return dbsqlc.New(s.pool).DueElections(ctx, dbsqlc.DueElectionsParams{Today: today, CatchUpDays: FollowUpCatchUpDays})
}

// FollowUpArgs is the daily job that drafts due follow-up letters.
type FollowUpArgs struct{}

// Kind implements river.JobArgs.
func (FollowUpArgs) Kind() string { return "report_follow_up" }

// InsertOpts puts the job on the reports queue, at most once an hour.
func (FollowUpArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: jobs.QueueReports, MaxAttempts: 5, UniqueOpts: river.UniqueOpts{ByPeriod: time.Hour}}
}

// FollowUpWorker drafts the follow-up batches that are due.
type FollowUpWorker struct {
	river.WorkerDefaults[FollowUpArgs]
	f   *FollowUps
	log *slog.Logger
	// Today returns the day (Europe/London) the job counts from; tests
	// move it.
	Today func() time.Time
}

// RegisterFollowUps adds the follow-up worker and its daily schedule (run
// by the leader, and at start-up so a restart on the due day is enough).
func RegisterFollowUps(reg *jobs.Registry, f *FollowUps, log *slog.Logger) *FollowUpWorker {
	w := &FollowUpWorker{f: f, log: log, Today: func() time.Time { return time.Now().In(vocab.London) }}
	if w.log == nil {
		w.log = slog.Default()
	}
	river.AddWorker(reg.Workers(), w)
	reg.AddPeriodic(river.PeriodicInterval(24*time.Hour), func() (river.JobArgs, *river.InsertOpts) { return FollowUpArgs{}, nil }, true)
	return w
}

// Work drafts each due election's batch. It is idempotent: an election
// with any follow-up batch (even a cancelled one, which a person chose to
// cancel) is never drafted again by the job.
func (w *FollowUpWorker) Work(ctx context.Context, job *river.Job[FollowUpArgs]) error {
	t := w.Today()
	due, err := w.f.store.DueElections(ctx, time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC))
	if err != nil {
		return err
	}
	ctx = audit.WithActor(ctx, audit.Actor{Label: "job:report_follow_up"})
	replyBy := DefaultReplyBy(t)
	var failed []error
	for _, id := range due {
		res, err := w.f.Draft(ctx, id, replyBy)
		switch {
		case err == nil:
			w.log.Info("follow-up letters drafted", "election_id", id, "batch_id", res.BatchID, "letters", res.Letters)
		case errors.Is(err, outreach.ErrFollowUpExists):
		case apperr.CodeOf(err) == apperr.Invalid:
			// No party with complaints or contacts: nothing to send, and
			// nothing a retry would change.
			w.log.Warn("no follow-up letters drafted", "election_id", id, "reason", apperr.MessageOf(err))
		default:
			failed = append(failed, fmt.Errorf("election %d: %w", id, err))
		}
	}
	return errors.Join(failed...)
}
