package complaintform_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/web/webtest"
)

// TestPublicFormCookiesHostPrefixedOverHTTPS checks the public form's
// cookies (the draft, the language) when BASE_URL is https: __Host-
// names, Secure, Path=/ and no Domain, and that a draft cookie under the
// bare name, which a sibling subdomain could plant, is ignored. Cookies
// are sent by hand, as a jar keeps Secure cookies from http URLs.
func TestPublicFormCookiesHostPrefixedOverHTTPS(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{Env: map[string]string{"BASE_URL": "https://campaignwatch.example.org"}})
	bare := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	send := func(method, path, cookie string, form url.Values) *http.Response {
		var req *http.Request
		if form != nil {
			req, _ = http.NewRequest(method, env.Server.URL+path, strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		} else {
			req, _ = http.NewRequest(method, env.Server.URL+path, nil)
		}
		if cookie != "" {
			req.Header.Set("Cookie", cookie)
		}
		res, err := bare.Do(req)
		require.NoError(t, err)
		return res
	}
	hostOnly := func(ck *http.Cookie) {
		t.Helper()
		require.True(t, ck.Secure, ck.Name)
		require.True(t, ck.HttpOnly, ck.Name)
		require.Equal(t, "/", ck.Path, ck.Name)
		require.Empty(t, ck.Domain, ck.Name)
	}

	res := send(http.MethodGet, "/complaints/new?lang=cy", "", nil)
	body := webtest.ReadBody(res)
	require.Equal(t, http.StatusOK, res.StatusCode)
	hostOnly(findCookie(t, res, "__Host-cw_lang"))
	seed := findCookie(t, res, "__Host-cw_csrf")
	token := regexp.MustCompile(`name="csrf_token" value="([^"]+)"`).FindStringSubmatch(body)[1]

	res = send(http.MethodPost, "/complaints/new", "__Host-cw_csrf="+seed.Value,
		url.Values{"channel": {"sms"}, "csrf_token": {token}})
	res.Body.Close()
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	require.Equal(t, "/complaints/new/sender", res.Header.Get("Location"))
	draft := findCookie(t, res, "__Host-cw_cdraft0")
	hostOnly(draft)

	res = send(http.MethodGet, "/complaints/new/sender", "__Host-cw_cdraft0="+draft.Value, nil)
	res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode, "the draft is read from its __Host- cookie")

	// The same draft under the bare name, as another subdomain could set
	// it for the whole domain: not read, so the visitor starts their own.
	res = send(http.MethodGet, "/complaints/new/sender", "cw_cdraft0="+draft.Value, nil)
	res.Body.Close()
	require.Equal(t, http.StatusSeeOther, res.StatusCode, "a bare-named draft cookie could have been planted")
	require.Equal(t, "/complaints/new", res.Header.Get("Location"))
}

func findCookie(t *testing.T, res *http.Response, name string) *http.Cookie {
	t.Helper()
	for _, ck := range res.Cookies() {
		if ck.Name == name {
			return ck
		}
	}
	t.Fatalf("no %s cookie set; got %v", name, res.Header.Values("Set-Cookie"))
	return nil
}
