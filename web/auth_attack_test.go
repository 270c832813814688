package web_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/internal/staff"
	"github.com/campaignwatch/campaignwatch/web/webtest"
)

// TestParallelSignInsGetNoMoreChecksThanTheBudget fires 15 sign-ins at one
// account at once, 14 wrong and one right. A checked attempt answers 401
// (wrong) or 303 (right); one refused unchecked answers 429. However the
// requests interleave, no more wrong guesses than the budget may be checked.
func TestParallelSignInsGetNoMoreChecksThanTheBudget(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{})
	u := env.CreateUser(staff.RoleAdmin)
	limit := env.Staff.Settings().AccountFailures

	const n = 15
	// Each attempt gets its own client with a form token, fetched before
	// the start so the requests leave together.
	type attempt struct {
		c      *webtest.Client
		values url.Values
	}
	attempts := make([]attempt, n)
	for i := range attempts {
		c := env.Anonymous()
		password := fmt.Sprintf("wrong password number %d", i)
		if i == n/2 {
			password = webtest.Password
		}
		attempts[i] = attempt{c, url.Values{"email": {u.Email}, "password": {password}, "csrf_token": {c.CSRFToken("/staff/login")}}}
	}
	start := make(chan struct{})
	statuses := make([]int, n)
	var wg sync.WaitGroup
	for i, a := range attempts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			res, err := a.c.Client.PostForm(a.c.URL("/staff/login"), a.values)
			if !assert.NoError(t, err, "attempt %d", i) {
				return
			}
			res.Body.Close()
			statuses[i] = res.StatusCode
		}()
	}
	close(start)
	wg.Wait()

	counts := map[int]int{}
	for _, s := range statuses {
		counts[s]++
	}
	// The budget counts wrong guesses: the one right password may be
	// checked as well, and gives back only its own attempt, so however
	// early it settles no guess gets its place.
	require.LessOrEqual(t, counts[http.StatusUnauthorized], limit, "statuses %v: more guesses checked than the budget", counts)
	require.LessOrEqual(t, counts[http.StatusSeeOther], 1, "statuses %v", counts)
	checked := counts[http.StatusUnauthorized] + counts[http.StatusSeeOther]
	require.Equal(t, n, checked+counts[http.StatusTooManyRequests], "statuses %v", counts)
	require.GreaterOrEqual(t, counts[http.StatusTooManyRequests], n-limit-1, "statuses %v", counts)
}

// TestPlantedCSRFCookieIsRefused plays the attack from the probe: a token
// minted by an anonymous visit, with its pre-session cookie planted in a
// signed-in victim's browser, must not carry a staff action.
func TestPlantedCSRFCookieIsRefused(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{})
	base, _ := url.Parse(env.Server.URL)

	attacker := env.Anonymous()
	token := attacker.CSRFToken("/staff/login")
	var seed *http.Cookie
	for _, ck := range attacker.Jar.Cookies(base) {
		if ck.Name == "cw_csrf" {
			seed = ck
		}
	}
	require.NotNil(t, seed, "an anonymous visit gets a pre-session cookie")

	victim := env.SignedIn(staff.RoleAdmin)
	victim.Jar.SetCookies(base, []*http.Cookie{{Name: "cw_csrf", Value: seed.Value, Path: "/"}})
	res := victim.PostFormRaw("/staff/logout", url.Values{"csrf_token": {token}})
	body := webtest.ReadBody(res)
	require.Equal(t, http.StatusForbidden, res.StatusCode, "the planted token was accepted")
	require.Contains(t, body, "This form has expired")

	// The same goes for the API's header.
	req, _ := http.NewRequest(http.MethodPost, victim.URL("/api/v1/parties"), strings.NewReader("{}"))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-CSRF-Token", token)
	res = victim.Do(req, "")
	require.Equal(t, http.StatusForbidden, res.StatusCode)
	require.Contains(t, webtest.ReadBody(res), "X-CSRF-Token")

	// Still signed in; the victim's own token works.
	res = victim.Get("/staff/")
	res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode)
	res = victim.PostForm("/staff/logout", url.Values{})
	res.Body.Close()
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
}

// TestCSRFTokenChangesAtSignIn checks that a token from before sign-in is
// worthless after it, in the same browser.
func TestCSRFTokenChangesAtSignIn(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{})
	u := env.CreateUser(staff.RoleAnalyst)
	c := env.Anonymous()
	before := c.CSRFToken("/staff/login")
	res := c.PostFormRaw("/staff/login", url.Values{"email": {u.Email}, "password": {webtest.Password}, "csrf_token": {before}})
	res.Body.Close()
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	after := c.CSRFToken("/staff/")
	require.NotEqual(t, before, after)
	res = c.PostFormRaw("/staff/logout", url.Values{"csrf_token": {before}})
	res.Body.Close()
	require.Equal(t, http.StatusForbidden, res.StatusCode)
}

// TestHostPrefixedCookiesOverHTTPS checks the cookie names and attributes
// when BASE_URL is https, and that the bare names are then ignored. The
// test server speaks plain http, so cookies are sent by hand (a cookie jar
// keeps Secure cookies from http URLs).
func TestHostPrefixedCookiesOverHTTPS(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{Env: map[string]string{"BASE_URL": "https://campaignwatch.example.org"}})
	u := env.CreateUser(staff.RoleAnalyst)
	c := env.Anonymous()

	res := c.Get("/staff/login")
	body := webtest.ReadBody(res)
	seed := findCookie(t, res, "__Host-cw_csrf")
	require.True(t, seed.Secure)
	require.True(t, seed.HttpOnly)
	require.Equal(t, "/", seed.Path)
	require.Empty(t, seed.Domain)
	token := regexp.MustCompile(`name="csrf_token" value="([^"]+)"`).FindStringSubmatch(body)[1]

	form := url.Values{"email": {u.Email}, "password": {webtest.Password}, "csrf_token": {token}}
	req, _ := http.NewRequest(http.MethodPost, c.URL("/staff/login"), strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Cookie", "__Host-cw_csrf="+seed.Value)
	res = c.Do(req, "")
	res.Body.Close()
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	session := findCookie(t, res, "__Host-cw_session")
	require.True(t, session.Secure)
	require.Equal(t, "/", session.Path)

	// A client without a jar, which could otherwise add the cookies it
	// holds to those given here.
	bare := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(cookie string) int {
		req, _ := http.NewRequest(http.MethodGet, c.URL("/staff/"), nil)
		req.Header.Set("Cookie", cookie)
		res, err := bare.Do(req)
		require.NoError(t, err)
		res.Body.Close()
		return res.StatusCode
	}
	require.Equal(t, http.StatusOK, get("__Host-cw_session="+session.Value))
	require.Equal(t, http.StatusSeeOther, get("cw_session="+session.Value), "an unprefixed cookie could have been planted")
}

func findCookie(t *testing.T, res *http.Response, name string) *http.Cookie {
	t.Helper()
	for _, ck := range res.Cookies() {
		if ck.Name == name {
			return ck
		}
	}
	require.Failf(t, "no cookie", "no %s cookie set; got %v", name, res.Header.Values("Set-Cookie"))
	return nil
}

func apiMe(t *testing.T, c *webtest.Client, token string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, c.URL("/api/v1/me"), nil)
	res := c.Do(req, token)
	defer res.Body.Close()
	var body map[string]any
	require.NoError(t, json.NewDecoder(res.Body).Decode(&body))
	return res.StatusCode, body
}

func TestExpiredAPITokenIsRefusedWithAClearError(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{})
	token, u := env.Token(staff.RoleAnalyst)
	c := env.Anonymous()
	status, _ := apiMe(t, c, token)
	require.Equal(t, http.StatusOK, status)

	var days float64
	require.NoError(t, env.Pool.QueryRow(context.Background(),
		`SELECT extract(epoch FROM expires_at - created_at) / 86400 FROM api_tokens WHERE user_id = $1`, u.ID).Scan(&days))
	require.InDelta(t, 90, days, 0.01, "tokens last 90 days unless told otherwise")

	_, err := env.Pool.Exec(context.Background(), `UPDATE api_tokens SET expires_at = now() - interval '1 minute' WHERE user_id = $1`, u.ID)
	require.NoError(t, err)
	status, body := apiMe(t, c, token)
	require.Equal(t, http.StatusUnauthorized, status)
	require.Contains(t, body["error"], "The API token expired on")
	require.Equal(t, "unauthorized", body["code"])
}

func TestAdminDisablesAndEnablesAnAccount(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{})
	admin := env.SignedIn(staff.RoleAdmin)
	victim := env.SignedIn(staff.RoleTriageOfficer)
	ctx := context.Background()
	_, token, err := env.Staff.CreateToken(ctx, victim.User.Email, 0)
	require.NoError(t, err)
	status, _ := apiMe(t, env.Anonymous(), token)
	require.Equal(t, http.StatusOK, status)

	page := webtest.ReadBody(admin.Get("/staff/admin/users"))
	require.Contains(t, page, fmt.Sprintf(`action="/staff/admin/users/%d/disable"`, victim.User.ID))
	require.NotContains(t, page, fmt.Sprintf(`action="/staff/admin/users/%d/disable"`, admin.User.ID), "no button to disable yourself")

	// Only administrators may, and only with a form token.
	other := env.SignedIn(staff.RolePoliticalTeam)
	path := fmt.Sprintf("/staff/admin/users/%d/disable", victim.User.ID)
	res := other.PostForm(path, url.Values{})
	res.Body.Close()
	require.Equal(t, http.StatusForbidden, res.StatusCode)
	res = admin.PostFormRaw(path, url.Values{})
	res.Body.Close()
	require.Equal(t, http.StatusForbidden, res.StatusCode)

	res = admin.PostForm(path, url.Values{})
	res.Body.Close()
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	require.Contains(t, webtest.ReadBody(admin.Get("/staff/admin/users")), "Account disabled.")

	// At once: the open session and the token stop working.
	res = victim.Get("/staff/")
	res.Body.Close()
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	status, _ = apiMe(t, env.Anonymous(), token)
	require.Equal(t, http.StatusUnauthorized, status)
	res = env.Anonymous().PostForm("/staff/login", url.Values{"email": {victim.User.Email}, "password": {webtest.Password}})
	res.Body.Close()
	require.Equal(t, http.StatusUnauthorized, res.StatusCode)

	// Twice is a clear conflict; disabling yourself a clear refusal.
	res = admin.PostForm(path, url.Values{})
	require.Equal(t, http.StatusConflict, res.StatusCode)
	require.Contains(t, webtest.ReadBody(res), "That account is already disabled.")
	res = admin.PostForm(fmt.Sprintf("/staff/admin/users/%d/disable", admin.User.ID), url.Values{})
	require.Equal(t, http.StatusUnprocessableEntity, res.StatusCode)
	require.Contains(t, webtest.ReadBody(res), "You cannot disable your own account.")
	res = admin.Get("/staff/")
	res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode, "still signed in")

	res = admin.PostForm(fmt.Sprintf("/staff/admin/users/%d/enable", victim.User.ID), url.Values{})
	res.Body.Close()
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	res = env.Anonymous().PostForm("/staff/login", url.Values{"email": {victim.User.Email}, "password": {webtest.Password}})
	res.Body.Close()
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	status, _ = apiMe(t, env.Anonymous(), token)
	require.Equal(t, http.StatusUnauthorized, status, "a token revoked at disabling stays revoked")

	var actions []string
	rows, err := env.Pool.Query(ctx, `SELECT action FROM audit_log WHERE object_type = 'staff_user' AND object_id = $1 AND action LIKE 'user.%' ORDER BY id`, fmt.Sprint(victim.User.ID))
	require.NoError(t, err)
	for rows.Next() {
		var a string
		require.NoError(t, rows.Scan(&a))
		actions = append(actions, a)
	}
	require.NoError(t, rows.Err())
	require.Equal(t, []string{"user.create", "user.disable", "user.enable"}, actions)
}

// TestKnownDeviceSignsInWhileTheAccountIsUnderAttack sets the account-wide
// budget as spread guessing leaves it (delayed for a quarter of an hour)
// and checks that only a browser that signed in before still gets in.
func TestKnownDeviceSignsInWhileTheAccountIsUnderAttack(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{})
	owner := env.SignedIn(staff.RoleAdmin)
	base, _ := url.Parse(env.Server.URL)
	var device *http.Cookie
	for _, ck := range owner.Jar.Cookies(base) {
		if ck.Name == "cw_device" {
			device = ck
		}
	}
	require.NotNil(t, device, "signing in marks the browser as a known device")
	res := owner.PostForm("/staff/logout", url.Values{})
	res.Body.Close()

	_, err := env.Pool.Exec(context.Background(), `
		INSERT INTO login_throttle (key, failures, next_at) VALUES ($1, 100, now() + interval '15 minutes')
		ON CONFLICT (key) DO UPDATE SET failures = 100, last_failure = now(), next_at = now() + interval '15 minutes'`,
		"account:"+owner.User.Email)
	require.NoError(t, err)

	stranger := env.Anonymous()
	res = stranger.PostForm("/staff/login", url.Values{"email": {owner.User.Email}, "password": {webtest.Password}})
	res.Body.Close()
	require.Equal(t, http.StatusTooManyRequests, res.StatusCode)
	wait, err := strconv.Atoi(res.Header.Get("Retry-After"))
	require.NoError(t, err)
	require.True(t, wait > 800 && wait <= 900, "Retry-After %d: what is left of the quarter hour", wait)

	// A device cookie made for another account proves nothing here.
	other := env.SignedIn(staff.RoleAnalyst)
	for _, ck := range other.Jar.Cookies(base) {
		if ck.Name == "cw_device" {
			stranger.Jar.SetCookies(base, []*http.Cookie{{Name: "cw_device", Value: ck.Value, Path: "/"}})
		}
	}
	res = stranger.PostForm("/staff/login", url.Values{"email": {owner.User.Email}, "password": {webtest.Password}})
	res.Body.Close()
	require.Equal(t, http.StatusTooManyRequests, res.StatusCode)

	res = owner.PostForm("/staff/login", url.Values{"email": {owner.User.Email}, "password": {webtest.Password}})
	res.Body.Close()
	require.Equal(t, http.StatusSeeOther, res.StatusCode, "the owner's own browser is shut out")
}

// TestKnownDeviceSignsInDuringAFloodFromItsOwnAddress floods the owner's
// account from the owner's own address (an office NAT, an IPv6 /64: every
// test client is 127.0.0.1) until that address is slowed down. The
// owner's browser, which signed in before, still gets in; a made-up device
// cookie does not.
func TestKnownDeviceSignsInDuringAFloodFromItsOwnAddress(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{})
	owner := env.SignedIn(staff.RoleAdmin)
	res := owner.PostForm("/staff/logout", url.Values{})
	res.Body.Close()

	attacker := env.Anonymous()
	for range env.Staff.Settings().AccountFailures + 1 {
		res = attacker.PostForm("/staff/login", url.Values{"email": {owner.User.Email}, "password": {"a guess from the same office"}})
		res.Body.Close()
	}
	require.Equal(t, http.StatusTooManyRequests, res.StatusCode, "the shared address is slowed down")

	base, _ := url.Parse(env.Server.URL)
	for _, forged := range []string{"bm9uY2U.bm90LWEtbWFj", "bm9uY2U", ".", "bm9uY2U."} {
		attacker.Jar.SetCookies(base, []*http.Cookie{{Name: "cw_device", Value: forged, Path: "/"}})
		res = attacker.PostForm("/staff/login", url.Values{"email": {owner.User.Email}, "password": {webtest.Password}})
		res.Body.Close()
		require.Equal(t, http.StatusTooManyRequests, res.StatusCode, "forged device cookie %q", forged)
	}

	res = owner.PostForm("/staff/login", url.Values{"email": {owner.User.Email}, "password": {webtest.Password}})
	res.Body.Close()
	require.Equal(t, http.StatusSeeOther, res.StatusCode, "the owner's own browser is shut out by a flood from its address")
}

// incompressible returns n letters and digits that PostgreSQL cannot
// compress below its btree entry limit, as repeated letters would be.
func incompressible(n int) string {
	var b strings.Builder
	seed := sha256.Sum256([]byte("sign-in"))
	for b.Len() < n {
		seed = sha256.Sum256(seed[:])
		b.WriteString(hex.EncodeToString(seed[:]))
	}
	return b.String()[:n]
}

// TestMalformedSignInAddressesGetTheOrdinaryRefusal sends addresses too
// long for the throttle's index and not shaped like addresses. Each gets
// the answer a wrong password gets, never a 500.
func TestMalformedSignInAddressesGetTheOrdinaryRefusal(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{})
	c := env.Anonymous()
	refusal := func(email string) (int, string) {
		t.Helper()
		res := c.PostForm("/staff/login", url.Values{"email": {email}, "password": {"whatever it is"}})
		defer res.Body.Close()
		var b strings.Builder
		_, err := io.Copy(&b, res.Body)
		require.NoError(t, err)
		return res.StatusCode, b.String()
	}
	status, body := refusal("nobody@example.org")
	require.Equal(t, http.StatusUnauthorized, status)
	require.Contains(t, body, "The email address or password is not right.")
	for name, email := range map[string]string{
		"5 KB":           incompressible(5000) + "@example.org",
		"255 chars":      strings.Repeat("a", 255-len("@example.org")) + "@example.org",
		"not an address": "<script>alert(1)</script>",
		"display name":   "Admin <admin@example.org>",
		"two addresses":  "a@example.org, b@example.org",
	} {
		status, body := refusal(email)
		require.Equal(t, http.StatusUnauthorized, status, name)
		require.Contains(t, body, "The email address or password is not right.", name)
	}
}
