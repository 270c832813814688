package staff

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/internal/audit"
	"github.com/campaignwatch/campaignwatch/internal/staff/internal/dbsqlc"
)

// ThrottledError refuses a sign-in attempt without checking its password,
// because one of its budgets is spent. Wait is how long until an attempt
// from the same client may be checked again.
type ThrottledError struct {
	Wait time.Duration
	err  *apperr.Error
}

func (e *ThrottledError) Error() string { return e.err.Error() }

// Unwrap exposes the RateLimited application error and its message.
func (e *ThrottledError) Unwrap() error { return e.err }

func newThrottled(wait time.Duration) *ThrottledError {
	// Whole seconds, rounded up, as Retry-After counts them.
	wait = max(time.Duration(math.Ceil(wait.Seconds()))*time.Second, time.Second)
	return &ThrottledError{
		err:  apperr.New(apperr.RateLimited, "Too many sign-in attempts. Wait %s, then try again.", humanWait(wait)),
		Wait: wait,
	}
}

func humanWait(d time.Duration) string {
	if d < time.Minute {
		s := int(math.Ceil(d.Seconds()))
		if s == 1 {
			return "1 second"
		}
		return fmt.Sprintf("%d seconds", s)
	}
	m := int(math.Ceil(d.Minutes()))
	if m == 1 {
		return "1 minute"
	}
	return fmt.Sprintf("%d minutes", m)
}

// throttleKey is one budget an attempt spends from.
type throttleKey struct {
	key   string
	scope string // "pair", "account", "client" or "device", for the audit entry
	limit int
}

// keysFor lists the budgets of one attempt. From a new device they are, in
// this order so that two transactions never wait on each other's rows in
// opposite orders, the account from this client (pair), the account from
// anywhere, and this client on any account. A known device, one holding a
// device cookie issued to this account, spends from its own budget on the
// account instead, the size of the pair's: the address-based budgets are
// shared with whoever else is behind the same office NAT or IPv6 /64, and
// the account-wide one with anyone anywhere, so any of them would let an
// attacker keep the owner out. The device id is only a cookie's nonce, and
// the caller has checked the cookie's MAC, so it cannot be made up.
func (s *Service) keysFor(account, clientIP, device string) []throttleKey {
	if device != "" {
		return []throttleKey{{key: "device:" + account + "|" + device, scope: "device", limit: s.settings.AccountFailures}}
	}
	return []throttleKey{
		{key: "pair:" + account + "|" + clientIP, scope: "pair", limit: s.settings.AccountFailures},
		{key: "account:" + account, scope: "account", limit: s.settings.AccountCeiling},
		{key: "client:" + clientIP, scope: "client", limit: s.settings.IPFailures},
	}
}

// delayAfter is the wait imposed after the failures-th failure on a key
// whose free budget is limit: none within the budget, then Settings'
// ThrottleDelay doubling with each further failure, never more than the
// window.
func (s *Service) delayAfter(failures, limit int) time.Duration {
	if failures < limit {
		return 0
	}
	d := s.settings.ThrottleDelay << min(failures-limit, 20)
	return min(d, s.settings.ThrottleWindow)
}

// reservation is what reserve counted, for settle.
type reservation struct {
	keys []throttleKey
	// crossed lists the keys whose free budget this attempt spent last.
	crossed []throttleKey
}

// reserve counts an attempt as a failure on every budget before its
// password is checked, in one transaction, or refuses it if any budget is
// waiting out its delay (and then counts nothing).
func (s *Service) reserve(ctx context.Context, account, clientIP, device string) (*reservation, error) {
	res := &reservation{keys: s.keysFor(account, clientIP, device)}
	window := interval(s.settings.ThrottleWindow)
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		q := dbsqlc.New(tx)
		for _, k := range res.keys {
			failures, err := q.ReserveAttempt(ctx, dbsqlc.ReserveAttemptParams{Key: k.key, TimeWindow: window})
			n := int(failures)
			if errors.Is(err, pgx.ErrNoRows) {
				seconds, err := q.ThrottleWait(ctx, k.key)
				if err != nil {
					return err
				}
				return newThrottled(time.Duration(seconds * float64(time.Second)))
			}
			if err != nil {
				return err
			}
			if d := s.delayAfter(n, k.limit); d > 0 {
				if err := q.DelayAttempts(ctx, dbsqlc.DelayAttemptsParams{Key: k.key, Delay: interval(d)}); err != nil {
					return err
				}
			}
			if n == k.limit {
				res.crossed = append(res.crossed, k)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// settleSuccess refunds a successful attempt's reservation on every
// budget, and clears none: a budget's earlier failures stand for their
// window even when the password was then typed right. Clearing the pair's
// history here would give whoever shares the owner's address (an office
// NAT, or an attacker guessing in parallel with the owner) a fresh budget
// each time the owner signs in, so parallel guesses could be checked more
// often than the budget allows. The owner loses nothing by it: a success
// issues a device cookie, and that browser's later attempts spend from
// its own budget instead.
func (s *Service) settleSuccess(ctx context.Context, res *reservation) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		q := dbsqlc.New(tx)
		for _, k := range res.keys {
			if err := q.RefundThrottle(ctx, k.key); err != nil {
				return err
			}
		}
		return nil
	})
}

// settleFailure alerts when this failure spent the last free attempt of a
// budget: once per budget and window, since a budget's count only starts
// again after a quiet window. The audit entry names the scope, and the
// account only when it exists: whatever else was typed is the attacker's
// text, not a staff address. Budgets of an account that does not exist
// are audited but alert no one, so no one can make every administrator
// receive mail about an "account" of their choosing; the client budget
// (one address trying many accounts) alerts whatever was typed, without
// naming it. The client address is never recorded.
func (s *Service) settleFailure(ctx context.Context, account string, exists bool, res *reservation) error {
	if len(res.crossed) == 0 {
		return nil
	}
	ctx = audit.WithActor(ctx, audit.Actor{Label: "sign-in", RequestID: audit.ActorFrom(ctx).RequestID})
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		for _, k := range res.crossed {
			after := map[string]any{"scope": k.scope, "failures": k.limit, "window": s.settings.ThrottleWindow.String()}
			named := k.scope != "client" && exists
			if named {
				after["account"] = account
			}
			if err := audit.Record(ctx, tx, "login.throttled", "sign_in", k.scope, audit.Change{After: after}); err != nil {
				return err
			}
			if k.scope != "client" && !exists {
				continue
			}
			alertAccount := ""
			if named {
				alertAccount = account
			}
			if err := s.alertAdminsTx(ctx, tx, alertAccount, k); err != nil {
				return err
			}
		}
		return nil
	})
}

// PurgeLoginThrottle deletes throttle rows quiet for a day; they exist only
// to throttle, and a client address is personal data.
func (s *Service) PurgeLoginThrottle(ctx context.Context) (int64, error) {
	return s.q.PurgeLoginThrottle(ctx)
}
