package staff

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/internal/audit"
)

// TokenPrefix starts every API token, which helps secret scanners.
const TokenPrefix = "cwt_"

// Token describes an API token without its secret.
type Token struct {
	ID         int64
	UserID     int64
	Owner      string
	Prefix     string
	CreatedAt  time.Time
	ExpiresAt  time.Time
	LastUsedAt *time.Time
	RevokedAt  *time.Time
}

// State is "live", "expired" or "revoked" at now.
func (t Token) State(now time.Time) string {
	switch {
	case t.RevokedAt != nil:
		return "revoked"
	case !now.Before(t.ExpiresAt):
		return "expired"
	}
	return "live"
}

// MaxTokenLifetime is the longest lifetime a token may be given: a token
// that outlives the staff member's role is a risk nobody remembers.
const MaxTokenLifetime = 366 * 24 * time.Hour

// CreateToken issues an API token for the user with email, valid for
// lifetime (zero: Settings.TokenLifetime), and returns it; the token itself
// is shown this once and only its digest is stored.
func (s *Service) CreateToken(ctx context.Context, email string, lifetime time.Duration) (*Token, string, error) {
	if lifetime == 0 {
		lifetime = s.settings.TokenLifetime
	}
	if lifetime < time.Hour || lifetime > MaxTokenLifetime {
		return nil, "", apperr.New(apperr.Invalid, "a token must last between 1 hour and 366 days, not %s", lifetime)
	}
	u, err := s.UserByEmail(ctx, email)
	if err != nil {
		return nil, "", err
	}
	if u.DisabledAt != nil {
		return nil, "", apperr.New(apperr.Conflict, "the account %s is disabled", u.Email)
	}
	token, digest := newToken(TokenPrefix)
	t := &Token{UserID: u.ID, Owner: u.Email, Prefix: token[:len(TokenPrefix)+6]}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, insertToken, u.ID, digest, t.Prefix, lifetime.String()).
			Scan(&t.ID, &t.CreatedAt, &t.ExpiresAt); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "token.create", "api_token", fmt.Sprint(t.ID),
			audit.Change{After: map[string]any{"user_id": u.ID, "prefix": t.Prefix, "expires_at": t.ExpiresAt}})
	})
	if err != nil {
		return nil, "", err
	}
	return t, token, nil
}

const insertToken = `
INSERT INTO api_tokens (user_id, token_hash, prefix, expires_at) VALUES ($1, $2, $3, now() + $4::interval)
RETURNING id, created_at, expires_at`

const selectTokens = `
SELECT t.id, t.user_id, u.email, t.prefix, t.created_at, t.expires_at, t.last_used_at, t.revoked_at
FROM api_tokens t JOIN staff_users u ON u.id = t.user_id
WHERE ($1 = '' OR u.email = $1) AND ($2 OR (t.revoked_at IS NULL AND t.expires_at > now()))
ORDER BY u.email, t.id`

// ListTokens returns the tokens of the user with email (every user when
// email is empty), live ones only unless all is set. Secrets are never
// stored, so none can be listed.
func (s *Service) ListTokens(ctx context.Context, email string, all bool) ([]Token, error) {
	rows, err := s.pool.Query(ctx, selectTokens, strings.ToLower(strings.TrimSpace(email)), all)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Token, error) {
		var t Token
		err := r.Scan(&t.ID, &t.UserID, &t.Owner, &t.Prefix, &t.CreatedAt, &t.ExpiresAt, &t.LastUsedAt, &t.RevokedAt)
		return t, err
	})
}

// RevokeTokens revokes one token by id (id > 0) or every live token of the
// user with email, and returns how many were revoked.
func (s *Service) RevokeTokens(ctx context.Context, id int64, email string) (int, error) {
	var n int
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var rows pgx.Rows
		var err error
		switch {
		case id > 0:
			rows, err = tx.Query(ctx,
				`UPDATE api_tokens SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING id`, id)
		case email != "":
			rows, err = tx.Query(ctx, `
				UPDATE api_tokens SET revoked_at = now()
				WHERE revoked_at IS NULL AND user_id = (SELECT id FROM staff_users WHERE email = $1)
				RETURNING id`, strings.ToLower(strings.TrimSpace(email)))
		default:
			return apperr.New(apperr.Invalid, "say which token to revoke: --id or --email")
		}
		if err != nil {
			return err
		}
		ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			return err
		}
		if len(ids) == 0 {
			return apperr.New(apperr.NotFound, "no live token matches")
		}
		n = len(ids)
		for _, tid := range ids {
			if err := audit.Record(ctx, tx, "token.revoke", "api_token", fmt.Sprint(tid), audit.Change{}); err != nil {
				return err
			}
		}
		return nil
	})
	return n, err
}

const selectTokenUser = `
SELECT u.id, u.email, u.role, u.created_at, u.disabled_at, t.id, t.expires_at, t.expires_at <= now()
FROM api_tokens t JOIN staff_users u ON u.id = t.user_id
WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.disabled_at IS NULL`

// TokenUser returns the user of a live API token, or nil when the token is
// unknown, revoked or its user disabled. An expired token gets an
// Unauthorized error that says so, since its holder can do something about
// it (ask for a new one).
func (s *Service) TokenUser(ctx context.Context, token string) (*User, error) {
	if !strings.HasPrefix(token, TokenPrefix) {
		return nil, nil
	}
	var u User
	var id int64
	var expiresAt time.Time
	var expired bool
	err := s.pool.QueryRow(ctx, selectTokenUser, digestOf(token)).
		Scan(&u.ID, &u.Email, &u.Role, &u.CreatedAt, &u.DisabledAt, &id, &expiresAt, &expired)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if expired {
		return nil, apperr.New(apperr.Unauthorized, "The API token expired on %s. Ask an administrator for a new one.",
			expiresAt.UTC().Format("2 January 2006 at 15:04 UTC"))
	}
	_, _ = s.pool.Exec(ctx, `UPDATE api_tokens SET last_used_at = now() WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`, id)
	return &u, nil
}
