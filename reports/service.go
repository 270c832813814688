package reports

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/internal/audit"
	"github.com/campaignwatch/campaignwatch/internal/organisation"
	"github.com/campaignwatch/campaignwatch/jobs"
	"github.com/campaignwatch/campaignwatch/reports/internal/dbsqlc"
)

// Settings configure exports.
type Settings struct {
	// AsyncRows (EXPORT_ASYNC_ROWS) is the number of complaint rows above
	// which an export runs as a job instead of streaming back at once.
	// Default 5000.
	AsyncRows int
	// Keep (EXPORT_KEEP) is how long a finished export file is kept.
	// Default 7 days (168h).
	Keep time.Duration
	// Org gives the regulator's particulars in force for the follow-up
	// reports; nil means organisation.Defaults.
	Org organisation.Source
}

// SettingsFromEnv reads EXPORT_ASYNC_ROWS and EXPORT_KEEP.
func SettingsFromEnv(getenv func(string) string) (Settings, error) {
	s := Settings{AsyncRows: 5000, Keep: 7 * 24 * time.Hour}
	if v := getenv("EXPORT_ASYNC_ROWS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return s, fmt.Errorf("EXPORT_ASYNC_ROWS must be a whole number of rows, 0 or more, not %q", v)
		}
		s.AsyncRows = n
	}
	if v := getenv("EXPORT_KEEP"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < time.Minute {
			return s, fmt.Errorf("EXPORT_KEEP must be a duration of at least 1m, such as 168h, not %q", v)
		}
		s.Keep = d
	}
	return s, nil
}

// Service runs exports: it streams small ones, queues large ones and
// serves their files.
type Service struct {
	*Store
	jobs *jobs.Client
	set  Settings
}

// NewService returns a service on pool, queueing jobs with client. client
// may be nil for a service that queues only from inside jobs (it then
// uses the River client working the job) or not at all.
func NewService(pool *pgxpool.Pool, client *jobs.Client, set Settings) *Service {
	if set.AsyncRows == 0 && set.Keep == 0 {
		org := set.Org
		set, _ = SettingsFromEnv(func(string) string { return "" })
		set.Org = org
	}
	st := NewStore(pool)
	st.org = set.Org
	return &Service{Store: st, jobs: client, set: set}
}

// client is the job client to queue with: the service's own, or, for a
// service built without one, the client working the job ctx belongs to,
// so work done inside a job can queue its follow-up jobs.
func (s *Service) client(ctx context.Context) *jobs.Client {
	if s.jobs != nil {
		return s.jobs
	}
	if c, err := river.ClientFromContextSafely[pgx.Tx](ctx); err == nil {
		return c
	}
	return nil
}

// Settings returns the export settings in force.
func (s *Service) Settings() Settings { return s.set }

// Export is a queued or finished export.
type Export struct {
	ID          int64
	RequestedBy *int64
	Format      string
	Filter      Filter
	State       string
	RowsTotal   int
	RowsDone    int
	SizeBytes   int64
	SHA256      string
	Error       string
	CreatedAt   time.Time
	FinishedAt  *time.Time
	ExpiresAt   time.Time
}

// Percent is how far the export has got.
func (e *Export) Percent() int {
	if e.State == "done" {
		return 100
	}
	if e.RowsTotal == 0 {
		return 0
	}
	return min(99, e.RowsDone*100/e.RowsTotal)
}

// ExportArgs asks the reports queue to write export ExportID.
type ExportArgs struct {
	ExportID int64 `json:"export_id"`
}

// Kind implements river.JobArgs.
func (ExportArgs) Kind() string { return "report_export" }

// InsertOpts puts exports on the reports queue, once per export.
func (ExportArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: jobs.QueueReports, MaxAttempts: 3, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// CleanupArgs asks for expired export files to be deleted.
type CleanupArgs struct{}

// Kind implements river.JobArgs.
func (CleanupArgs) Kind() string { return "report_export_cleanup" }

// InsertOpts puts the cleanup on the reports queue.
func (CleanupArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: jobs.QueueReports, UniqueOpts: river.UniqueOpts{ByPeriod: 10 * time.Minute}}
}

// Register adds the export worker and the hourly cleanup to reg.
func Register(reg *jobs.Registry, svc *Service) {
	river.AddWorker(reg.Workers(), &exportWorker{svc: svc})
	river.AddWorker(reg.Workers(), &cleanupWorker{svc: svc})
	reg.AddPeriodic(river.PeriodicInterval(time.Hour), func() (river.JobArgs, *river.InsertOpts) { return CleanupArgs{}, nil }, true)
}

// RequestExport records an export of f in format for userID and queues
// the job that writes it, in one transaction.
func (s *Service) RequestExport(ctx context.Context, userID *int64, f Filter, format string) (int64, error) {
	if err := CheckFormat(format); err != nil {
		return 0, err
	}
	if err := f.Validate(); err != nil {
		return 0, err
	}
	filter, err := json.Marshal(f)
	if err != nil {
		return 0, err
	}
	var id int64
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var err error
		id, err = dbsqlc.New(tx).InsertExport(ctx, dbsqlc.InsertExportParams{RequestedBy: userID, Format: format, Filter: filter, Keep: s.set.Keep.String()})
		if err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, "report.export.request", "report_export", fmt.Sprint(id),
			audit.Change{After: map[string]any{"format": format, "filter": f}}); err != nil {
			return err
		}
		client := s.client(ctx)
		if client == nil {
			return errors.New("exports need a job client")
		}
		_, err = client.InsertTx(ctx, tx, ExportArgs{ExportID: id}, nil)
		return err
	})
	return id, err
}

// exportFrom makes an Export of its row, or the error reading it.
func exportFrom(r dbsqlc.GetExportRow, err error) (*Export, error) {
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, apperr.New(apperr.NotFound, "There is no such export, or it has expired and been deleted.")
	}
	if err != nil {
		return nil, err
	}
	e := Export{ID: r.ID, RequestedBy: r.RequestedBy, Format: r.Format, State: r.State, RowsTotal: int(r.RowsTotal), RowsDone: int(r.RowsDone),
		SizeBytes: r.SizeBytes, SHA256: r.Sha256, Error: r.Error, CreatedAt: r.CreatedAt, FinishedAt: r.FinishedAt, ExpiresAt: r.ExpiresAt}
	if err := json.Unmarshal(r.Filter, &e.Filter); err != nil {
		return nil, err
	}
	return &e, nil
}

// Get reads export id, refusing anyone but the person who asked for it
// and administrators.
func (s *Service) Get(ctx context.Context, id int64, userID int64, admin bool) (*Export, error) {
	r, err := dbsqlc.New(s.pool).GetLiveExport(ctx, id)
	e, err := exportFrom(dbsqlc.GetExportRow(r), err)
	if err != nil {
		return nil, err
	}
	if !admin && (e.RequestedBy == nil || *e.RequestedBy != userID) {
		// Not found rather than forbidden: the export's existence is no
		// one else's business.
		return nil, apperr.New(apperr.NotFound, "There is no such export, or it has expired and been deleted.")
	}
	return e, nil
}

// Download writes the finished export's file to w, recording the
// download in the audit log first.
func (s *Service) Download(ctx context.Context, e *Export, w io.Writer) error {
	if e.State != "done" {
		return apperr.New(apperr.Conflict, "The export is not ready yet.")
	}
	if err := s.RecordDownload(ctx, e.ID, e.Format, e.RowsTotal); err != nil {
		return err
	}
	for seq := 0; ; seq++ {
		data, err := dbsqlc.New(s.pool).GetChunk(ctx, dbsqlc.GetChunkParams{ExportID: e.ID, Seq: int32(seq)})
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		if _, err := w.Write(data); err != nil {
			return err
		}
	}
}

// RecordDownload writes the audit entry for a download of an export (id
// 0 for one streamed straight back).
func (s *Service) RecordDownload(ctx context.Context, id int64, format string, rows int) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		objID := ""
		if id != 0 {
			objID = fmt.Sprint(id)
		}
		return audit.Record(ctx, tx, "report.export.download", "report_export", objID, audit.Change{After: map[string]any{"format": format, "rows": rows}})
	})
}

// chunkWriter stores what is written to it as numbered chunks.
type chunkWriter struct {
	ctx  context.Context
	pool *pgxpool.Pool
	id   int64
	seq  int
	buf  []byte
	size int64
	sum  hash.Hash
}

const chunkSize = 1 << 20

func (c *chunkWriter) Write(p []byte) (int, error) {
	n := len(p)
	c.sum.Write(p)
	c.size += int64(n)
	for len(p) > 0 {
		k := min(chunkSize-len(c.buf), len(p))
		c.buf = append(c.buf, p[:k]...)
		p = p[k:]
		if len(c.buf) == chunkSize {
			if err := c.flush(); err != nil {
				return 0, err
			}
		}
	}
	return n, nil
}

func (c *chunkWriter) flush() error {
	if len(c.buf) == 0 {
		return nil
	}
	if err := dbsqlc.New(c.pool).InsertChunk(c.ctx, dbsqlc.InsertChunkParams{ExportID: c.id, Seq: int32(c.seq), Data: c.buf}); err != nil {
		return err
	}
	c.seq++
	c.buf = c.buf[:0]
	return nil
}

type exportWorker struct {
	river.WorkerDefaults[ExportArgs]
	svc *Service
}

// Timeout allows a million-row workbook to be written.
func (w *exportWorker) Timeout(*river.Job[ExportArgs]) time.Duration { return 30 * time.Minute }

// Work writes the export. It is idempotent: a finished export is left
// alone, and a retried one starts again from an empty file.
func (w *exportWorker) Work(ctx context.Context, job *river.Job[ExportArgs]) error {
	s := w.svc
	q := dbsqlc.New(s.pool)
	e, err := exportFrom(q.GetExport(ctx, job.Args.ExportID))
	if apperr.CodeOf(err) == apperr.NotFound {
		return nil // expired and deleted before it ran
	}
	if err != nil {
		return err
	}
	if e.State == "done" {
		return nil
	}
	if err := q.DeleteChunks(ctx, e.ID); err != nil {
		return err
	}
	if err := q.StartExport(ctx, e.ID); err != nil {
		return err
	}
	cw := &chunkWriter{ctx: ctx, pool: s.pool, id: e.ID, sum: sha256.New()}
	progress := func(done, total int) {
		// Progress is best effort: a failed update must not fail the export.
		_ = q.ExportProgress(ctx, dbsqlc.ExportProgressParams{ID: e.ID, RowsDone: int32(done), RowsTotal: int32(total)})
	}
	err = s.Write(ctx, e.Filter, e.Format, cw, progress)
	if err == nil {
		err = cw.flush()
	}
	if err != nil {
		if job.Attempt >= job.MaxAttempts || apperr.CodeOf(err) != apperr.Internal {
			_ = q.FailExport(context.WithoutCancel(ctx), dbsqlc.FailExportParams{ID: e.ID, Error: apperr.MessageOf(err)})
			if apperr.CodeOf(err) != apperr.Internal {
				return river.JobCancel(err)
			}
		}
		return err
	}
	return q.FinishExport(ctx, dbsqlc.FinishExportParams{ID: e.ID, SizeBytes: cw.size, Sha256: hex.EncodeToString(cw.sum.Sum(nil)), Keep: s.set.Keep.String()})
}

type cleanupWorker struct {
	river.WorkerDefaults[CleanupArgs]
	svc *Service
}

// Work deletes expired exports and their files.
func (w *cleanupWorker) Work(ctx context.Context, job *river.Job[CleanupArgs]) error {
	_, err := w.svc.DeleteExpired(ctx)
	return err
}

// DeleteExpired deletes exports past their expiry time and returns how
// many went.
func (s *Service) DeleteExpired(ctx context.Context) (int, error) {
	var n int
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		deleted, err := dbsqlc.New(tx).DeleteExpiredExports(ctx)
		if err != nil {
			return err
		}
		n = int(deleted)
		if n == 0 {
			return nil
		}
		return audit.Record(ctx, tx, "report.export.expire", "report_export", "", audit.Change{After: map[string]int{"deleted": n}})
	})
	return n, err
}
