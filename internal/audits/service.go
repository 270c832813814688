package audits

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/internal/audit"
	"github.com/campaignwatch/campaignwatch/internal/plaintext"
)

// Limits on free text, as the database's constraints set them.
const (
	maxName     = 200
	maxTitle    = 300
	maxURL      = 500
	maxText     = 4000
	maxNote     = 8000
	maxAuditors = 10
	maxAuditor  = 100
	maxOwner    = 200
)

// fieldErrs gathers every problem with a form, so people see them all at
// once rather than one per attempt.
type fieldErrs []apperr.FieldError

func (f *fieldErrs) add(field, code, format string, args ...any) {
	*f = append(*f, apperr.FieldError{Field: field, Code: code, Message: fmt.Sprintf(format, args...)})
}

// has reports whether field already has a problem, so a later check on
// the same field does not pile a second message on the first.
func (f fieldErrs) has(field string) bool {
	for _, e := range f {
		if e.Field == field {
			return true
		}
	}
	return false
}

func (f fieldErrs) err() error {
	if len(f) == 0 {
		return nil
	}
	return apperr.Fields(f...)
}

// text checks a free-text answer: required when what is given (the
// "Enter ..." message), at most limit characters, and with nothing the
// database cannot store.
func (f *fieldErrs) text(field, value, what, required string, limit int, multiline bool) {
	switch {
	case strings.TrimSpace(value) == "":
		if required != "" {
			f.add(field, "required", "%s", required)
		}
	case plaintext.Invalid(value, multiline):
		f.add(field, "invalid", "Remove the control characters or unreadable text from %s", what)
	case utf8.RuneCountInString(value) > limit:
		f.add(field, "too_long", "%s must be %d characters or fewer", upperFirst(what), limit)
	}
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// day is t's calendar date as midnight UTC, as dates are stored and read
// back, so dates compare whatever zone a form parsed them in.
func day(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

func dayPtr(t *time.Time) *time.Time {
	if t == nil || t.IsZero() {
		return nil
	}
	d := day(*t)
	return &d
}

// formatDate is a date as messages and emails write it: "4 July 2024".
func formatDate(t time.Time) string { return vocab.FormatDate(t, "en") }

// today is the London calendar day now.
func today() time.Time { return vocab.Today() }

// dateOf reads a nullable date column the query left untyped.
func dateOf(v any) *time.Time {
	switch t := v.(type) {
	case time.Time:
		d := day(t)
		return &d
	case *time.Time:
		return dayPtr(t)
	}
	return nil
}

// actorID is the signed-in staff user making the change, if any.
func actorID(ctx context.Context) *int64 { return audit.ActorFrom(ctx).UserID }

// checkOnlyKey marks a context whose changes are checked, not stored.
type checkOnlyKey struct{}

// CheckOnly returns ctx marked so that the service's changes made with it
// check everything they would check and then store nothing (their
// transaction is rolled back, audit log entry and all). A form that
// found problems of its own, such as a date that is not a date, asks
// the service this way so people see every problem at once, with no risk
// of saving answers they must still correct. A change that passes
// returns what it would have stored.
func CheckOnly(ctx context.Context) context.Context {
	return context.WithValue(ctx, checkOnlyKey{}, true)
}

// errCheckOnly rolls back a change made under CheckOnly.
var errCheckOnly = errors.New("audits: checked only, rolled back")

// inTx runs fn in one transaction: one user action, one commit (none
// under CheckOnly).
func (s *Service) inTx(ctx context.Context, fn func(pgx.Tx) error) error {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		if ctx.Value(checkOnlyKey{}) != nil {
			return errCheckOnly
		}
		return nil
	})
	if errors.Is(err, errCheckOnly) {
		return nil
	}
	return err
}

// notFound turns a missing row into a NotFound error naming what.
func notFound(err error, format string, args ...any) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return apperr.New(apperr.NotFound, format, args...)
	}
	return err
}

// stale is the Conflict a change based on an old version gets.
func stale(what string) error {
	return apperr.New(apperr.Conflict, "%s changed since you opened it; reload the page to see the changes, then make yours again.", what)
}

// uniqueViolation is the name of the unique index err violates, if any.
func uniqueViolation(err error) string {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" {
		return pgErr.ConstraintName
	}
	return ""
}

// orEmpty keeps lists non-nil, so JSON and templates see [] not null.
func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// tidyList trims each item and drops the empty ones and repeats.
func tidyList(in []string) []string {
	out := []string{}
	seen := map[string]bool{}
	for _, s := range in {
		s = strings.TrimSpace(s)
		if s == "" || seen[s] {
			continue
		}
		seen[s] = true
		out = append(out, s)
	}
	return out
}

func dateString(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.Format(time.DateOnly)
}

// sameID reports whether two optional ids are the same.
func sameID(a, b *int64) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}

// textChanges adds to an audit log entry's before and after the free
// texts that changed (texts maps a key to its before and after), so the
// log shows what was rewritten without repeating what was not.
func textChanges(before, after map[string]any, texts map[string][2]string) {
	for k, v := range texts {
		if v[0] != v[1] {
			before[k], after[k] = v[0], v[1]
		}
	}
}

// reportIssued refuses a change that needs the audit's report: the
// party responds to, and reports progress on, recommendations it has
// been sent. The problem goes on the field "state".
func reportIssued(a *Audit, f *fieldErrs, what string) {
	if States.Rank(a.State) < States.Rank("report_issued") {
		f.add("state", "too_early", "%s once the audit's report is issued; the audit is at the stage %q", what, States.Label(a.State, "en"))
	}
}
