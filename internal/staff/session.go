package staff

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
)

// SessionPrefix starts every session token, which helps secret scanners.
const SessionPrefix = "cws_"

const insertSession = `INSERT INTO staff_sessions (token_hash, user_id, expires_at) VALUES ($1, $2, $3)`

// CreateSession starts a session for userID and returns its token, the
// cookie value. A new token at every sign-in is what prevents session
// fixation.
func (s *Service) CreateSession(ctx context.Context, userID int64) (string, error) {
	token, digest := newToken(SessionPrefix)
	_, err := s.pool.Exec(ctx, insertSession, digest, userID, time.Now().Add(s.settings.SessionAbsolute))
	return token, err
}

const selectSessionUser = `
SELECT u.id, u.email, u.role, u.created_at, u.disabled_at, s.last_seen_at
FROM staff_sessions s JOIN staff_users u ON u.id = s.user_id
WHERE s.token_hash = $1 AND s.expires_at > now() AND s.last_seen_at > now() - $2::interval
  AND u.disabled_at IS NULL`

// SessionUser returns the user of a live session, or nil when the token is
// unknown, expired (idle or absolute) or its user disabled.
func (s *Service) SessionUser(ctx context.Context, token string) (*User, error) {
	if token == "" {
		return nil, nil
	}
	digest := digestOf(token)
	var u User
	var lastSeen time.Time
	err := s.pool.QueryRow(ctx, selectSessionUser, digest, s.settings.SessionIdle.String()).
		Scan(&u.ID, &u.Email, &u.Role, &u.CreatedAt, &u.DisabledAt, &lastSeen)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	// Touch at most once a minute: a write on every request would make
	// sessions the busiest table in the database.
	if time.Since(lastSeen) > time.Minute {
		if _, err := s.pool.Exec(ctx, `UPDATE staff_sessions SET last_seen_at = now() WHERE token_hash = $1`, digest); err != nil {
			return nil, err
		}
	}
	return &u, nil
}

// DeleteSession ends a session (sign-out).
func (s *Service) DeleteSession(ctx context.Context, token string) error {
	_, err := s.pool.Exec(ctx, `DELETE FROM staff_sessions WHERE token_hash = $1`, digestOf(token))
	return err
}

// PurgeSessions deletes expired sessions.
func (s *Service) PurgeSessions(ctx context.Context) (int64, error) {
	tag, err := s.pool.Exec(ctx,
		`DELETE FROM staff_sessions WHERE expires_at < now() OR last_seen_at < now() - $1::interval`,
		s.settings.SessionIdle.String())
	return tag.RowsAffected(), err
}
