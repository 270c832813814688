package staff

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/internal/audit"
)

// TokenPrefix starts every API token, which helps secret scanners.
const TokenPrefix = "cwt_"

// Token describes an API token without its secret.
type Token struct {
	ID     int64
	UserID int64
	Prefix string
}

// CreateToken issues an API token for the user with email and returns it;
// the token itself is shown this once and only its digest is stored.
func (s *Service) CreateToken(ctx context.Context, email string) (*Token, string, error) {
	u, err := s.UserByEmail(ctx, email)
	if err != nil {
		return nil, "", err
	}
	if u.DisabledAt != nil {
		return nil, "", apperr.New(apperr.Conflict, "the account %s is disabled", u.Email)
	}
	token, digest := newToken(TokenPrefix)
	t := &Token{UserID: u.ID, Prefix: token[:len(TokenPrefix)+6]}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx,
			`INSERT INTO api_tokens (user_id, token_hash, prefix) VALUES ($1, $2, $3) RETURNING id`,
			u.ID, digest, t.Prefix).Scan(&t.ID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "token.create", "api_token", fmt.Sprint(t.ID),
			audit.Change{After: map[string]any{"user_id": u.ID, "prefix": t.Prefix}})
	})
	if err != nil {
		return nil, "", err
	}
	return t, token, nil
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
SELECT u.id, u.email, u.role, u.created_at, u.disabled_at, t.id
FROM api_tokens t JOIN staff_users u ON u.id = t.user_id
WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.disabled_at IS NULL`

// TokenUser returns the user of a live API token, or nil.
func (s *Service) TokenUser(ctx context.Context, token string) (*User, error) {
	if !strings.HasPrefix(token, TokenPrefix) {
		return nil, nil
	}
	var u User
	var id int64
	err := s.pool.QueryRow(ctx, selectTokenUser, digestOf(token)).Scan(&u.ID, &u.Email, &u.Role, &u.CreatedAt, &u.DisabledAt, &id)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	_, _ = s.pool.Exec(ctx, `UPDATE api_tokens SET last_used_at = now() WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`, id)
	return &u, nil
}
