package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/internal/mail"
	"github.com/campaignwatch/campaignwatch/internal/staff"
	"github.com/campaignwatch/campaignwatch/jobs"
	"github.com/campaignwatch/campaignwatch/web/webtest"
)

func TestStaffPageWithoutSessionRedirectsToLogin(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{})
	res := env.Anonymous().Get("/staff/admin/audit?action=user.")
	res.Body.Close()
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	require.Equal(t, "/staff/login?next="+url.QueryEscape("/staff/admin/audit?action=user."), res.Header.Get("Location"))
}

func TestWrongRoleGets403(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{})
	analyst := env.SignedIn(staff.RoleAnalyst)
	res := analyst.Get("/staff/admin/audit")
	body := webtest.ReadBody(res)
	require.Equal(t, http.StatusForbidden, res.StatusCode)
	require.Contains(t, body, "You do not have access to this page")

	admin := env.SignedIn(staff.RoleAdmin)
	res = admin.Get("/staff/admin/audit")
	body = webtest.ReadBody(res)
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.Contains(t, body, "Signed in by "+admin.User.Email, "sign-ins are audited")
}

func TestRiverUIAdminOnly(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{WithRiverUI: true})

	res := env.SignedIn(staff.RoleAdmin).Get("/admin/jobs/")
	body := webtest.ReadBody(res)
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.Contains(t, body, "<title>River</title>")

	res = env.SignedIn(staff.RoleAnalyst).Get("/admin/jobs/")
	res.Body.Close()
	require.Equal(t, http.StatusForbidden, res.StatusCode)

	res = env.Anonymous().Get("/admin/jobs/")
	res.Body.Close()
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
}

func TestPostWithoutCSRFTokenIs403(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{})
	c := env.SignedIn(staff.RoleAnalyst)
	res := c.PostFormRaw("/staff/logout", url.Values{})
	body := webtest.ReadBody(res)
	require.Equal(t, http.StatusForbidden, res.StatusCode)
	require.Contains(t, body, "This form has expired")

	res = c.PostFormRaw("/staff/logout", url.Values{"csrf_token": {"forged"}})
	res.Body.Close()
	require.Equal(t, http.StatusForbidden, res.StatusCode)

	// Still signed in, and a real token signs out.
	res = c.Get("/staff/")
	res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode)
	res = c.PostForm("/staff/logout", url.Values{})
	res.Body.Close()
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	res = c.Get("/staff/")
	res.Body.Close()
	require.Equal(t, http.StatusSeeOther, res.StatusCode, "signed out")
}

func TestLoginThrottledAfterRepeatedFailures(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{})
	u := env.CreateUser(staff.RoleAnalyst)
	c := env.Anonymous()
	var statuses []int
	for range 20 {
		res := c.PostForm("/staff/login", url.Values{"email": {u.Email}, "password": {"wrong password here"}})
		body := webtest.ReadBody(res)
		statuses = append(statuses, res.StatusCode)
		if res.StatusCode == http.StatusUnauthorized {
			require.Contains(t, body, "The email address or password is not right.")
		}
	}
	limit := env.Staff.Settings().AccountFailures
	for i, s := range statuses {
		if i < limit {
			require.Equal(t, http.StatusUnauthorized, s, "attempt %d", i+1)
		} else {
			require.Equal(t, http.StatusTooManyRequests, s, "attempt %d", i+1)
		}
	}
	// Throttled means throttled: the right password does not get in now.
	res := c.PostForm("/staff/login", url.Values{"email": {u.Email}, "password": {webtest.Password}})
	res.Body.Close()
	require.Equal(t, http.StatusTooManyRequests, res.StatusCode)
	require.NotEmpty(t, res.Header.Get("Retry-After"))

	// An unknown account gets the same message as a wrong password.
	res = env.Anonymous().PostForm("/staff/login", url.Values{"email": {"nobody@example.org"}, "password": {"whatever-it-is"}})
	require.Contains(t, webtest.ReadBody(res), "The email address or password is not right.")
}

func TestSessionRotatedAtLoginAndExpiresWhenIdle(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{})
	u := env.CreateUser(staff.RoleTriageOfficer)
	c := env.Anonymous()
	base, _ := url.Parse(env.Server.URL)
	c.Jar.SetCookies(base, []*http.Cookie{{Name: "cw_session", Value: "cws_planted-by-an-attacker", Path: "/"}})
	res := c.PostForm("/staff/login", url.Values{"email": {u.Email}, "password": {webtest.Password}})
	res.Body.Close()
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	var session string
	for _, ck := range c.Jar.Cookies(base) {
		if ck.Name == "cw_session" {
			session = ck.Value
		}
	}
	require.NotEqual(t, "cws_planted-by-an-attacker", session)
	require.True(t, strings.HasPrefix(session, "cws_"))
	for _, ck := range res.Cookies() {
		if ck.Name == "cw_session" {
			require.True(t, ck.HttpOnly)
			require.Equal(t, http.SameSiteLaxMode, ck.SameSite)
		}
	}

	res = c.Get("/staff/")
	res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode)

	_, err := env.Pool.Exec(context.Background(), `UPDATE staff_sessions SET last_seen_at = now() - interval '2 hours'`)
	require.NoError(t, err)
	res = c.Get("/staff/")
	res.Body.Close()
	require.Equal(t, http.StatusSeeOther, res.StatusCode, "an idle session has expired")
}

func TestAPITokenAndMe(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{})
	c := env.Anonymous()

	res := c.Get("/api/v1/me")
	var body map[string]any
	require.NoError(t, json.NewDecoder(res.Body).Decode(&body))
	res.Body.Close()
	require.Equal(t, http.StatusUnauthorized, res.StatusCode)
	require.Contains(t, body["error"], "Bearer")
	require.Equal(t, "application/json; charset=utf-8", res.Header.Get("Content-Type"))

	token, u := env.Token(staff.RolePoliticalTeam)
	req, _ := http.NewRequest(http.MethodGet, c.URL("/api/v1/me"), nil)
	res = c.Do(req, token)
	body = map[string]any{}
	require.NoError(t, json.NewDecoder(res.Body).Decode(&body))
	res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.Equal(t, u.Email, body["email"])
	require.Equal(t, "political_team", body["role"])

	var stored []byte
	require.NoError(t, env.Pool.QueryRow(context.Background(), `SELECT token_hash FROM api_tokens WHERE user_id = $1`, u.ID).Scan(&stored))
	require.NotContains(t, string(stored), token, "only a digest is stored")

	n, err := env.Staff.RevokeTokens(context.Background(), 0, u.Email)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	req, _ = http.NewRequest(http.MethodGet, c.URL("/api/v1/me"), nil)
	res = c.Do(req, token)
	res.Body.Close()
	require.Equal(t, http.StatusUnauthorized, res.StatusCode)

	// A session works on the API too.
	sc := env.SignedIn(staff.RoleAnalyst)
	res = sc.Get("/api/v1/me")
	require.Contains(t, webtest.ReadBody(res), sc.User.Email)
}

func TestHealthReadyMetricsAndHeaders(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{WorkJobs: true})
	c := env.Anonymous()

	res := c.Get("/healthz")
	res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode)

	res = c.Get("/readyz")
	require.Contains(t, webtest.ReadBody(res), "ready")
	require.Equal(t, http.StatusOK, res.StatusCode)

	// Work one job so the job series has a sample.
	_, err := env.Jobs.Insert(context.Background(), jobs.NoopArgs{}, nil)
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		var n int
		_ = env.Pool.QueryRow(context.Background(), `SELECT count(*) FROM river_job WHERE kind = 'noop' AND state = 'completed'`).Scan(&n)
		return n == 1
	}, 10*time.Second, 50*time.Millisecond)

	res = c.Get("/staff/login")
	res.Body.Close()
	csp := res.Header.Get("Content-Security-Policy")
	require.Contains(t, csp, "frame-ancestors 'none'")
	require.NotContains(t, csp, "unsafe-inline")
	require.Equal(t, "nosniff", res.Header.Get("X-Content-Type-Options"))
	require.NotEmpty(t, res.Header.Get("Referrer-Policy"))
	require.NotEmpty(t, res.Header.Get("X-Request-ID"))

	res = c.Get("/metrics")
	metrics := webtest.ReadBody(res)
	require.Contains(t, metrics, `campaignwatch_http_requests_total{code="200",method="GET",route="/staff/login"}`)
	require.Contains(t, metrics, `campaignwatch_jobs_worked_total{kind="noop",outcome="ok",queue="default"} 1`)
	require.Contains(t, metrics, `campaignwatch_mail_messages_total`)
}

func TestErrorsAnswerInTheFormatAsked(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{})
	c := env.Anonymous()

	res := c.Get("/api/v1/no-such-thing")
	body := webtest.ReadBody(res)
	require.Equal(t, http.StatusNotFound, res.StatusCode)
	require.Contains(t, body, `"code":"not_found"`)

	res = c.Get("/no-such-page")
	body = webtest.ReadBody(res)
	require.Equal(t, http.StatusNotFound, res.StatusCode)
	require.Contains(t, body, "<h1>Page not found</h1>")

	req, _ := http.NewRequest(http.MethodGet, c.URL("/no-such-page"), nil)
	req.Header.Set("Accept", "application/json")
	res = c.Do(req, "")
	require.Contains(t, webtest.ReadBody(res), `"code":"not_found"`)
}

// TestErrorPagesInWelsh checks that a public error page speaks the
// visitor's language, whatever language its message arose in, and that
// staff pages stay in English.
func TestErrorPagesInWelsh(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{})
	c := env.Anonymous()

	res := c.Get("/no-such-page?lang=cy")
	body := webtest.ReadBody(res)
	require.Equal(t, http.StatusNotFound, res.StatusCode)
	require.Contains(t, body, `lang="cy"`)
	require.Contains(t, body, "<h1>Heb ddod o hyd i&#39;r dudalen</h1>")
	require.Contains(t, body, "gwiriwch eich bod wedi copïo")
	require.Contains(t, body, "Ewch i&#39;r dudalen gychwyn")
	require.NotContains(t, body, "Page not found")
	require.NotContains(t, body, "If you typed the web address")

	// The choice is remembered, as on every public page.
	res = c.Get("/another-missing-page")
	require.Contains(t, webtest.ReadBody(res), "<h1>Heb ddod o hyd i&#39;r dudalen</h1>")

	res = c.Get("/staff/no-such-page")
	body = webtest.ReadBody(res)
	require.Contains(t, body, "Page not found")
}

func TestOversizedFormIs413(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{})
	c := env.Anonymous()
	big := strings.Repeat("a", 2<<20)
	res := c.PostFormRaw("/staff/login", url.Values{"email": {big}})
	res.Body.Close()
	require.Equal(t, http.StatusRequestEntityTooLarge, res.StatusCode)
}

func TestStaticAssetsCached(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{})
	c := env.Anonymous()
	res := c.Get("/staff/login")
	page := webtest.ReadBody(res)
	i := strings.Index(page, "/static/app.css?v=")
	require.Positive(t, i)
	href := page[i : i+strings.Index(page[i:], `"`)]
	res = c.Get(href)
	res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.Contains(t, res.Header.Get("Cache-Control"), "immutable")
	require.Contains(t, res.Header.Get("Content-Type"), "text/css")
}

func TestAuditLogIsAppendOnly(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{})
	env.SignedIn(staff.RoleAdmin)
	ctx := context.Background()
	var n int
	require.NoError(t, env.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_log`).Scan(&n))
	require.GreaterOrEqual(t, n, 2, "user.create and session.login")
	_, err := env.Pool.Exec(ctx, `UPDATE audit_log SET actor = 'someone else'`)
	require.ErrorContains(t, err, "append-only")
	_, err = env.Pool.Exec(ctx, `DELETE FROM audit_log`)
	require.ErrorContains(t, err, "append-only")
	_, err = env.Pool.Exec(ctx, `TRUNCATE audit_log`)
	require.ErrorContains(t, err, "append-only")
}

func TestOutboxPages(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{})
	o, err := mail.NewOutbox(env.Config.OutboxDir())
	require.NoError(t, err)
	m := &mail.Message{From: "cw@example.org", To: []string{"dpo@party.example.org"}, Subject: "Test <letter>",
		Text: "Hello", HTML: `<p>Hello</p><script>alert(1)</script>`}
	require.NoError(t, o.Send(context.Background(), m)[0].Err)

	pol := env.SignedIn(staff.RoleAdmin)
	res := pol.Get("/staff/outbox")
	body := webtest.ReadBody(res)
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.Contains(t, body, "Test &lt;letter&gt;", "subjects are escaped")
	i := strings.Index(body, `href="/staff/outbox/`)
	require.Positive(t, i)
	link := body[i+6 : i+6+strings.Index(body[i+6:], `"`)]

	res = pol.Get(link)
	body = webtest.ReadBody(res)
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.Contains(t, body, "dpo@party.example.org")
	require.Contains(t, body, "&lt;script&gt;", "HTML source is shown escaped")
	require.Contains(t, body, `sandbox src="`+link+`/html"`)

	res = pol.Get(link + "/html")
	res.Body.Close()
	require.True(t, strings.HasPrefix(res.Header.Get("Content-Security-Policy"), "sandbox"))

	res = pol.Get("/staff/outbox/..%2F..%2Fsession_secret")
	res.Body.Close()
	require.NotEqual(t, http.StatusOK, res.StatusCode)
	res = pol.Get("/staff/outbox/session_secret")
	res.Body.Close()
	require.Equal(t, http.StatusNotFound, res.StatusCode)

	res = env.SignedIn(staff.RoleAnalyst).Get("/staff/outbox")
	res.Body.Close()
	require.Equal(t, http.StatusForbidden, res.StatusCode)
}
