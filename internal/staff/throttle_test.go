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
	"github.com/campaignwatch/campaignwatch/internal/fixture"
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
	// An insert-only client, as the composition root passes: the alert
	// jobs it enqueues are worked by a client of the test's own.
	client := fixture.InsertOnlyJobs(t, pool)
	return staff.NewService(pool, set, client), pool
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
		_, err := svc.Authenticate(ctx, admin.Email, fmt.Sprintf("guess number %d", i), attacker, "")
		if i < limit {
			require.ErrorIs(t, err, staff.ErrBadCredentials, "attempt %d", i+1)
		} else {
			throttled(t, err)
		}
	}
	// The attacker's address stays refused, even with the right password.
	_, err := svc.Authenticate(ctx, admin.Email, rightPassword, attacker, "")
	throttled(t, err)

	u, err := svc.Authenticate(ctx, admin.Email, rightPassword, owner, "")
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
		_, err := svc.Authenticate(ctx, u.Email, "not the password at all", client, "")
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
	te := throttled(t, mustFail(svc.Authenticate(ctx, u.Email, rightPassword, client, "")))
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
	_, err := svc.Authenticate(ctx, u.Email, "still not the password", client, "")
	require.ErrorIs(t, err, staff.ErrBadCredentials)
	te = throttled(t, mustFail(svc.Authenticate(ctx, u.Email, rightPassword, client, "")))
	require.Equal(t, 20.0, delay(), "the delay doubles")
	require.True(t, te.Wait > 10*time.Second && te.Wait <= 20*time.Second, "wait %s", te.Wait)

	// After the delay the right password gets in. A success gives back only
	// its own attempt: the address's failures stand, and the delay its
	// reservation set holds, so guesses made alongside the owner's sign-in
	// gain nothing from it. The browser that signed in, known from now on
	// by its device cookie, spends from a budget of its own.
	elapse()
	_, err = svc.Authenticate(ctx, u.Email, rightPassword, client, "")
	require.NoError(t, err)
	throttled(t, mustFail(svc.Authenticate(ctx, u.Email, "a guess after the owner's sign-in", client, "")))
	for range 3 {
		_, err := svc.Authenticate(ctx, u.Email, "wrong again", client, "device-of-the-owner")
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
		_, _ = svc.Authenticate(ctx, target.Email, "a wrong password", address, "")
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
		_, err := svc.Authenticate(ctx, u.Email, "guessed from a botnet", fmt.Sprintf("203.0.113.%d", i+1), "")
		require.ErrorIs(t, err, staff.ErrBadCredentials)
	}
	_, err := svc.Authenticate(ctx, u.Email, rightPassword, "198.51.100.7", "")
	throttled(t, err)
	got, err := svc.Authenticate(ctx, u.Email, rightPassword, "198.51.100.7", "owner-device")
	require.NoError(t, err, "the owner's known device is shut out")
	require.Equal(t, u.ID, got.ID)
}

// TestGuessingAnAccountThatDoesNotExistAlertsNoOne spends the budgets of
// an "account" that is the attacker's own text. No administrator is
// mailed about it, and neither the audit log nor the alert for the
// client's budget carries the text.
func TestGuessingAnAccountThatDoesNotExistAlertsNoOne(t *testing.T) {
	t.Parallel()
	svc, pool := newService(t, staff.Settings{AccountFailures: 2, AccountCeiling: 2, IPFailures: 4})
	createUser(t, svc, "admin@example.org", staff.RoleAdmin)
	ctx := context.Background()

	// Two texts, twice each: both spend their pair and account budgets,
	// and together the client's.
	for _, text := range []string{"reset-now-at-evil.example@example.org", "evil.example-says-hi@example.org"} {
		for range 2 {
			_, err := svc.Authenticate(ctx, text, "a wrong password", "203.0.113.5", "")
			require.ErrorIs(t, err, staff.ErrBadCredentials)
		}
	}
	var scopes []string
	rows, err := pool.Query(ctx, `SELECT args->>'scope' FROM river_job WHERE kind = 'staff_sign_in_alert' ORDER BY id`)
	require.NoError(t, err)
	for rows.Next() {
		var s string
		require.NoError(t, rows.Scan(&s))
		scopes = append(scopes, s)
	}
	require.NoError(t, rows.Err())
	require.Equal(t, []string{"client"}, scopes, "only the client's budget alerts for an account that does not exist")

	var leaks int
	require.NoError(t, pool.QueryRow(ctx, `
		SELECT (SELECT count(*) FROM river_job WHERE kind = 'staff_sign_in_alert' AND args::text LIKE '%evil%')
		     + (SELECT count(*) FROM audit_log WHERE action = 'login.throttled' AND summary::text LIKE '%evil%')`).Scan(&leaks))
	require.Zero(t, leaks, "the typed text reaches an alert or the audit log")
	var audited int
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = 'login.throttled'`).Scan(&audited))
	require.Equal(t, 5, audited, "each spent budget is still audited")
}

// TestKnownDeviceHasABudgetOfItsOwn checks that a known device spends from
// its own budget: a flood from its address does not slow it, its own
// failures slow only it, and the owner's other device is not affected.
func TestKnownDeviceHasABudgetOfItsOwn(t *testing.T) {
	t.Parallel()
	svc, _ := newService(t, staff.Settings{AccountFailures: 3, AccountCeiling: 3, IPFailures: 3})
	u := createUser(t, svc, "head@example.org", staff.RoleAdmin)
	ctx := context.Background()
	const office = "198.51.100.7"
	for range 4 {
		_, _ = svc.Authenticate(ctx, u.Email, "guessed from the same office", office, "")
	}
	throttled(t, mustFail(svc.Authenticate(ctx, u.Email, rightPassword, office, "")))
	got, err := svc.Authenticate(ctx, u.Email, rightPassword, office, "laptop")
	require.NoError(t, err, "the owner's known device is shut out by a flood from its address")
	require.Equal(t, u.ID, got.ID)

	for range 3 {
		_, err := svc.Authenticate(ctx, u.Email, "a stolen laptop guessing", office, "laptop")
		require.ErrorIs(t, err, staff.ErrBadCredentials)
	}
	throttled(t, mustFail(svc.Authenticate(ctx, u.Email, rightPassword, office, "laptop")))
	_, err = svc.Authenticate(ctx, u.Email, rightPassword, office, "desktop")
	require.NoError(t, err, "one device's failures slow another")
}
