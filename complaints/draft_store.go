package complaints

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/binary"
	"fmt"
	"io"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"github.com/campaignwatch/campaignwatch/complaints/internal/dbsqlc"
	"github.com/campaignwatch/campaignwatch/internal/sqlfilter"
	"github.com/campaignwatch/campaignwatch/jobs"
)

// DraftStore keeps the evidence of unsent complaint drafts
// (complaint_drafts) and the counts that limit it (complaint_draft_usage).
// It is the only writer of those tables besides Submit, which moves a
// draft's files into the complaint inside its own transaction, and the
// inline-evidence charge of the API (EvidenceCharge). The public form
// keeps the answers themselves in the person's cookie; only the files,
// too large for a cookie, wait here under the hash of the draft's id.
type DraftStore struct {
	pool *pgxpool.Pool
}

// NewDraftStore returns a DraftStore on pool.
func NewDraftStore(pool *pgxpool.Pool) *DraftStore { return &DraftStore{pool: pool} }

// copySQL holds the COPY statement that streams one file into
// complaint_drafts (Add). COPY is outside what sqlc generates, so it is
// read as a named query with internal/sqlfilter.
//
//go:embed copy.sql
var copySQL string

var copyStatements = sqlfilter.MustParse("copy.sql", copySQL)

// Files lists the files waiting with the draft key.
func (s *DraftStore) Files(ctx context.Context, key []byte) ([]DraftFile, error) {
	rows, err := dbsqlc.New(s.pool).DraftFiles(ctx, key)
	if err != nil {
		return nil, err
	}
	files := make([]DraftFile, len(rows))
	for i, r := range rows {
		files[i] = DraftFile{ID: r.ID, Filename: r.Filename, Size: int(r.SizeBytes)}
	}
	return files, nil
}

// Add streams up into complaint_drafts if it fits the draft's
// MaxEvidenceFiles and q. A refusal is an Invalid field error on
// "evidence" (code too_many, draft_quota or client_quota, the last for
// the client's address or its IPv6 /48) or, when all drafts together are
// full, an Unavailable error wrapping ErrDraftStoreFull, or, when today's
// sent evidence has reached q.DayBytes, one wrapping ErrEvidenceDayFull.
//
// The file goes in first and is counted after, in the same transaction:
// the counts' rows stay locked only from the count to the commit, not
// while the file travels, so uploads from different drafts and clients
// do not queue behind each other's bytes. A check without locks before
// the copy spares the database a file that would be refused anyway.
func (s *DraftStore) Add(ctx context.Context, up DraftUpload, q DraftQuota) error {
	if err := s.checkUsage(ctx, up, q); err != nil {
		return err
	}
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Conn().PgConn().CopyFrom(ctx, draftCopyStream(up), copyStatements.Query("draft_file")); err != nil {
		return fmt.Errorf("store draft evidence: %w", err)
	}
	scopes, err := dbsqlc.New(tx).ReserveDraftUsage(ctx, dbsqlc.ReserveDraftUsageParams{
		Size: up.Size, DraftKey: up.DraftKey, DraftMax: q.DraftBytes, ClientKey: up.ClientKey, ClientMax: q.ClientBytes,
		NetKey: up.NetKey, NetMax: q.NetBytes, TotalMax: q.TotalBytes, MaxFiles: MaxEvidenceFiles,
	})
	if err != nil {
		return err
	}
	if want := draftScopes(up); len(scopes) < len(want) {
		_ = tx.Rollback(ctx)
		// Another upload got there first; say which limit it was.
		if err := s.checkUsage(ctx, up, q); err != nil {
			return err
		}
		return draftRefusal(missingScope(want, scopes))
	}
	return tx.Commit(ctx)
}

// checkUsage refuses up when a count is already too high for it.
func (s *DraftStore) checkUsage(ctx context.Context, up DraftUpload, q DraftQuota) error {
	rows, err := dbsqlc.New(s.pool).DraftUsage(ctx, dbsqlc.DraftUsageParams{DraftKey: up.DraftKey, ClientKey: up.ClientKey, NetKey: up.NetKey})
	if err != nil {
		return err
	}
	used := map[string][2]int64{}
	for _, r := range rows {
		used[r.Scope] = [2]int64{r.Bytes, int64(r.Files)}
	}
	switch {
	case used["draft"][1] >= MaxEvidenceFiles:
		return draftRefusal("files")
	case used["draft"][0]+up.Size > q.DraftBytes:
		return draftRefusal("draft")
	case used["client"][0]+up.Size > q.ClientBytes:
		return draftRefusal("client")
	case up.NetKey != nil && used["net"][0]+up.Size > q.NetBytes:
		return draftRefusal("net")
	case used["all"][0]+up.Size > q.TotalBytes:
		return draftRefusal("all")
	case q.DayBytes > 0 && used["day"][0]+up.Size > q.DayBytes:
		// Checked here only, without a lock: the day's count grows when
		// complaints are sent, not when files are added, so at most the
		// unsent drafts' store (TotalBytes) can pass it.
		return draftRefusal("day")
	}
	return nil
}

// draftScopes are the counts an upload adds to, in the order their rows
// are locked.
func draftScopes(up DraftUpload) []string {
	if up.NetKey != nil {
		return []string{"draft", "client", "net", "all"}
	}
	return []string{"draft", "client", "all"}
}

// Remove deletes one file of the draft key (a file of another draft is
// left alone).
func (s *DraftStore) Remove(ctx context.Context, key []byte, id int64) error {
	return dbsqlc.New(s.pool).RemoveDraftFile(ctx, dbsqlc.RemoveDraftFileParams{DraftKey: key, ID: id})
}

// RemoveAll deletes every unsent file of the draft key.
func (s *DraftStore) RemoveAll(ctx context.Context, key []byte) error {
	return dbsqlc.New(s.pool).RemoveDraft(ctx, key)
}

// Expire deletes the files of drafts past their 24 hours and reports how
// many went (sent drafts' files go 24 hours after sending). Their bytes
// leave the quota counts with them. Daily counts of sent evidence older
// than yesterday go too. The periodic cleanup job runs it; tests and the
// CLI may call it directly.
func (s *DraftStore) Expire(ctx context.Context) (int64, error) {
	q := dbsqlc.New(s.pool)
	n, err := q.ExpireDraftFiles(ctx)
	if err != nil {
		return 0, err
	}
	if err := q.ExpireDayCounts(ctx); err != nil {
		return 0, err
	}
	return n, nil
}

// UntilEvidenceDayResets is how long until the daily cap on sent evidence
// (DraftQuota.DayBytes) starts again: the next midnight UTC, at least a
// minute. It is what a refusal's Retry-After says.
func UntilEvidenceDayResets(now time.Time) time.Duration {
	now = now.UTC()
	next := time.Date(now.Year(), now.Month(), now.Day()+1, 0, 0, 0, 0, time.UTC)
	return max(next.Sub(now).Round(time.Second), time.Minute)
}

// draftCopyStream is up as one row of COPY's binary format, with the
// file's bytes read from up.Content as COPY sends them: no more than a
// buffer of the file is ever in memory.
func draftCopyStream(up DraftUpload) io.Reader {
	var pre bytes.Buffer
	pre.WriteString("PGCOPY\n\xff\r\n\x00")
	_ = binary.Write(&pre, binary.BigEndian, int32(0)) // flags
	_ = binary.Write(&pre, binary.BigEndian, int32(0)) // header extension
	_ = binary.Write(&pre, binary.BigEndian, int16(8)) // fields in the row
	field := func(b []byte) {
		_ = binary.Write(&pre, binary.BigEndian, int32(len(b)))
		pre.Write(b)
	}
	field(up.DraftKey)
	field(up.ClientKey)
	if up.NetKey == nil {
		_ = binary.Write(&pre, binary.BigEndian, int32(-1)) // NULL
	} else {
		field(up.NetKey)
	}
	field([]byte(up.Filename))
	field([]byte(up.ContentType))
	field(binary.BigEndian.AppendUint32(nil, uint32(up.Size)))
	_ = binary.Write(&pre, binary.BigEndian, int32(up.Size)) // data follows
	var post bytes.Buffer
	// timestamptz: microseconds since 2000-01-01 00:00 UTC.
	micros := up.Expires.Sub(time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)).Microseconds()
	_ = binary.Write(&post, binary.BigEndian, int32(8))
	_ = binary.Write(&post, binary.BigEndian, micros)
	_ = binary.Write(&post, binary.BigEndian, int16(-1)) // end of data
	return io.MultiReader(&pre, io.LimitReader(up.Content, up.Size), &post)
}

// DraftCleanupArgs is the periodic job that deletes evidence of complaint
// drafts abandoned for more than 24 hours. Deleting what has expired is
// idempotent: a second run finds nothing left to delete.
type DraftCleanupArgs struct{}

// Kind names the job in River.
func (DraftCleanupArgs) Kind() string { return "complaint_draft_cleanup" }

// InsertOpts keeps a single pending cleanup at a time.
func (DraftCleanupArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: jobs.QueueDefault, UniqueOpts: river.UniqueOpts{ByPeriod: 15 * time.Minute}}
}

type draftCleanupWorker struct {
	river.WorkerDefaults[DraftCleanupArgs]
	drafts *DraftStore
}

func (w *draftCleanupWorker) Work(ctx context.Context, _ *river.Job[DraftCleanupArgs]) error {
	_, err := w.drafts.Expire(ctx)
	return err
}

// RegisterDraftJobs adds the draft cleanup worker and runs it every 15
// minutes.
func RegisterDraftJobs(reg *jobs.Registry, drafts *DraftStore) {
	river.AddWorker(reg.Workers(), &draftCleanupWorker{drafts: drafts})
	reg.AddPeriodic(river.PeriodicInterval(15*time.Minute), func() (river.JobArgs, *river.InsertOpts) {
		return DraftCleanupArgs{}, nil
	}, true)
}
