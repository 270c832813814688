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
	"github.com/campaignwatch/campaignwatch/internal/staff/internal/dbsqlc"
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
		r, err := dbsqlc.New(tx).InsertToken(ctx, dbsqlc.InsertTokenParams{UserID: u.ID, TokenHash: digest, Prefix: t.Prefix, Lifetime: interval(lifetime)})
		if err != nil {
			return err
		}
		t.ID, t.CreatedAt, t.ExpiresAt = r.ID, r.CreatedAt, r.ExpiresAt
		return audit.Record(ctx, tx, "token.create", "api_token", fmt.Sprint(t.ID),
			audit.Change{After: map[string]any{"user_id": u.ID, "prefix": t.Prefix, "expires_at": t.ExpiresAt}})
	})
	if err != nil {
		return nil, "", err
	}
	return t, token, nil
}

// ListTokens returns the tokens of the user with email (every user when
// email is empty), live ones only unless all is set. Secrets are never
// stored, so none can be listed.
func (s *Service) ListTokens(ctx context.Context, email string, all bool) ([]Token, error) {
	rows, err := s.q.ListTokens(ctx, dbsqlc.ListTokensParams{Email: strings.ToLower(strings.TrimSpace(email)), IncludeAll: all})
	if err != nil {
		return nil, err
	}
	out := make([]Token, len(rows))
	for i, r := range rows {
		out[i] = Token{ID: r.ID, UserID: r.UserID, Owner: r.Email, Prefix: r.Prefix, CreatedAt: r.CreatedAt, ExpiresAt: r.ExpiresAt,
			LastUsedAt: r.LastUsedAt, RevokedAt: r.RevokedAt}
	}
	return out, nil
}

// RevokeTokens revokes one token by id (id > 0) or every live token of the
// user with email, and returns how many were revoked.
func (s *Service) RevokeTokens(ctx context.Context, id int64, email string) (int, error) {
	var n int
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var ids []int64
		var err error
		switch {
		case id > 0:
			ids, err = dbsqlc.New(tx).RevokeToken(ctx, id)
		case email != "":
			ids, err = dbsqlc.New(tx).RevokeTokensOf(ctx, strings.ToLower(strings.TrimSpace(email)))
		default:
			return apperr.New(apperr.Invalid, "say which token to revoke: --id or --email")
		}
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

// TokenUser returns the user of a live API token, or nil when the token is
// unknown, revoked or its user disabled. An expired token gets an
// Unauthorized error that says so, since its holder can do something about
// it (ask for a new one).
func (s *Service) TokenUser(ctx context.Context, token string) (*User, error) {
	if !strings.HasPrefix(token, TokenPrefix) {
		return nil, nil
	}
	r, err := s.q.TokenUser(ctx, digestOf(token))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if r.Expired {
		return nil, apperr.New(apperr.Unauthorized, "The API token expired on %s. Ask an administrator for a new one.",
			r.ExpiresAt.UTC().Format("2 January 2006 at 15:04 UTC"))
	}
	_ = s.q.TouchToken(ctx, r.TokenID)
	return &User{ID: r.ID, Email: r.Email, Role: Role(r.Role), CreatedAt: r.CreatedAt, DisabledAt: r.DisabledAt}, nil
}
