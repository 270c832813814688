package organisation

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/internal/audit"
	"github.com/campaignwatch/campaignwatch/internal/organisation/internal/dbsqlc"
)

// Store keeps the settings in PostgreSQL (organisation_settings), one row
// per saved version, and is the Source the application reads them from.
// It caches nothing: every Current reads the latest version, so a save
// shows on the next page or letter.
type Store struct {
	pool     *pgxpool.Pool
	q        *dbsqlc.Queries
	defaults *Settings
	// check, when set, vets settings before they are saved against what
	// depends on them (see CheckWith).
	check func(context.Context, *Settings) error
}

// CheckWith makes Save refuse settings that check refuses: the
// composition root passes the letter templates' check, so a guidance
// document a template cites cannot be removed from the library (every
// letter of that template would then fail) until the template stops
// citing it. check's error is shown as it is (apperr.Fields).
func (s *Store) CheckWith(check func(context.Context, *Settings) error) { s.check = check }

// NewStore returns a Store on pool. defaults (Defaults(getenv)) become
// version 1 when no version is stored yet, and only then: once saved, the
// settings are edited on the settings page, and the environment variables
// Defaults reads no longer matter.
func NewStore(pool *pgxpool.Pool, defaults *Settings) *Store {
	if defaults == nil {
		defaults = Defaults(nil)
	}
	return &Store{pool: pool, q: dbsqlc.New(pool), defaults: defaults}
}

// VersionInfo describes one saved version for the history list.
type VersionInfo struct {
	Number int
	Note   string
	// SavedBy is the staff user's email, or "system" for the seeded first
	// version.
	SavedBy string
	SavedAt time.Time
}

// Version is one saved version with its settings.
type Version struct {
	VersionInfo
	Settings *Settings
}

// seedNote is the first version's note.
const seedNote = "First version, from the defaults (LETTER_SIGNATORY_NAME, LETTER_SIGNATORY_TITLE and LETTER_CONTACT_MAILBOX where set)."

// Current returns the latest version, seeding version 1 from the defaults
// when none is stored.
func (s *Store) Current(ctx context.Context) (*Settings, error) {
	row, err := s.q.LatestSettings(ctx)
	if errors.Is(err, pgx.ErrNoRows) {
		if err := s.Seed(ctx); err != nil {
			return nil, err
		}
		row, err = s.q.LatestSettings(ctx)
	}
	if err != nil {
		return nil, fmt.Errorf("read organisation settings: %w", err)
	}
	return decode(row.Version, row.Settings)
}

// Seed stores the defaults as version 1 when no version is stored; it is
// idempotent, and safe to run from several processes at once (migrate
// runs it, and so does the first Current).
func (s *Store) Seed(ctx context.Context) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		q := dbsqlc.New(tx)
		if err := q.LockSettings(ctx); err != nil {
			return err
		}
		if _, err := q.LatestSettings(ctx); err == nil {
			return nil
		} else if !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		first := clone(s.defaults)
		first.Version = 1
		b, err := json.Marshal(first)
		if err != nil {
			return err
		}
		n, err := q.InsertVersion(ctx, dbsqlc.InsertVersionParams{Version: 1, Settings: b, Note: seedNote, SavedByLabel: "system"})
		if err != nil || n == 0 {
			return err
		}
		return audit.Record(audit.WithActor(ctx, audit.Actor{Label: "system", RequestID: audit.ActorFrom(ctx).RequestID}), tx,
			"organisation.seed", "organisation_settings", "1",
			audit.Change{After: map[string]any{"version": 1, "summary": "First version of the organisation settings, from the defaults"}})
	})
}

// Save validates settings whole and stores them as a new version, with an
// audit entry naming what changed, in one transaction. settings.Version is
// the version the editor started from: when another save came in since,
// Save refuses (Conflict) rather than undo that save unseen; 0 skips the
// check. Every problem is reported at once (apperr.Fields, with the
// settings form's field names). Saving settings equal to the current ones
// stores nothing and returns the current version.
func (s *Store) Save(ctx context.Context, settings *Settings, note string) (*Settings, error) {
	next := clone(settings)
	err := Validate(next)
	note = strings.TrimSpace(note)
	if len(note) > 2000 {
		fe := apperr.FieldError{Field: FieldNote, Code: "too_long", Message: "The note must be 2,000 characters or fewer"}
		err = apperr.Fields(append(apperr.FieldsOf(err), fe)...)
	}
	if err == nil && s.check != nil {
		err = s.check(ctx, next)
	}
	if err != nil {
		return nil, err
	}
	if err := s.Seed(ctx); err != nil {
		return nil, err
	}
	var out *Settings
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		q := dbsqlc.New(tx)
		if err := q.LockSettings(ctx); err != nil {
			return err
		}
		row, err := q.LatestSettings(ctx)
		if err != nil {
			return err
		}
		prev, err := decode(row.Version, row.Settings)
		if err != nil {
			return err
		}
		if settings.Version != 0 && settings.Version != prev.Version {
			return apperr.New(apperr.Conflict, "Someone saved version %d of the settings after you opened them (you started from version %d). Open the settings again to see their change, then make yours.", prev.Version, settings.Version)
		}
		changes := Changes(prev, next)
		if len(changes) == 0 {
			out = prev
			return nil
		}
		next.Version = prev.Version + 1
		b, err := json.Marshal(next)
		if err != nil {
			return err
		}
		actor := audit.ActorFrom(ctx)
		if _, err := q.InsertVersion(ctx, dbsqlc.InsertVersionParams{Version: int32(next.Version), Settings: b, Note: note,
			SavedBy: actor.UserID, SavedByLabel: actor.Label}); err != nil {
			return err
		}
		out = next
		summary := Summary(changes)
		return audit.Record(ctx, tx, "organisation.save", "organisation_settings", strconv.Itoa(next.Version), audit.Change{
			Before: map[string]any{"version": prev.Version},
			After:  map[string]any{"version": next.Version, "summary": summary, "note": note},
		})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Versions lists the saved versions, newest first.
func (s *Store) Versions(ctx context.Context) ([]VersionInfo, error) {
	rows, err := s.q.ListVersions(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]VersionInfo, len(rows))
	for i, r := range rows {
		out[i] = VersionInfo{Number: int(r.Version), Note: r.Note, SavedBy: r.SavedBy, SavedAt: r.SavedAt}
	}
	return out, nil
}

// Version returns saved version n, or a NotFound error.
func (s *Store) Version(ctx context.Context, n int) (*Version, error) {
	if n < 1 || n > 1<<30 {
		return nil, apperr.New(apperr.NotFound, "There is no version %d of the settings.", n)
	}
	r, err := s.q.SettingsVersion(ctx, int32(n))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, apperr.New(apperr.NotFound, "There is no version %d of the settings.", n)
	}
	if err != nil {
		return nil, err
	}
	st, err := decode(r.Version, r.Settings)
	if err != nil {
		return nil, err
	}
	return &Version{VersionInfo: VersionInfo{Number: int(r.Version), Note: r.Note, SavedBy: r.SavedBy, SavedAt: r.SavedAt}, Settings: st}, nil
}

func decode(version int32, b []byte) (*Settings, error) {
	var st Settings
	if err := json.Unmarshal(b, &st); err != nil {
		return nil, fmt.Errorf("organisation settings version %d: %w", version, err)
	}
	st.Version = int(version)
	if st.Signatories == nil {
		st.Signatories = map[string]Signatory{}
	}
	return &st, nil
}

// clone returns a deep copy of s, so validating and saving never change
// the caller's value.
func clone(s *Settings) *Settings {
	if s == nil {
		return &Settings{}
	}
	c := *s
	c.Address = append([]string(nil), s.Address...)
	c.Controller.Address = append([]string(nil), s.Controller.Address...)
	c.DPO.Address = append([]string(nil), s.DPO.Address...)
	c.Signatories = make(map[string]Signatory, len(s.Signatories))
	for k, v := range s.Signatories {
		v.Image = append([]byte(nil), v.Image...)
		c.Signatories[k] = v
	}
	c.References = append([]Reference(nil), s.References...)
	return &c
}
