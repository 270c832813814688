package complaints

import (
	"context"
	"crypto/sha256"
	"errors"
	"io"
	"math"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/campaignwatch/campaignwatch/complaints/internal/dbsqlc"
	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/internal/database"
)

// Evidence uploaded to the public form waits in complaint_drafts, under
// the key of the draft it belongs to, until the complaint is sent (then
// Submit copies it into complaint_evidence inside the database), removed,
// or 24 hours have passed. Anyone can start drafts, so what they hold is
// limited per draft, per client, per IPv6 /48 and in all (DraftQuota;
// the counts are kept by migrations 052 and 064), and a file is streamed
// into PostgreSQL with COPY rather than held whole in memory.
//
// Sending a complaint does not give a client's bytes back: the sent
// draft's rows stay, emptied and marked sent, for 24 hours after sending
// and count against their client and /48 until the cleanup deletes them.
// Otherwise permanent storage would be limited only by the complaint
// rate. The bytes sent each day (UTC) are counted too, and uploads stop
// for everyone once they reach DraftQuota.DayBytes.
//
// Evidence sent inline with an anonymous API complaint never waits in a
// draft, but it is charged to the same client, /48 and daily counts
// (EvidenceCharge) and kept as sent rows in the same way, so the API is
// no way around the form's limits.

// ErrDraftStoreFull means the evidence held for all unsent drafts has
// reached DraftQuota.TotalBytes: nobody can add a file until drafts are
// sent or expire. It is an Unavailable error (503).
var ErrDraftStoreFull = errors.New("the store for evidence of unsent complaints is full")

// ErrEvidenceDayFull means the evidence sent with public complaints
// today (UTC) has reached DraftQuota.DayBytes: nobody can add a file
// until the next day. It is an Unavailable error (503).
var ErrEvidenceDayFull = errors.New("today's limit on public evidence is reached")

// DraftQuota limits the evidence held for unsent drafts, in bytes.
type DraftQuota struct {
	DraftBytes  int64 // one draft
	ClientBytes int64 // all drafts uploaded from one client (network address), and sent (or sent by the API) in the last 24 hours
	NetBytes    int64 // the same for one IPv6 /48, which holds many clients' /64s
	TotalBytes  int64 // all unsent drafts
	DayBytes    int64 // evidence sent with public complaints, by the form or the API, in one day (UTC)
}

// DraftUpload is one evidence file to keep with a draft.
type DraftUpload struct {
	DraftKey  []byte // 32 bytes: the hash of the draft's random id
	ClientKey []byte // a keyed hash of the uploader's network address
	// NetKey is a keyed hash of the uploader's IPv6 /48; nil for IPv4.
	NetKey []byte
	// Filename and ContentType are what CheckEvidence returned.
	Filename    string
	ContentType string
	// Content holds exactly Size bytes.
	Content io.Reader
	Size    int64
	Expires time.Time
}

// DraftFile describes one file waiting with a draft.
type DraftFile struct {
	ID       int64
	Filename string
	Size     int
}

// EvidenceCharge is whom evidence sent inline with a public complaint
// (the JSON API's base64 files) is counted against: the same client, /48
// and daily counts as the form's uploads, so the API is no way around
// them. The files are recorded as sent draft rows without data, which
// count for 24 hours and are then released by the drafts' cleanup, as
// the form's sent files are.
type EvidenceCharge struct {
	ClientKey []byte // as DraftUpload.ClientKey
	NetKey    []byte // as DraftUpload.NetKey; nil for IPv4
	// Quota's ClientBytes, NetBytes and DayBytes apply; the per-draft
	// and unsent-store limits do not, as nothing waits in a draft.
	Quota DraftQuota
}

// queueCharge queues the charge of sub's inline evidence when c says whom
// to charge and there is evidence; otherwise it queues nothing, so a
// submission without evidence costs no more than before. id is the
// complaint's, from which the rows' key is made.
func (l *lookups) queueCharge(ctx context.Context, b *pgx.Batch, id int64, sub *Submission, c *EvidenceCharge) {
	if c == nil || len(sub.Evidence) == 0 {
		return
	}
	var total int64
	names := make([]string, len(sub.Evidence))
	types := make([]string, len(sub.Evidence))
	sizes := make([]int32, len(sub.Evidence))
	for i, e := range sub.Evidence {
		total += int64(len(e.Data))
		names[i], types[i], sizes[i] = e.Filename, e.ContentType, int32(len(e.Data))
	}
	day := c.Quota.DayBytes
	if day <= 0 {
		day = math.MaxInt64 // no daily cap, as in DraftStore.checkUsage
	}
	key := sha256.Sum256([]byte("complaint-api-evidence:" + itoa(id)))
	l.charge = chargeWant(c)
	// ChargeEvidence checks and adds in one statement, under the counts'
	// row locks, so concurrent submissions cannot both pass a limit; a
	// refused count is missing from l.charged.
	database.QueueScan(b, newQueries, func(q *dbsqlc.Queries) {
		_, _ = q.ChargeEvidence(ctx, dbsqlc.ChargeEvidenceParams{
			ClientKey: c.ClientKey, NetKey: c.NetKey, Size: total, Files: int32(len(sub.Evidence)),
			ClientBytes: c.Quota.ClientBytes, NetBytes: c.Quota.NetBytes, DayBytes: day,
			DraftKey: key[:], Filenames: names, ContentTypes: types, Sizes: sizes,
		})
	}, func(row pgx.Row) error { return row.Scan(&l.charged) })
}

// chargeWant are the counts a charge adds to, in the order reported when
// more than one refuses: the client's own before everyone's day.
func chargeWant(c *EvidenceCharge) []string {
	if c.NetKey != nil {
		return []string{"client", "net", "day"}
	}
	return []string{"client", "day"}
}

// checkCharge refuses the submission when its evidence did not fit a
// count: an Invalid error on "evidence" (client_quota) for the client or
// its /48, an Unavailable one wrapping ErrEvidenceDayFull for the day.
func (l *lookups) checkCharge() error {
	if len(l.charged) < len(l.charge) {
		return draftRefusal(missingScope(l.charge, l.charged))
	}
	return nil
}

func missingScope(want, got []string) string {
	for _, s := range want {
		found := false
		for _, g := range got {
			found = found || g == s
		}
		if !found {
			return s
		}
	}
	return "all"
}

func draftRefusal(scope string) error {
	switch scope {
	case "files":
		return apperr.Fields(fieldErr("evidence", "too_many", "You can add %d files at most; remove one to add another", MaxEvidenceFiles))
	case "draft":
		return apperr.Fields(fieldErr("evidence", "draft_quota", "The files you have added are as large as one report can take; remove one to add another"))
	case "client", "net":
		// One message for the address and its /48: to the person both are
		// "your connection".
		return apperr.Fields(fieldErr("evidence", "client_quota", "Too many large files have been sent or are waiting to be sent from your connection; try again tomorrow, or send your report without them"))
	case "day":
		return apperr.Wrap(apperr.Unavailable, ErrEvidenceDayFull, "We cannot take more files today. Try again tomorrow, or send your report without them.")
	}
	return apperr.Wrap(apperr.Unavailable, ErrDraftStoreFull, "We cannot take more files just now. Try again later, or send your report without them.")
}
