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
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/internal/audit"
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
	// AccountFailures failed sign-ins for one account within
	// ThrottleWindow block further attempts on it. Default 5.
	AccountFailures int
	// IPFailures failed sign-ins from one client address within
	// ThrottleWindow block further attempts from it. Default 30.
	IPFailures int
	// ThrottleWindow is the sliding window of both limits. Default 15m.
	ThrottleWindow time.Duration
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
	if s.ThrottleWindow == 0 {
		s.ThrottleWindow = 15 * time.Minute
	}
}

// Service is the staff accounts store.
type Service struct {
	pool     *pgxpool.Pool
	settings Settings
	// dummyHash is checked against when an email is unknown, so a failed
	// sign-in takes as long whether or not the account exists.
	dummyHash string
}

// NewService returns a Service; zero settings take their defaults.
func NewService(pool *pgxpool.Pool, settings Settings) *Service {
	settings.defaults()
	h, _ := HashPassword("not-a-real-password")
	return &Service{pool: pool, settings: settings, dummyHash: h}
}

// Settings returns the limits in force.
func (s *Service) Settings() Settings { return s.settings }

// NormaliseEmail trims and lower-cases an address and checks its form.
func NormaliseEmail(email string) (string, error) {
	e := strings.ToLower(strings.TrimSpace(email))
	a, err := mail.ParseAddress(e)
	if err != nil || a.Address != e {
		return "", apperr.New(apperr.Invalid, "%q is not an email address", email)
	}
	return e, nil
}

const insertUser = `
INSERT INTO staff_users (email, role, password_hash) VALUES ($1, $2, $3)
RETURNING id, email, role, created_at, disabled_at`

// CreateUser adds a staff account, audited as the actor in ctx.
func (s *Service) CreateUser(ctx context.Context, email string, role Role, password string) (*User, error) {
	email, err := NormaliseEmail(email)
	if err != nil {
		return nil, err
	}
	if _, err := ParseRole(string(role)); err != nil {
		return nil, err
	}
	if len([]rune(password)) < MinPasswordLength {
		return nil, apperr.New(apperr.Invalid, "the password must be at least %d characters", MinPasswordLength)
	}
	hash, err := HashPassword(password)
	if err != nil {
		return nil, err
	}
	var u User
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, insertUser, email, role, hash).Scan(&u.ID, &u.Email, &u.Role, &u.CreatedAt, &u.DisabledAt); err != nil {
			var pgErr *pgconn.PgError
			if errors.As(err, &pgErr) && pgErr.Code == "23505" {
				return apperr.New(apperr.Conflict, "a staff account for %s already exists", email)
			}
			return err
		}
		return audit.Record(ctx, tx, "user.create", "staff_user", fmt.Sprint(u.ID),
			audit.Change{After: map[string]any{"email": u.Email, "role": u.Role}})
	})
	if err != nil {
		return nil, err
	}
	return &u, nil
}

const selectUserByEmail = `SELECT id, email, role, created_at, disabled_at, password_hash FROM staff_users WHERE email = $1`

// UserByEmail returns the account for email, or a NotFound error.
func (s *Service) UserByEmail(ctx context.Context, email string) (*User, error) {
	email, err := NormaliseEmail(email)
	if err != nil {
		return nil, err
	}
	var u User
	var hash string
	err = s.pool.QueryRow(ctx, selectUserByEmail, email).Scan(&u.ID, &u.Email, &u.Role, &u.CreatedAt, &u.DisabledAt, &hash)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, apperr.New(apperr.NotFound, "no staff account for %s", email)
	}
	return &u, err
}

// ListUsers returns every staff account, by email.
func (s *Service) ListUsers(ctx context.Context) ([]User, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, email, role, created_at, disabled_at FROM staff_users ORDER BY email`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (User, error) {
		var u User
		err := r.Scan(&u.ID, &u.Email, &u.Role, &u.CreatedAt, &u.DisabledAt)
		return u, err
	})
}

// ErrThrottled is returned by Authenticate while an account or address is
// blocked after too many failures.
var ErrThrottled = apperr.New(apperr.RateLimited, "Too many sign-in attempts. Wait 15 minutes, then try again.")

// ErrBadCredentials is the one message for every other sign-in failure, so
// a failure never reveals whether an account exists.
var ErrBadCredentials = apperr.New(apperr.Unauthorized, "The email address or password is not right.")

const countFailures = `
SELECT
    count(*) FILTER (WHERE account = $1),
    count(*) FILTER (WHERE client_ip = $2)
FROM login_failures
WHERE failed_at > now() - $3::interval AND (account = $1 OR client_ip = $2)`

const insertFailure = `INSERT INTO login_failures (account, client_ip) VALUES ($1, $2)`

// Authenticate checks an email and password from clientIP. Failures are
// counted per account and per address; past either limit every attempt is
// refused with ErrThrottled, even with the right password, so guessing
// cannot continue.
func (s *Service) Authenticate(ctx context.Context, email, password, clientIP string) (*User, error) {
	account := strings.ToLower(strings.TrimSpace(email))
	var perAccount, perIP int
	if err := s.pool.QueryRow(ctx, countFailures, account, clientIP, s.settings.ThrottleWindow.String()).Scan(&perAccount, &perIP); err != nil {
		return nil, err
	}
	if perAccount >= s.settings.AccountFailures || perIP >= s.settings.IPFailures {
		return nil, ErrThrottled
	}

	var u User
	var hash string
	err := s.pool.QueryRow(ctx, selectUserByEmail, account).Scan(&u.ID, &u.Email, &u.Role, &u.CreatedAt, &u.DisabledAt, &hash)
	if errors.Is(err, pgx.ErrNoRows) {
		hash = s.dummyHash
	} else if err != nil {
		return nil, err
	}
	ok, _ := CheckPassword(hash, password)
	if !ok || u.ID == 0 || u.DisabledAt != nil {
		if _, err := s.pool.Exec(ctx, insertFailure, account, clientIP); err != nil {
			return nil, err
		}
		return nil, ErrBadCredentials
	}
	return &u, nil
}

// PurgeLoginFailures deletes failure records older than a day; they exist
// only to throttle, and a client address is personal data.
func (s *Service) PurgeLoginFailures(ctx context.Context) (int64, error) {
	tag, err := s.pool.Exec(ctx, `DELETE FROM login_failures WHERE failed_at < now() - interval '1 day'`)
	return tag.RowsAffected(), err
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
