package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/gorilla/mux"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/internal/staff"
	"github.com/campaignwatch/campaignwatch/web/webtest"
)

// badTexts are the kinds of text no field accepts: NUL (which PostgreSQL
// cannot store), another C0 control character, and bytes that are not
// UTF-8.
var badTexts = map[string]string{"NUL": "a\x00b", "bell": "a\x07b", "invalid UTF-8": "a\xff\xfeb"}

// parameterNames lists every parameter name the handlers and page
// templates use, read from their source, so that a new parameter is swept
// without anyone remembering to add it here.
func parameterNames(t *testing.T) []string {
	t.Helper()
	re := regexp.MustCompile(`(?:Get|FormValue|PostFormValue|FormFile|Has)\("([A-Za-z0-9_\[\].-]+)"\)|name="([A-Za-z0-9_\[\].-]+)"`)
	seen := map[string]bool{}
	var files []string
	for _, glob := range []string{"*.go", "../templates/pages/*.html"} {
		m, err := filepath.Glob(glob)
		require.NoError(t, err)
		files = append(files, m...)
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		require.NoError(t, err)
		for _, m := range re.FindAllStringSubmatch(string(src), -1) {
			name := m[1] + m[2]
			if name != "" && name != "csrf_token" && !strings.Contains(name, "-") {
				seen[name] = true
			}
		}
	}
	var names []string
	for n := range seen {
		names = append(names, n)
	}
	sort.Strings(names)
	require.Greater(t, len(names), 30, "the parameter names were not found: %v", names)
	return names
}

// concretePath fills a route template's variables with plausible values.
func concretePath(tpl string) string {
	return regexp.MustCompile(`\{([a-z]+)(?::([^{}]*(?:\{[0-9]+\}[^{}]*)*))?\}`).ReplaceAllStringFunc(tpl, func(v string) string {
		switch {
		case strings.Contains(v, "CW-"):
			return "CW-2222-2222"
		case strings.Contains(v, "[0-9]"):
			return "1"
		case strings.Contains(v, "|"):
			re := regexp.MustCompile(`:([a-z_-]+)\|`)
			return re.FindStringSubmatch(v)[1]
		default:
			return "x"
		}
	})
}

// jsonSamples are valid bodies for every JSON route that takes one; the
// sweep fails for a JSON route missing here.
var jsonSamples = map[string]string{
	"POST /api/v1/complaints": `{"channel":"sms","party":"Example Party","received_at":"2024-03-27","sender":"07700 900123",
		"message":"Vote for us","description":"No consent","consent":"no","targeting_reason":"age","lang":"en",
		"complainant":{"name":"Ann","email":"ann@example.org","phone":"07700 900982","postcode":"CF10 1AA","may_contact":true},
		"evidence":[{"filename":"a.txt","data":"aGVsbG8="}]}`,
	"POST /api/v1/parties":                             `{"name":"P","short_name":"P","aliases":["p"],"registration_number":"PP1","nations":["england"]}`,
	"PATCH /api/v1/parties/{id}":                       `{"name":"P","short_name":"P","aliases":["p"],"registration_number":"PP1","nations":["england"]}`,
	"POST /api/v1/parties/{id}/{state}":                `{}`,
	"POST /api/v1/parties/{id}/contacts":               `{"name":"C","position":"DPO","email":"c@example.org","role":"data_protection","review_reason":"r"}`,
	"PATCH /api/v1/parties/{id}/contacts/{cid}":        `{"name":"C","position":"DPO","email":"c@example.org","role":"data_protection","review_reason":"r"}`,
	"POST /api/v1/parties/{id}/contacts/{cid}/{state}": `{}`,
	"POST /api/v1/elections": `{"name":"X","type":"general","nations":["england"],"announced_on":"2099-04-01","polling_day":"2099-05-01",
		"regulated_from":"2099-01-01","template":"t","fields":{"k":"v"},"hold":true}`,
	"POST /api/v1/letters/{reference}/bounce": `{"reason":"550 unknown"}`,
	"POST /api/v1/elections/call": `{"name":"X","type":"general","nations":["england"],"announced_on":"2099-04-01","polling_day":"2099-05-01",
		"regulated_from":"2099-01-01","template":"t","fields":{"k":"v"},"hold":true,"dry_run":true}`,
	"POST /api/v1/letters": `{"template":"t","party_ids":[1],"fields":{"k":"v"},"fields_cy":{"k":"v"},"hold":true,"dry_run":true,"confirmation":"c"}`,
}

// uploadRoutes take a file, not JSON, although they live under /api.
var uploadRoutes = map[string]bool{"POST /api/v1/parties/import": true}

// stringLeaves returns a copy of the document for each string (value or
// key) in it, with that string replaced by the raw JSON text bad, and the
// field path the answer should name.
func stringLeaves(doc any, bad string) (bodies []string, fields []string) {
	const mark = "\u2603MARK\u2603"
	var walk func(v any, path string, set func(any))
	root := doc
	emit := func(path string) {
		b, _ := json.Marshal(root)
		bodies = append(bodies, strings.Replace(string(b), `"`+mark+`"`, bad, 1))
		fields = append(fields, path)
	}
	walk = func(v any, path string, set func(any)) {
		switch x := v.(type) {
		case string:
			set(mark)
			emit(path)
			set(x)
		case map[string]any:
			for k, e := range x {
				p := k
				if path != "" {
					p = path + "." + k
				}
				walk(e, p, func(n any) { x[k] = n })
			}
		case []any:
			for i, e := range x {
				walk(e, fmt.Sprintf("%s[%d]", path, i), func(n any) { x[i] = n })
			}
		}
	}
	walk(doc, "", nil)
	return bodies, fields
}

// dataDigest summarises every row of every table a request could change,
// leaving out sessions and tokens (a request touches its own) and the job
// queue.
func dataDigest(t *testing.T, env *webtest.Env) string {
	t.Helper()
	ctx := context.Background()
	rows, err := env.Pool.Query(ctx, `SELECT table_name FROM information_schema.tables
        WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
          AND table_name NOT IN ('staff_sessions', 'api_tokens', 'login_failures') AND table_name NOT LIKE 'river%' ORDER BY 1`)
	require.NoError(t, err)
	var tables []string
	for rows.Next() {
		var n string
		require.NoError(t, rows.Scan(&n))
		tables = append(tables, n)
	}
	require.NoError(t, rows.Err())
	require.Contains(t, tables, "complaints")
	var b strings.Builder
	for _, tbl := range tables {
		var d string
		require.NoError(t, env.Pool.QueryRow(ctx, fmt.Sprintf(`SELECT coalesce(md5(string_agg(x::text, ',' ORDER BY x::text)), '') FROM %q x`, tbl)).Scan(&d))
		fmt.Fprintf(&b, "%s=%s\n", tbl, d)
	}
	return b.String()
}

// TestInvalidTextSweep sends NUL, a control character and invalid UTF-8
// in every query parameter of every GET route, every form field of every
// form route, and every string of a valid body of every JSON route, and
// checks each is answered 422 naming the field, and that nothing stored
// changed.
func TestInvalidTextSweep(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{Env: map[string]string{"COMPLAINT_RATE": "100000", "COMPLAINT_BURST": "100000"}})
	admin := env.SignedIn(staff.RoleAdmin)
	token, _ := env.Token(staff.RoleAdmin)
	csrf := admin.CSRFToken("/staff/parties")
	// Something stored, so that "unchanged" means something.
	status, out, _ := postComplaint(t, env, encode(validComplaint()), nil)
	require.Equal(t, http.StatusCreated, status, out)
	res := admin.Do(jsonRequest(t, env, http.MethodPost, "/api/v1/parties", `{"name":"Sweep Party","nations":["england"]}`), token)
	require.Equal(t, http.StatusCreated, res.StatusCode, webtest.ReadBody(res))
	res.Body.Close()
	before := dataDigest(t, env)

	names := parameterNames(t)
	type route struct{ method, tpl string }
	var routes []route
	require.NoError(t, env.Web.Router().Walk(func(r *mux.Route, _ *mux.Router, _ []*mux.Route) error {
		tpl, err := r.GetPathTemplate()
		if err != nil {
			return nil
		}
		methods, err := r.GetMethods()
		if err != nil {
			return nil // a prefix that only groups routes, or one for every method
		}
		for _, m := range methods {
			if m != http.MethodHead {
				routes = append(routes, route{m, tpl})
			}
		}
		return nil
	}))
	require.Greater(t, len(routes), 50)

	checked := 0
	expect := func(what string, res *http.Response, field string) {
		t.Helper()
		body := webtest.ReadBody(res)
		checked++
		if !assert.Equal(t, http.StatusUnprocessableEntity, res.StatusCode, "%s: %.300s", what, body) {
			return
		}
		assert.True(t, strings.Contains(body, field) || strings.Contains(body, strings.ReplaceAll(field, `"`, `\"`)),
			"%s: the answer does not name %s: %.300s", what, field, body)
	}
	for _, rt := range routes {
		path := concretePath(rt.tpl)
		key := rt.method + " " + regexp.MustCompile(`\{([a-z]+):[^/]*\}`).ReplaceAllString(rt.tpl, "{$1}")
		for kind, bad := range badTexts {
			// NUL goes in every parameter; the other kinds, which the same
			// check refuses, in a sample of them, to keep the sweep quick.
			names := names
			if kind != "NUL" {
				names = names[:3]
			}
			switch {
			case rt.method == http.MethodGet:
				for _, n := range names {
					q := url.Values{n: {bad}}
					res := admin.Get(path + "?" + q.Encode())
					expect(fmt.Sprintf("%s ?%s=%s", key, n, kind), res, n)
				}
			case strings.HasPrefix(rt.tpl, "/api/") && !uploadRoutes[key]:
				sample, ok := jsonSamples[key]
				if !ok {
					assert.Fail(t, "a JSON route has no sample", "%s takes JSON: add a valid body to jsonSamples", key)
					continue
				}
				var doc any
				require.NoError(t, json.Unmarshal([]byte(sample), &doc), key)
				raw, _ := json.Marshal(bad)
				if kind == "invalid UTF-8" {
					raw = []byte(`"` + bad + `"`) // json.Marshal would repair it
				}
				bodies, fields := stringLeaves(doc, string(raw))
				for i, b := range bodies {
					res := admin.Do(jsonRequest(t, env, rt.method, path, b), token)
					expect(fmt.Sprintf("%s JSON %s=%s", key, fields[i], kind), res, fields[i])
				}
			default:
				for _, n := range names {
					// Both form encodings, each with a valid token.
					form := url.Values{n: {bad}, "csrf_token": {csrf}}
					res := admin.PostFormRaw(path, form)
					expect(fmt.Sprintf("%s form %s=%s", key, n, kind), res, n)

					var buf bytes.Buffer
					w := multipart.NewWriter(&buf)
					_ = w.WriteField("csrf_token", csrf)
					_ = w.WriteField(n, bad)
					_ = w.Close()
					req, _ := http.NewRequest(rt.method, env.Server.URL+path, &buf)
					req.Header.Set("Content-Type", w.FormDataContentType())
					expect(fmt.Sprintf("%s multipart %s=%s", key, n, kind), admin.Do(req, ""), n)
				}
			}
		}
	}
	t.Logf("%d requests with invalid text over %d routes and %d parameter names", checked, len(routes), len(names))
	require.Equal(t, before, dataDigest(t, env), "a refused request changed stored data")
}

func jsonRequest(t *testing.T, env *webtest.Env, method, path, body string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, env.Server.URL+path, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	return req
}

// TestPartyImportRefusesInvalidText: the sweep covers form fields; a
// party import file carries its names in cells, which are checked too.
func TestPartyImportRefusesInvalidText(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{})
	team := env.SignedIn(staff.RolePoliticalTeam)
	token, _ := env.Token(staff.RolePoliticalTeam)
	before := dataDigest(t, env)
	for kind, bad := range badTexts {
		if kind == "invalid UTF-8" {
			continue // a CSV file that is not UTF-8 is refused as a whole, as before
		}
		csv := "party_name,nations\nGood Party,wales\nBad" + bad + "Party,wales\n"
		req, _ := http.NewRequest(http.MethodPost, team.URL("/api/v1/parties/import"), strings.NewReader(csv))
		req.Header.Set("Content-Type", "text/csv")
		var out map[string]any
		res := team.Do(req, token)
		require.NoError(t, json.NewDecoder(res.Body).Decode(&out))
		res.Body.Close()
		require.Equal(t, http.StatusUnprocessableEntity, res.StatusCode, "%s: %v", kind, out)
		require.Equal(t, []any{map[string]any{"row": float64(3), "column": "party_name",
			"message": "Remove the control character (such as NUL) or the unreadable text from this cell"}}, out["problems"], kind)
	}
	require.Equal(t, before, dataDigest(t, env), "nothing was imported")
}
