package staff

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/internal/audit"
	"github.com/campaignwatch/campaignwatch/internal/staff/internal/dbsqlc"
	"github.com/campaignwatch/campaignwatch/jobs"
)

// Role is what a staff user may do. Routes state the roles they allow.
type Role string

// The roles.
const (
	RoleAdmin         Role = "admin"
	RolePoliticalTeam Role = "political_team"
	RoleTriageOfficer Role = "triage_officer"
	RoleAnalyst       Role = "analyst"
)

// Roles lists every role, in the order shown to people.
var Roles = []Role{RoleAdmin, RolePoliticalTeam, RoleTriageOfficer, RoleAnalyst}

// ParseRole returns the role named s, or an Invalid error listing the roles.
func ParseRole(s string) (Role, error) {
	r := Role(strings.TrimSpace(strings.ToLower(s)))
	if slices.Contains(Roles, r) {
		return r, nil
	}
	return "", apperr.New(apperr.Invalid, "unknown role %q: use one of admin, political_team, triage_officer, analyst", s)
}

// User is a staff account.
type User struct {
	ID         int64      `json:"id"`
	Email      string     `json:"email"`
	Role       Role       `json:"role"`
	CreatedAt  time.Time  `json:"created_at"`
	DisabledAt *time.Time `json:"disabled_at,omitempty"`
}

// Can reports whether the user holds one of roles.
func (u *User) Can(roles ...Role) bool { return u != nil && slices.Contains(roles, u.Role) }

// Settings are the security limits of sign-in and sessions.
type Settings struct {
	// SessionIdle ends a session unused for this long. Default 30 minutes.
	SessionIdle time.Duration
	// SessionAbsolute ends every session this long after sign-in, however
	// active. Default 12 hours.
	SessionAbsolute time.Duration
	// AccountFailures is the free budget of failed sign-ins on one account
	// from one client address, or from one known device of the account
	// (which spends from nothing else); past it that client's or device's
	// attempts on that account are slowed down (see ThrottleDelay), and
	// others are not affected. Default 5.
	AccountFailures int
	// IPFailures is the free budget of failed sign-ins from one client
	// address across all accounts. Default 30.
	IPFailures int
	// AccountCeiling is the free budget of failed sign-ins on one account
	// from all addresses together, against guessing spread over many
	// addresses. Default 100, the most NIST SP 800-63B allows.
	AccountCeiling int
	// ThrottleDelay is the wait after a budget's last free failure; it
	// doubles with each further failure, up to ThrottleWindow. Default 30s.
	ThrottleDelay time.Duration
	// ThrottleWindow is how long a budget must stay quiet to start again
	// from zero, and the longest delay. Default 15m.
	ThrottleWindow time.Duration
	// TokenLifetime is how long a new API token lasts unless its creator
	// says otherwise. Default 90 days.
	TokenLifetime time.Duration
}

func (s *Settings) defaults() {
	if s.SessionIdle == 0 {
		s.SessionIdle = 30 * time.Minute
	}
	if s.SessionAbsolute == 0 {
		s.SessionAbsolute = 12 * time.Hour
	}
	if s.AccountFailures == 0 {
		s.AccountFailures = 5
	}
	if s.IPFailures == 0 {
		s.IPFailures = 30
	}
	if s.AccountCeiling == 0 {
		s.AccountCeiling = 100
	}
	if s.ThrottleDelay == 0 {
		s.ThrottleDelay = 30 * time.Second
	}
	if s.TokenLifetime == 0 {
		s.TokenLifetime = 90 * 24 * time.Hour
	}
	if s.ThrottleWindow == 0 {
		s.ThrottleWindow = 15 * time.Minute
	}
}

// Service is the staff accounts store.
type Service struct {
	pool     *pgxpool.Pool
	q        *dbsqlc.Queries // on pool
	settings Settings
	// jobs inserts sign-in alerts in the transaction that records them.
	jobs jobs.Inserter
	// dummyHash is checked against when an email is unknown, so a failed
	// sign-in takes as long whether or not the account exists.
	dummyHash string
}

// NewService returns a Service; zero settings take their defaults.
// inserter enqueues the sign-in alerts to administrators (the River
// client, passed in by the composition root); the alert jobs' worker is
// added by RegisterJobs.
func NewService(pool *pgxpool.Pool, settings Settings, inserter jobs.Inserter) *Service {
	settings.defaults()
	h, _ := HashPassword("not-a-real-password")
	return &Service{pool: pool, q: dbsqlc.New(pool), settings: settings, dummyHash: h, jobs: inserter}
}

// interval is d as a PostgreSQL interval argument.
func interval(d time.Duration) pgtype.Interval {
	return pgtype.Interval{Microseconds: d.Microseconds(), Valid: true}
}

// Settings returns the limits in force.
func (s *Service) Settings() Settings { return s.settings }

// MaxEmailLength is the longest address SMTP can carry (RFC 5321's path
// limit less its brackets). Anything longer is refused before it reaches
// a query: as a sign-in throttle key it would pass PostgreSQL's btree
// entry limit, and a stored address must be one mail can go to.
const MaxEmailLength = 254

// NormaliseEmail trims and lower-cases an address and checks its form.
func NormaliseEmail(email string) (string, error) {
	e := strings.ToLower(strings.TrimSpace(email))
	if len(e) > MaxEmailLength {
		return "", apperr.New(apperr.Invalid, "an email address has at most %d characters", MaxEmailLength)
	}
	a, err := mail.ParseAddress(e)
	if err != nil || a.Address != e {
		return "", apperr.New(apperr.Invalid, "%q is not an email address", email)
	}
	return e, nil
}

// CreateUser adds a staff account, audited as the actor in ctx.
func (s *Service) CreateUser(ctx context.Context, email string, role Role, password string) (*User, error) {
	email, err := NormaliseEmail(email)
	if err != nil {
		return nil, err
	}
	if _, err := ParseRole(string(role)); err != nil {
		return nil, err
	}
	if err := CheckNewPassword(password, email); err != nil {
		return nil, err
	}
	hash, err := HashPassword(password)
	if err != nil {
		return nil, err
	}
	var u User
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		r, err := dbsqlc.New(tx).InsertUser(ctx, dbsqlc.InsertUserParams{Email: email, Role: string(role), PasswordHash: hash})
		if err != nil {
			var pgErr *pgconn.PgError
			if errors.As(err, &pgErr) && pgErr.Code == "23505" {
				return apperr.New(apperr.Conflict, "a staff account for %s already exists", email)
			}
			return err
		}
		u = User{ID: r.ID, Email: r.Email, Role: Role(r.Role), CreatedAt: r.CreatedAt, DisabledAt: r.DisabledAt}
		return audit.Record(ctx, tx, "user.create", "staff_user", fmt.Sprint(u.ID),
			audit.Change{After: map[string]any{"email": u.Email, "role": u.Role}})
	})
	if err != nil {
		return nil, err
	}
	return &u, nil
}

// UserByEmail returns the account for email, or a NotFound error.
func (s *Service) UserByEmail(ctx context.Context, email string) (*User, error) {
	email, err := NormaliseEmail(email)
	if err != nil {
		return nil, err
	}
	r, err := s.q.UserByEmail(ctx, email)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, apperr.New(apperr.NotFound, "no staff account for %s", email)
	}
	return &User{ID: r.ID, Email: r.Email, Role: Role(r.Role), CreatedAt: r.CreatedAt, DisabledAt: r.DisabledAt}, err
}

// ListUsers returns every staff account, by email.
func (s *Service) ListUsers(ctx context.Context) ([]User, error) {
	rows, err := s.q.ListUsers(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]User, len(rows))
	for i, r := range rows {
		out[i] = User{ID: r.ID, Email: r.Email, Role: Role(r.Role), CreatedAt: r.CreatedAt, DisabledAt: r.DisabledAt}
	}
	return out, nil
}

// ErrBadCredentials is the one message for every other sign-in failure, so
// a failure never reveals whether an account exists.
var ErrBadCredentials = apperr.New(apperr.Unauthorized, "The email address or password is not right.")

// Authenticate checks an email and password from clientIP; device is the
// id of a device cookie the caller has verified was issued to this account
// at an earlier sign-in, or "" when the browser holds none.
//
// An address that is too long or not shaped like one fails at once with
// ErrBadCredentials, the same answer as a wrong password, so the check
// reveals nothing about accounts; it never reaches the throttle, whose
// keys it would overflow.
//
// Every other attempt first spends one unit of its budgets, atomically,
// before the password is checked; a success gives it back. From a new
// device these are the account from this client, the account from
// anywhere, and this client on any account. From a known device it is
// only that device's own budget on the account: guessing from the same
// office or /64 as the owner, or spread over many addresses, cannot slow
// down the owner's own browser, and its cookie cannot be forged. Past a
// budget's free attempts each further one waits a doubling delay, and an
// attempt made during the delay is refused with a *ThrottledError without
// being checked, so parallel guesses get no more checks than the budget.
// Spending a budget's last free attempt is audited and, when the account
// exists or the budget is the client's, alerts the administrators.
func (s *Service) Authenticate(ctx context.Context, email, password, clientIP, device string) (*User, error) {
	account, err := NormaliseEmail(email)
	if err != nil {
		return nil, ErrBadCredentials
	}
	res, err := s.reserve(ctx, account, clientIP, device)
	if err != nil {
		return nil, err
	}

	r, err := s.q.UserByEmail(ctx, account)
	if errors.Is(err, pgx.ErrNoRows) {
		r.PasswordHash = s.dummyHash
	} else if err != nil {
		return nil, err
	}
	u := User{ID: r.ID, Email: r.Email, Role: Role(r.Role), CreatedAt: r.CreatedAt, DisabledAt: r.DisabledAt}
	hash := r.PasswordHash
	ok, _ := CheckPassword(hash, password)
	if !ok || u.ID == 0 || u.DisabledAt != nil {
		if err := s.settleFailure(ctx, account, u.ID != 0, res); err != nil {
			return nil, err
		}
		return nil, ErrBadCredentials
	}
	if err := s.settleSuccess(ctx, res); err != nil {
		return nil, err
	}
	return &u, nil
}

// newToken returns a random token with a readable prefix and its digest.
func newToken(prefix string) (token string, digest []byte) {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		panic(err)
	}
	token = prefix + base64.RawURLEncoding.EncodeToString(raw)
	return token, digestOf(token)
}

func digestOf(token string) []byte {
	d := sha256.Sum256([]byte(token))
	return d[:]
}

// ErrDisableSelf refuses an administrator's attempt to disable their own
// account, which would also be the way to leave no administrator at all.
var ErrDisableSelf = apperr.New(apperr.Invalid, "You cannot disable your own account. Ask another administrator to do it.")

// SetDisabled disables (or enables again) the account id, as actorID, in
// one audited transaction. Disabling deletes the user's sessions and
// revokes their API tokens, so both stop working at once (every check
// also requires an enabled user). Doing what is already done is a
// Conflict, so a double click says so rather than writing a second audit
// entry.
func (s *Service) SetDisabled(ctx context.Context, actorID, id int64, disabled bool) error {
	if disabled && actorID == id {
		return ErrDisableSelf
	}
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		q := dbsqlc.New(tx)
		change, action := q.EnableUser, "user.enable"
		if disabled {
			change, action = q.DisableUser, "user.disable"
		}
		email, err := change(ctx, id)
		if errors.Is(err, pgx.ErrNoRows) {
			if _, err := q.UserExists(ctx, id); errors.Is(err, pgx.ErrNoRows) {
				return apperr.New(apperr.NotFound, "There is no staff account %d.", id)
			} else if err != nil {
				return err
			}
			if disabled {
				return apperr.New(apperr.Conflict, "That account is already disabled.")
			}
			return apperr.New(apperr.Conflict, "That account is already active.")
		}
		if err != nil {
			return err
		}
		after := map[string]any{"email": email, "disabled": disabled}
		if disabled {
			// A disabled user's sessions are deleted and tokens revoked,
			// not just refused: nothing of them should come back if the
			// account is enabled again.
			if err := q.DeleteUserSessions(ctx, id); err != nil {
				return err
			}
			revoked, err := q.RevokeUserTokens(ctx, id)
			if err != nil {
				return err
			}
			after["tokens_revoked"] = revoked
		}
		return audit.Record(ctx, tx, action, "staff_user", fmt.Sprint(id), audit.Change{After: after})
	})
}
