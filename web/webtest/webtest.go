// Package webtest starts the real application on a fresh test database
// and gives tests signed-in clients for each staff role.
//
// Nothing is mocked: the server is the one the composition root
// (internal/app) builds for `serve`, with the production router,
// middleware and services, on a real PostgreSQL database cloned from the
// migrated template; clients sign in through the login form. Only the
// settings are a test's: development mode, a fixed session secret, a
// temporary VAR_DIR and whatever Options.Env adds.
package webtest

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/campaignwatch/campaignwatch/internal/app"
	"github.com/campaignwatch/campaignwatch/internal/audit"
	"github.com/campaignwatch/campaignwatch/internal/config"
	"github.com/campaignwatch/campaignwatch/internal/metrics"
	"github.com/campaignwatch/campaignwatch/internal/staff"
	"github.com/campaignwatch/campaignwatch/internal/testdb"
	"github.com/campaignwatch/campaignwatch/jobs"
	"github.com/campaignwatch/campaignwatch/reports"
	"github.com/campaignwatch/campaignwatch/web"
)

// Env is a running server and what it runs on.
type Env struct {
	T testing.TB
	// App is the application the server runs: every service, the job
	// registry and the River client, as `serve` builds them.
	App     *app.App
	Pool    *pgxpool.Pool
	Config  *config.Config
	Staff   *staff.Service
	Jobs    *jobs.Client
	Metrics *metrics.Metrics
	Web     *web.Server
	// Reports is the reports service the server uses.
	Reports *reports.Service
	Server  *httptest.Server

	users atomic.Int64
}

// Options adjust the environment.
type Options struct {
	// Env overrides configuration variables (e.g. SMTP_URL).
	Env map[string]string
	// WorkJobs starts the application's job workers, as `serve` does:
	// every feature's workers and periodic jobs. Without it the River
	// client only inserts jobs, and tests see them queued.
	WorkJobs bool
	// WithRiverUI mounts River UI.
	WithRiverUI bool
}

// New starts the application on a fresh database.
func New(t testing.TB, opts Options) *Env {
	t.Helper()
	vars := map[string]string{
		"SESSION_SECRET": "test-secret-test-secret-test-secret-0123",
		"VAR_DIR":        t.TempDir(),
		"LOG_LEVEL":      "error",
	}
	for k, v := range opts.Env {
		vars[k] = v
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		logger = slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	a, err := app.Load(app.Options{
		Getenv:         func(k string) string { return vars[k] },
		Logger:         logger,
		DatabaseURL:    testdb.NewURL(t),
		WorkJobs:       opts.WorkJobs,
		Web:            true,
		WithoutRiverUI: !opts.WithRiverUI,
	})
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	if err := a.Open(context.Background()); err != nil {
		t.Fatalf("open the application: %v", err)
	}
	// Registered after the database's drop, so the pools close first.
	t.Cleanup(a.Close)
	// As `migrate up` does: the organisation settings' first version, so
	// a test's first page does not write it.
	if err := a.OrgStore.Seed(audit.WithActor(context.Background(), audit.Actor{Label: "system"})); err != nil {
		t.Fatalf("seed the organisation settings: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	if err := a.Start(ctx); err != nil {
		cancel()
		t.Fatalf("start the application: %v", err)
	}
	t.Cleanup(func() { cancel(); _ = a.Stop(context.Background()) })
	e := &Env{T: t, App: a, Pool: a.Pool, Config: a.Config, Staff: a.Staff, Jobs: a.Jobs, Metrics: a.Metrics,
		Web: a.Web, Reports: a.Reports}
	// Every API exchange any test makes is checked against the OpenAPI
	// description, so the description cannot drift from the code.
	e.Server = httptest.NewServer(ValidateAPI(t, e.Web.Handler()))
	t.Cleanup(e.Server.Close)
	return e
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// Password is the password of every user CreateUser makes.
const Password = "correct horse battery staple"

// CreateUser adds a staff user with role and returns it.
func (e *Env) CreateUser(role staff.Role) *staff.User {
	e.T.Helper()
	n := e.users.Add(1)
	ctx := audit.WithActor(context.Background(), audit.Actor{Label: "test"})
	u, err := e.Staff.CreateUser(ctx, fmt.Sprintf("%s%d@example.org", strings.ReplaceAll(string(role), "_", "-"), n), role, Password)
	if err != nil {
		e.T.Fatalf("create user: %v", err)
	}
	return u
}

// Client is an HTTP client with its own cookie jar that does not follow
// redirects, so tests can see them.
type Client struct {
	*http.Client
	env  *Env
	User *staff.User
}

// Anonymous returns a client that is not signed in.
func (e *Env) Anonymous() *Client {
	jar, _ := cookiejar.New(nil)
	return &Client{env: e, Client: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

// SignedIn creates a user with role and signs in through the login form.
func (e *Env) SignedIn(role staff.Role) *Client {
	e.T.Helper()
	u := e.CreateUser(role)
	c := e.Anonymous()
	c.User = u
	res := c.PostForm("/staff/login", url.Values{"email": {u.Email}, "password": {Password}})
	if res.StatusCode != http.StatusSeeOther {
		e.T.Fatalf("sign in as %s: status %d: %s", role, res.StatusCode, ReadBody(res))
	}
	res.Body.Close()
	return c
}

// Token creates a user with role and an API token for it.
func (e *Env) Token(role staff.Role) (string, *staff.User) {
	e.T.Helper()
	u := e.CreateUser(role)
	_, tok, err := e.Staff.CreateToken(audit.WithActor(context.Background(), audit.Actor{Label: "test"}), u.Email, 0)
	if err != nil {
		e.T.Fatalf("token: %v", err)
	}
	return tok, u
}

// URL returns the absolute URL of path on the test server.
func (c *Client) URL(path string) string { return c.env.Server.URL + path }

// Get fetches path.
func (c *Client) Get(path string) *http.Response {
	c.env.T.Helper()
	res, err := c.Client.Get(c.URL(path))
	if err != nil {
		c.env.T.Fatalf("GET %s: %v", path, err)
	}
	return res
}

// PostForm posts values to path, adding the CSRF token taken from a page
// the client has just loaded (the way a browser would).
func (c *Client) PostForm(path string, values url.Values) *http.Response {
	c.env.T.Helper()
	if values.Get("csrf_token") == "" {
		values.Set("csrf_token", c.CSRFToken(path))
	}
	return c.PostFormRaw(path, values)
}

// PostFormRaw posts values exactly as given, without a CSRF token unless
// values has one.
func (c *Client) PostFormRaw(path string, values url.Values) *http.Response {
	c.env.T.Helper()
	res, err := c.Client.PostForm(c.URL(path), values)
	if err != nil {
		c.env.T.Fatalf("POST %s: %v", path, err)
	}
	return res
}

var csrfInput = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// CSRFToken loads a page that carries a form token and returns the token.
// It tries formPath first and falls back to the sign-in page.
func (c *Client) CSRFToken(formPath string) string {
	c.env.T.Helper()
	for _, p := range []string{formPath, "/staff/login", "/staff/"} {
		res, err := c.Client.Get(c.URL(p))
		if err != nil {
			continue
		}
		body := ReadBody(res)
		if m := csrfInput.FindStringSubmatch(body); m != nil {
			return m[1]
		}
	}
	c.env.T.Fatalf("no CSRF token found near %s", formPath)
	return ""
}

// Do sends req, setting a bearer token when token is not empty.
func (c *Client) Do(req *http.Request, token string) *http.Response {
	c.env.T.Helper()
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := c.Client.Do(req)
	if err != nil {
		c.env.T.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	return res
}

// ReadBody reads and closes a response body.
func ReadBody(res *http.Response) string {
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return string(b)
}
