package web_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/complaints"
	"github.com/campaignwatch/campaignwatch/internal/mail"
	"github.com/campaignwatch/campaignwatch/internal/mail/mailtest"
	"github.com/campaignwatch/campaignwatch/internal/staff"
	"github.com/campaignwatch/campaignwatch/jobs"
	"github.com/campaignwatch/campaignwatch/web/webtest"
)

// startAckWorkers works the acknowledgement jobs of env's database,
// sending through a real in-process SMTP server.
func startAckWorkers(t *testing.T, env *webtest.Env) *mailtest.Server {
	t.Helper()
	smtp := mailtest.NewServer(t)
	sender, err := mail.NewSMTP(smtp.URL())
	require.NoError(t, err)
	reg := jobs.NewRegistry()
	complaints.Register(reg, complaints.NewService(env.Pool, nil), sender, complaints.JobSettings{MailFrom: "cw@example.org", BaseURL: "http://cw.test"})
	client, err := jobs.NewClient(env.Pool, reg, jobs.Options{Workers: map[string]int{"mail": 1}, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	require.NoError(t, client.Start(ctx))
	t.Cleanup(func() { cancel(); _ = client.Stop(context.Background()) })
	return smtp
}

// TestDuplicateIsNoOracle: somebody who sends another person's sender,
// message and name (and even their email address) learns nothing about
// that person's complaint, and the person is not emailed again.
func TestDuplicateIsNoOracle(t *testing.T) {
	t.Parallel()
	env := apiEnv(t, "1000")
	smtp := startAckWorkers(t, env)
	victim := validComplaint()
	status, first, _ := postComplaint(t, env, encode(victim), nil)
	require.Equal(t, http.StatusCreated, status, first)
	smtp.WaitFor(t, 1, 20*time.Second)

	status, second, _ := postComplaint(t, env, encode(victim), nil)
	require.Equal(t, http.StatusCreated, status, second)
	require.NotContains(t, second, "duplicate_of")
	require.NotEqual(t, first["reference"], second["reference"])
	require.Equal(t, []string{"reference"}, keys(second), "the answer holds the caller's own reference and nothing else")

	// The second complaint is stored and linked as before.
	ctx := context.Background()
	var linked string
	require.NoError(t, env.Pool.QueryRow(ctx, `SELECT d.reference FROM complaints c JOIN complaints d ON d.id = c.duplicate_of_id WHERE c.reference = $1`, second["reference"]).Scan(&linked))
	require.Equal(t, first["reference"], linked)

	// Its acknowledgement job has run to the end without sending: one
	// message in all, to the first complainant, about the first complaint.
	require.Eventually(t, func() bool {
		var n int
		_ = env.Pool.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE kind = 'complaint_acknowledge' AND state = 'completed'`).Scan(&n)
		return n == 2
	}, 20*time.Second, 20*time.Millisecond)
	msgs := smtp.Messages()
	require.Len(t, msgs, 1)
	require.Contains(t, msgs[0].Parsed.Text, first["reference"])

	// Staff who may see complainants still see the link.
	tok, _ := env.Token(staff.RoleTriageOfficer)
	status, third, _ := postComplaint(t, env, encode(victim), map[string]string{"Authorization": "Bearer " + tok})
	require.Equal(t, http.StatusCreated, status, third)
	require.Equal(t, first["reference"], third["duplicate_of"])
	// An analyst may not.
	tok, _ = env.Token(staff.RoleAnalyst)
	status, fourth, _ := postComplaint(t, env, encode(victim), map[string]string{"Authorization": "Bearer " + tok})
	require.Equal(t, http.StatusCreated, status, fourth)
	require.NotContains(t, fourth, "duplicate_of")
}

func keys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// proxied posts a complaint as if through a proxy that says the client is
// forwardedFor.
func proxied(t *testing.T, env *webtest.Env, sender, forwardedFor string, header map[string]string) (int, map[string]any) {
	t.Helper()
	c := validComplaint()
	c["sender"] = sender
	h := map[string]string{"X-Forwarded-For": forwardedFor}
	for k, v := range header {
		h[k] = v
	}
	status, out, _ := postComplaint(t, env, encode(c), h)
	return status, out
}

// TestForwardedForOnlyFromTrustedProxies: with no trusted proxy a client
// cannot escape the rate limit by claiming other addresses; behind a
// trusted proxy each client has a bucket of its own, an IPv6 client one
// per /64, and what the client wrote into the header itself is ignored.
func TestForwardedForOnlyFromTrustedProxies(t *testing.T) {
	t.Parallel()
	t.Run("untrusted peer", func(t *testing.T) {
		t.Parallel()
		env := apiEnv(t, "1")
		status, out := proxied(t, env, "a", "198.51.100.1", nil)
		require.Equal(t, http.StatusCreated, status, out)
		status, out = proxied(t, env, "b", "198.51.100.2", nil)
		require.Equal(t, http.StatusTooManyRequests, status, "a spoofed X-Forwarded-For is ignored: %v", out)
	})
	t.Run("trusted proxy", func(t *testing.T) {
		t.Parallel()
		env := webtest.New(t, webtest.Options{Env: map[string]string{"COMPLAINT_RATE": "1", "COMPLAINT_BURST": "1", "TRUSTED_PROXIES": "127.0.0.0/8, ::1"}})
		status, out := proxied(t, env, "a", "198.51.100.1", nil)
		require.Equal(t, http.StatusCreated, status, out)
		status, out = proxied(t, env, "b", "198.51.100.1", nil)
		require.Equal(t, http.StatusTooManyRequests, status, out)
		status, out = proxied(t, env, "c", "198.51.100.2", nil)
		require.Equal(t, http.StatusCreated, status, "another client behind the proxy has its own bucket: %v", out)
		// The client wrote its own X-Forwarded-For; the proxy appended
		// the real address. Only the proxy's entry counts.
		status, out = proxied(t, env, "d", "203.0.113.9, 198.51.100.2", nil)
		require.Equal(t, http.StatusTooManyRequests, status, out)
		// A chain of trusted proxies is walked past.
		status, out = proxied(t, env, "e", "198.51.100.3, 127.0.0.5", nil)
		require.Equal(t, http.StatusCreated, status, out)
		status, out = proxied(t, env, "f", "198.51.100.3", nil)
		require.Equal(t, http.StatusTooManyRequests, status, out)

		// IPv6: one bucket per /64.
		status, out = proxied(t, env, "g", "2001:db8:1:2::1", nil)
		require.Equal(t, http.StatusCreated, status, out)
		status, out = proxied(t, env, "h", "2001:db8:1:2:ffff:ffff:ffff:fffe", nil)
		require.Equal(t, http.StatusTooManyRequests, status, "another address in the same /64: %v", out)
		status, out = proxied(t, env, "i", "2001:db8:1:3::1", nil)
		require.Equal(t, http.StatusCreated, status, "the next /64: %v", out)
	})
}

// TestIdempotencyKeyBoundToRequest: a key repeats only the request it came
// with. The same key with another body is refused, and two clients who
// happen to choose the same key both have their complaints stored.
func TestIdempotencyKeyBoundToRequest(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{Env: map[string]string{"COMPLAINT_RATE": "1000", "COMPLAINT_BURST": "1000", "TRUSTED_PROXIES": "127.0.0.1"}})
	key := map[string]string{"Idempotency-Key": "order-1"}
	status, first := proxied(t, env, "first sender", "198.51.100.1", key)
	require.Equal(t, http.StatusCreated, status, first)

	status, again := proxied(t, env, "first sender", "198.51.100.1", key)
	require.Equal(t, http.StatusCreated, status, "the same request again gets the first answer: %v", again)
	require.Equal(t, first, again)

	status, other := proxied(t, env, "another sender", "198.51.100.1", key)
	require.Equal(t, http.StatusConflict, status, other)
	require.Equal(t, "conflict", other["code"])
	require.Contains(t, other["error"], "Idempotency-Key")

	status, stranger := proxied(t, env, "a stranger's sender", "198.51.100.77", key)
	require.Equal(t, http.StatusCreated, status, stranger)
	require.NotEqual(t, first["reference"], stranger["reference"])

	var senders []string
	rows, err := env.Pool.Query(context.Background(), `SELECT sender FROM complaints ORDER BY id`)
	require.NoError(t, err)
	for rows.Next() {
		var s string
		require.NoError(t, rows.Scan(&s))
		senders = append(senders, s)
	}
	require.NoError(t, rows.Err())
	require.Equal(t, []string{"first sender", "a stranger's sender"}, senders)
}

// TestJSONAPIRequiresJSON: a page elsewhere can make a visitor's browser
// post text/plain or a form without asking first; the API takes neither.
func TestJSONAPIRequiresJSON(t *testing.T) {
	t.Parallel()
	env := apiEnv(t, "1000")
	body := encode(validComplaint())
	for _, ct := range []string{"text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ""} {
		status, out, _ := postComplaint(t, env, body, map[string]string{"Content-Type": ct})
		require.Equal(t, http.StatusUnsupportedMediaType, status, "%q: %v", ct, out)
		require.Equal(t, "unsupported_media_type", out["code"])
		require.Contains(t, out["error"], "application/json")
	}
	var n int
	require.NoError(t, env.Pool.QueryRow(context.Background(), `SELECT count(*) FROM complaints`).Scan(&n))
	require.Zero(t, n)
	status, out, _ := postComplaint(t, env, body, map[string]string{"Content-Type": "application/json; charset=utf-8"})
	require.Equal(t, http.StatusCreated, status, out)

	// The staff API too.
	tok, _ := env.Token(staff.RoleAdmin)
	req, _ := http.NewRequest(http.MethodPost, env.Server.URL+"/api/v1/parties", strings.NewReader(`{"name":"Plain Party"}`))
	req.Header.Set("Content-Type", "text/plain")
	req.Header.Set("Authorization", "Bearer "+tok)
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	require.Equal(t, http.StatusUnsupportedMediaType, res.StatusCode, webtest.ReadBody(res))
}

// TestLoginThrottlePerClientBehindProxy: sign-in failures are counted per
// client, as the proxy reports it, and for IPv6 per /64: one client's
// failures neither lock out everyone behind the proxy nor escape the
// limit by moving within their /64.
func TestLoginThrottlePerClientBehindProxy(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{Env: map[string]string{"TRUSTED_PROXIES": "127.0.0.1"}})
	user := env.CreateUser(staff.RoleAnalyst)
	c := env.Anonymous()
	csrf := c.CSRFToken("/staff/login")
	login := func(email, password, client string) int {
		t.Helper()
		form := url.Values{"email": {email}, "password": {password}, "csrf_token": {csrf}}
		req, _ := http.NewRequest(http.MethodPost, env.Server.URL+"/staff/login", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-For", client)
		res := c.Do(req, "")
		res.Body.Close()
		return res.StatusCode
	}
	const guesser = "2001:db8:1:2::1"
	status := 0
	for i := 0; status != http.StatusTooManyRequests; i++ {
		require.Less(t, i, 100, "the guesser was never throttled")
		status = login(fmt.Sprintf("nobody%d@example.org", i), "wrong", guesser)
	}
	require.Equal(t, http.StatusTooManyRequests, login(user.Email, webtest.Password, "2001:db8:1:2::99"), "same /64")
	require.Equal(t, http.StatusSeeOther, login(user.Email, webtest.Password, "198.51.100.20"), "another client behind the proxy")
}
