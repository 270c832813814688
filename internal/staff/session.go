package staff

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/campaignwatch/campaignwatch/internal/staff/internal/dbsqlc"
)

// SessionPrefix starts every session token, which helps secret scanners.
const SessionPrefix = "cws_"

// CreateSession starts a session for userID and returns its token, the
// cookie value. A new token at every sign-in is what prevents session
// fixation.
func (s *Service) CreateSession(ctx context.Context, userID int64) (string, error) {
	token, digest := newToken(SessionPrefix)
	err := s.q.InsertSession(ctx, dbsqlc.InsertSessionParams{TokenHash: digest, UserID: userID, ExpiresAt: time.Now().Add(s.settings.SessionAbsolute)})
	return token, err
}

// SessionUser returns the user of a live session, or nil when the token is
// unknown, expired (idle or absolute) or its user disabled.
func (s *Service) SessionUser(ctx context.Context, token string) (*User, error) {
	if token == "" {
		return nil, nil
	}
	digest := digestOf(token)
	r, err := s.q.SessionUser(ctx, dbsqlc.SessionUserParams{TokenHash: digest, Idle: interval(s.settings.SessionIdle)})
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	// Touch at most once a minute: a write on every request would make
	// sessions the busiest table in the database.
	if time.Since(r.LastSeenAt) > time.Minute {
		if err := s.q.TouchSession(ctx, digest); err != nil {
			return nil, err
		}
	}
	return &User{ID: r.ID, Email: r.Email, Role: Role(r.Role), CreatedAt: r.CreatedAt, DisabledAt: r.DisabledAt}, nil
}

// DeleteSession ends a session (sign-out).
func (s *Service) DeleteSession(ctx context.Context, token string) error {
	return s.q.DeleteSession(ctx, digestOf(token))
}

// PurgeSessions deletes expired sessions.
func (s *Service) PurgeSessions(ctx context.Context) (int64, error) {
	return s.q.PurgeSessions(ctx, interval(s.settings.SessionIdle))
}
