package staff_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/internal/audit"
	"github.com/campaignwatch/campaignwatch/internal/mail"
	"github.com/campaignwatch/campaignwatch/internal/mail/mailtest"
	"github.com/campaignwatch/campaignwatch/internal/staff"
	"github.com/campaignwatch/campaignwatch/internal/testdb"
	"github.com/campaignwatch/campaignwatch/jobs"
)

const rightPassword = "correct horse battery staple"

func newService(t *testing.T, set staff.Settings) (*staff.Service, *pgxpool.Pool) {
	t.Helper()
	pool := testdb.New(t)
	return staff.NewService(pool, set), pool
}

func createUser(t *testing.T, svc *staff.Service, email string, role staff.Role) *staff.User {
	t.Helper()
	u, err := svc.CreateUser(audit.WithActor(context.Background(), audit.Actor{Label: "test"}), email, role, rightPassword)
	require.NoError(t, err)
	return u
}

func throttled(t *testing.T, err error) *staff.ThrottledError {
	t.Helper()
	var te *staff.ThrottledError
	require.True(t, errors.As(err, &te), "want a throttled refusal, got %v", err)
	require.Equal(t, apperr.RateLimited, apperr.CodeOf(err))
	return te
}

// TestFloodFromOneAddressDoesNotLockTheOwnerOut is the probe's finding: 30
// failures from one address locked the administrator out everywhere. Now
// they slow that address down, and the owner signs in from another.
func TestFloodFromOneAddressDoesNotLockTheOwnerOut(t *testing.T) {
	t.Parallel()
	svc, _ := newService(t, staff.Settings{})
	admin := createUser(t, svc, "admin@example.org", staff.RoleAdmin)
	ctx := context.Background()
	limit := svc.Settings().AccountFailures

	const attacker, owner = "203.0.113.9", "198.51.100.7"
	for i := range 30 {
		_, err := svc.Authenticate(ctx, admin.Email, fmt.Sprintf("guess number %d", i), attacker, false)
		if i < limit {
			require.ErrorIs(t, err, staff.ErrBadCredentials, "attempt %d", i+1)
		} else {
			throttled(t, err)
		}
	}
	// The attacker's address stays refused, even with the right password.
	_, err := svc.Authenticate(ctx, admin.Email, rightPassword, attacker, false)
	throttled(t, err)

	u, err := svc.Authenticate(ctx, admin.Email, rightPassword, owner, false)
	require.NoError(t, err, "the owner is locked out by someone else's guessing")
	require.Equal(t, admin.ID, u.ID)
}

// TestDelayGrowsAfterTheBudget checks that past the free budget an address
// waits rather than being shut out for the whole window, and that the wait
// doubles with each further failure.
func TestDelayGrowsAfterTheBudget(t *testing.T) {
	t.Parallel()
	svc, pool := newService(t, staff.Settings{AccountFailures: 3, ThrottleDelay: 10 * time.Second})
	u := createUser(t, svc, "officer@example.org", staff.RoleTriageOfficer)
	ctx := context.Background()
	const client = "192.0.2.1"
	for range 3 {
		_, err := svc.Authenticate(ctx, u.Email, "not the password at all", client, false)
		require.ErrorIs(t, err, staff.ErrBadCredentials)
	}
	// The delay is fixed when the failure is counted (next_at and
	// last_failure share the transaction's clock); what is left of it
	// when the refusal comes depends on how busy the machine is.
	delay := func() float64 {
		var d float64
		require.NoError(t, pool.QueryRow(ctx,
			`SELECT extract(epoch FROM next_at - last_failure) FROM login_throttle WHERE key LIKE 'pair:%'`).Scan(&d))
		return d
	}
	te := throttled(t, mustFail(svc.Authenticate(ctx, u.Email, rightPassword, client, false)))
	require.Equal(t, 10.0, delay())
	require.True(t, te.Wait > 0 && te.Wait <= 10*time.Second, "wait %s", te.Wait)
	require.Regexp(t, `Wait \d+ seconds?, then try again\.`, te.Error())

	// The delay passes (moved back rather than slept through): one more
	// attempt is checked, and its failure doubles the delay.
	elapse := func() {
		_, err := pool.Exec(ctx, `UPDATE login_throttle SET next_at = now() - interval '1 second'`)
		require.NoError(t, err)
	}
	elapse()
	_, err := svc.Authenticate(ctx, u.Email, "still not the password", client, false)
	require.ErrorIs(t, err, staff.ErrBadCredentials)
	te = throttled(t, mustFail(svc.Authenticate(ctx, u.Email, rightPassword, client, false)))
	require.Equal(t, 20.0, delay(), "the delay doubles")
	require.True(t, te.Wait > 10*time.Second && te.Wait <= 20*time.Second, "wait %s", te.Wait)

	// After the delay the right password gets in, and the address starts
	// afresh.
	elapse()
	_, err = svc.Authenticate(ctx, u.Email, rightPassword, client, false)
	require.NoError(t, err)
	for range 3 {
		_, err := svc.Authenticate(ctx, u.Email, "wrong again", client, false)
		require.ErrorIs(t, err, staff.ErrBadCredentials)
	}
}

func mustFail(_ *staff.User, err error) error { return err }

// TestSpentBudgetIsAuditedAndAlertsAdmins checks that the failure that
// spends a budget writes one audit entry and emails each active
// administrator once, without the client address.
func TestSpentBudgetIsAuditedAndAlertsAdmins(t *testing.T) {
	t.Parallel()
	svc, pool := newService(t, staff.Settings{AccountFailures: 2})
	target := createUser(t, svc, "analyst@example.org", staff.RoleAnalyst)
	admin1 := createUser(t, svc, "admin1@example.org", staff.RoleAdmin)
	createUser(t, svc, "admin2@example.org", staff.RoleAdmin)
	gone := createUser(t, svc, "admin3@example.org", staff.RoleAdmin)
	ctx := context.Background()
	require.NoError(t, svc.SetDisabled(ctx, admin1.ID, gone.ID, true))

	smtp := mailtest.NewServer(t)
	sender, err := mail.NewSMTP(smtp.URL())
	require.NoError(t, err)
	reg := jobs.NewRegistry()
	staff.RegisterJobs(reg, svc, sender, "cw@example.org")
	client, err := jobs.NewClient(pool, reg, jobs.Options{Workers: map[string]int{"default": 1, "mail": 1}})
	require.NoError(t, err)
	runCtx, cancel := context.WithCancel(ctx)
	require.NoError(t, client.Start(runCtx))
	t.Cleanup(func() { cancel(); _ = client.Stop(context.Background()) })

	const address = "203.0.113.77"
	for range 6 {
		_, _ = svc.Authenticate(ctx, target.Email, "a wrong password", address, false)
	}
	var entries int
	var summary string
	require.NoError(t, pool.QueryRow(ctx,
		`SELECT count(*), coalesce(max(summary::text), '') FROM audit_log WHERE action = 'login.throttled'`).Scan(&entries, &summary))
	require.Equal(t, 1, entries)
	require.Contains(t, summary, target.Email)
	require.NotContains(t, summary, address)

	msgs := smtp.WaitFor(t, 2, 30*time.Second)
	var to []string
	for _, m := range msgs {
		to = append(to, m.To...)
		require.Contains(t, m.Parsed.Subject, "Sign-in attempts slowed for "+target.Email)
		require.Contains(t, m.Parsed.Text, "2 failed sign-in attempts from one address")
		require.NotContains(t, string(m.Raw), address)
	}
	require.ElementsMatch(t, []string{"admin1@example.org", "admin2@example.org"}, to, "each active administrator once")
	var queued int
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE kind = 'staff_sign_in_alert'`).Scan(&queued))
	require.Equal(t, 2, queued, "one alert per spent budget, not per failure")
}

// TestGuessingFromManyAddressesSlowsNewDevicesOnly checks the account-wide
// ceiling: spread guessing slows attempts on the account from devices it
// has not seen, while a device that signed in before still gets in.
func TestGuessingFromManyAddressesSlowsNewDevicesOnly(t *testing.T) {
	t.Parallel()
	svc, _ := newService(t, staff.Settings{AccountCeiling: 3})
	u := createUser(t, svc, "head@example.org", staff.RoleAdmin)
	ctx := context.Background()
	for i := range 3 {
		_, err := svc.Authenticate(ctx, u.Email, "guessed from a botnet", fmt.Sprintf("203.0.113.%d", i+1), false)
		require.ErrorIs(t, err, staff.ErrBadCredentials)
	}
	_, err := svc.Authenticate(ctx, u.Email, rightPassword, "198.51.100.7", false)
	throttled(t, err)
	got, err := svc.Authenticate(ctx, u.Email, rightPassword, "198.51.100.7", true)
	require.NoError(t, err, "the owner's known device is shut out")
	require.Equal(t, u.ID, got.ID)
}
