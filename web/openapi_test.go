package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/gorilla/mux"
	yaml "go.yaml.in/yaml/v3"

	"github.com/campaignwatch/campaignwatch/internal/staff"
	"github.com/campaignwatch/campaignwatch/web/openapi"
	"github.com/campaignwatch/campaignwatch/web/webtest"
)

func TestOpenAPIDescriptionIsValid(t *testing.T) {
	if err := webtest.CheckSpec(); err != nil {
		t.Fatal(err)
	}
}

// errorCatcher records the failures a validating server reports instead
// of failing the test, so a test can assert that they happen.
type errorCatcher struct {
	testing.TB
	mu     sync.Mutex
	errors []string
}

func (c *errorCatcher) Errorf(format string, args ...any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.errors = append(c.errors, fmt.Sprintf(format, args...))
}

func (c *errorCatcher) caught() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.errors...)
}

// TestOpenAPIValidationCatchesABrokenResponse proves the validation the
// test server does cannot pass silently: the real /api/v1/me, its field
// renamed or its type changed on the way out, fails it.
func TestOpenAPIValidationCatchesABrokenResponse(t *testing.T) {
	env := webtest.New(t, webtest.Options{})
	tok, _ := env.Token(staff.RoleAnalyst)
	cases := []struct {
		name, from, to, want string
	}{
		{"unchanged", "", "", ""},
		{"a field renamed", `"email":`, `"e_mail":`, "email"},
		{"a type changed", `"role_label":"Analyst"`, `"role_label":7`, "role_label"},
		{"a code outside its enum", `"role":"analyst"`, `"role":"intern"`, "role"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			catcher := &errorCatcher{TB: t}
			breaker := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				rec := httptest.NewRecorder()
				env.Web.Handler().ServeHTTP(rec, r)
				body := rec.Body.String()
				if c.from != "" {
					if !strings.Contains(body, c.from) {
						t.Fatalf("the response has no %s to break: %s", c.from, body)
					}
					body = strings.Replace(body, c.from, c.to, 1)
				}
				for k, v := range rec.Header() {
					w.Header()[k] = v
				}
				w.WriteHeader(rec.Code)
				_, _ = w.Write([]byte(body))
			})
			srv := httptest.NewServer(webtest.ValidateAPI(catcher, breaker))
			defer srv.Close()
			req, _ := http.NewRequest(http.MethodGet, srv.URL+"/api/v1/me", nil)
			req.Header.Set("Authorization", "Bearer "+tok)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			got := catcher.caught()
			if c.want == "" {
				if len(got) > 0 {
					t.Errorf("the unchanged response fails validation: %v", got)
				}
				return
			}
			if len(got) == 0 {
				t.Fatalf("the validator did not notice %s", c.name)
			}
			if !strings.Contains(got[0], "GET /api/v1/me") || !strings.Contains(got[0], "200") || !strings.Contains(got[0], c.want) {
				t.Errorf("the failure does not name the method, path, status and field %q: %s", c.want, got[0])
			}
		})
	}
}

// TestOpenAPIValidationRefusesUndescribedPaths: an API path the
// description lacks fails a test unless the server refused it too.
func TestOpenAPIValidationRefusesUndescribedPaths(t *testing.T) {
	req := httptest.NewRequest(http.MethodGet, "/api/v1/secret-report", nil)
	if p := webtest.SpecProblems(req, nil, http.StatusOK, http.Header{"Content-Type": {"application/json"}}, []byte(`{}`)); len(p) == 0 ||
		!strings.Contains(p[0], "not in the OpenAPI description") {
		t.Errorf("an answered path outside the description passed: %v", p)
	}
	if p := webtest.SpecProblems(req, nil, http.StatusNotFound, http.Header{"Content-Type": {"application/json"}},
		[]byte(`{"error":"Not found.","code":"not_found"}`)); len(p) > 0 {
		t.Errorf("a refused unknown path failed: %v", p)
	}
}

// specOperations lists the description's operations as "METHOD path".
func specOperations(t *testing.T) map[string]bool {
	var doc struct {
		Paths map[string]map[string]any `yaml:"paths"`
	}
	if err := yaml.Unmarshal(openapi.Spec, &doc); err != nil {
		t.Fatal(err)
	}
	ops := map[string]bool{}
	for p, item := range doc.Paths {
		for m := range item {
			if m != "parameters" {
				ops[strings.ToUpper(m)+" "+p] = true
			}
		}
	}
	return ops
}

var muxParam = regexp.MustCompile(`\{([a-z]+):[^}]*\}`)

// TestEveryAPIRouteIsDescribed walks the router: every /api/v1 route is
// in the description, and every operation there has a route.
func TestEveryAPIRouteIsDescribed(t *testing.T) {
	env := webtest.New(t, webtest.Options{})
	ops := specOperations(t)
	routed := map[string]bool{}
	err := env.Web.Router().Walk(func(route *mux.Route, _ *mux.Router, _ []*mux.Route) error {
		tpl, err := route.GetPathTemplate()
		if err != nil || route.GetHandler() == nil || !strings.HasPrefix(tpl, "/api/v1") {
			return nil
		}
		tpls := []string{muxParam.ReplaceAllString(tpl, "{$1}")}
		if strings.Contains(tpl, "{reference:.+}/bounce") {
			// A letter's reference keeps its slashes in the path: the
			// description has a path for the default pattern's three
			// parts beside the one for a reference without slashes.
			tpls = append(tpls, strings.Replace(tpl, "{reference:.+}/bounce", "{series}/{year}/{number}/bounce", 1))
		}
		methods, err := route.GetMethods()
		if err != nil {
			t.Errorf("%s takes any method; the description cannot say which", tpl)
			return nil
		}
		for _, m := range methods {
			for _, p := range tpls {
				key := m + " " + p
				routed[key] = true
				if !ops[key] {
					t.Errorf("%s is served but not in the OpenAPI description", key)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for op := range ops {
		if !routed[op] {
			t.Errorf("%s is in the OpenAPI description but no route serves it", op)
		}
	}
}

// TestAPIDescriptionIsServedAndRendered: the YAML at its address for
// staff (a bearer token will do) and for no one else, and the page at
// /api/docs for signed-in staff with every operation, built on the
// server, under the same strict content security policy as other pages.
func TestAPIDescriptionIsServedAndRendered(t *testing.T) {
	env := webtest.New(t, webtest.Options{})
	anon := env.Anonymous()

	res := anon.Get("/api/v1/openapi.yaml")
	webtest.ReadBody(res)
	if res.StatusCode != http.StatusUnauthorized {
		t.Errorf("GET /api/v1/openapi.yaml without a token: %d, want 401", res.StatusCode)
	}
	res = anon.Get("/api/docs")
	webtest.ReadBody(res)
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/staff/login") {
		t.Errorf("GET /api/docs anonymously: %d to %q, want the sign-in page", res.StatusCode, res.Header.Get("Location"))
	}

	tok, _ := env.Token(staff.RoleAnalyst)
	req, _ := http.NewRequest(http.MethodGet, env.Server.URL+"/api/v1/openapi.yaml", nil)
	res = anon.Do(req, tok)
	body := webtest.ReadBody(res)
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/yaml") {
		t.Fatalf("GET /api/v1/openapi.yaml with a token: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	if body != string(openapi.Spec) {
		t.Error("the served description is not the embedded file")
	}

	signedIn := env.SignedIn(staff.RoleTriageOfficer)
	ref := signedIn.Get("/staff/")
	webtest.ReadBody(ref)
	res = signedIn.Get("/api/docs")
	page := webtest.ReadBody(res)
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("GET /api/docs: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	if got, want := res.Header.Get("Content-Security-Policy"), ref.Header.Get("Content-Security-Policy"); got == "" || got != want {
		t.Errorf("the docs page's CSP %q differs from the other pages' %q", got, want)
	}
	for op := range specOperations(t) {
		method, path, _ := strings.Cut(op, " ")
		if !strings.Contains(page, "<code>"+method+" "+path+"</code>") {
			t.Errorf("the docs page does not show %s", op)
		}
	}
	for _, want := range []string{"X-CSRF-Token", "<th scope=\"row\"><code>live_call</code></th><td>Live call</td>",
		"<code>role_label</code>", "422 Unprocessable Entity"} {
		if !strings.Contains(page, want) {
			t.Errorf("the docs page lacks %q", want)
		}
	}
	if strings.Contains(page, "<script") || strings.Contains(page, "https://cdn") {
		t.Error("the docs page loads a script or uses a CDN")
	}
}

// TestAPILabelsBesideCodes: the codes stay, and a label in words sits
// beside each one a person reads.
func TestAPILabelsBesideCodes(t *testing.T) {
	env := webtest.New(t, webtest.Options{})
	tok, _ := env.Token(staff.RoleTriageOfficer)
	get := func(path string, v any) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, env.Server.URL+path, nil)
		res := env.Anonymous().Do(req, tok)
		defer res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d", path, res.StatusCode)
		}
		if err := json.NewDecoder(res.Body).Decode(v); err != nil {
			t.Fatal(err)
		}
	}
	var me map[string]any
	get("/api/v1/me", &me)
	if me["role"] != "triage_officer" || me["role_label"] != "Triage officer" {
		t.Errorf("me: %v", me)
	}

	post := func(token, path, body string, want int) map[string]any {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, env.Server.URL+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		res := env.Anonymous().Do(req, token)
		defer res.Body.Close()
		var out map[string]any
		if err := json.NewDecoder(res.Body).Decode(&out); err != nil || res.StatusCode != want {
			t.Fatalf("POST %s: %d %v %v", path, res.StatusCode, out, err)
		}
		return out
	}

	post(tok, "/api/v1/complaints",
		`{"channel":"live_call","sender":"07700 900123","message":"Vote for us","consent":"no","received_at":"2026-11-01"}`, http.StatusCreated)
	var page struct {
		Items []map[string]any `json:"items"`
	}
	get("/api/v1/complaints", &page)
	if len(page.Items) != 1 {
		t.Fatalf("complaints: %v", page.Items)
	}
	c := page.Items[0]
	for code, label := range map[string]string{"channel": "channel_label", "status": "status_label", "priority": "priority_label"} {
		if _, ok := c[code]; !ok {
			t.Errorf("the list lost the code %s: %v", code, c)
		}
		if l, _ := c[label].(string); l == "" || l == c[code] {
			t.Errorf("%s is %q beside %s %v", label, l, code, c[code])
		}
	}
	if c["channel"] != "live_call" || c["channel_label"] != "Live call" {
		t.Errorf("channel: %v / %v", c["channel"], c["channel_label"])
	}
	var detail map[string]any
	get("/api/v1/complaints/"+c["reference"].(string), &detail)
	if detail["channel_label"] != "Live call" || detail["status_label"] == nil {
		t.Errorf("detail labels: %v %v", detail["channel_label"], detail["status_label"])
	}

	// Parties and elections name their nations (and an election its
	// type) in words.
	admin, _ := env.Token(staff.RoleAdmin)
	party := post(admin, "/api/v1/parties", `{"name":"Coast Party","nations":["wales","northern_ireland"]}`, http.StatusCreated)
	if fmt.Sprint(party["nations"]) != "[wales northern_ireland]" || fmt.Sprint(party["nation_labels"]) != "[Wales Northern Ireland]" {
		t.Errorf("party nations: %v / %v", party["nations"], party["nation_labels"])
	}
	call := `{"name":"Old","type":"ni_assembly","announced_on":"2022-03-01","polling_day":"2022-05-05","record_only":true`
	pv := post(admin, "/api/v1/elections/call", call+`,"dry_run":true}`, http.StatusOK)
	post(admin, "/api/v1/elections/call", call+`,"confirmation":"`+pv["confirmation"].(string)+`"}`, http.StatusCreated)
	var els struct {
		Elections []map[string]any `json:"elections"`
	}
	get("/api/v1/elections", &els)
	if len(els.Elections) != 1 {
		t.Fatalf("elections: %v", els.Elections)
	}
	e := els.Elections[0]
	if e["type"] != "ni_assembly" || e["type_label"] != "Northern Ireland Assembly election" ||
		fmt.Sprint(e["nation_labels"]) != "[Northern Ireland]" {
		t.Errorf("election labels: %v", e)
	}
	var st map[string]any
	get(fmt.Sprintf("/api/v1/elections/%v", e["id"]), &st)
	if el, _ := st["election"].(map[string]any); el == nil || el["type_label"] != "Northern Ireland Assembly election" {
		t.Errorf("election status: %v", st["election"])
	}
}

// TestBrowserAPIDocs: the API reference is accessible as axe-core judges,
// and its contents links lead to the operations.
func TestBrowserAPIDocs(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{})
	b := newTab(t, newBrowser(t), env.Server.URL)
	u := env.CreateUser(staff.RoleAnalyst)
	b.open("/staff/login")
	b.set("email", u.Email)
	b.set("password", webtest.Password)
	b.submit(`button[type=submit]`, "/staff/")
	b.open("/api/docs")
	b.checkAxe()
	b.do(chromedp.Click(chromedp.CSS(`nav a[href="#op-getMe"]`), chromedp.NodeVisible))
	if got := eval[string](b, `location.hash`); got != "#op-getMe" {
		t.Errorf("the contents link went to %q", got)
	}
	if got := b.text("#op-getMe"); got != "GET /api/v1/me" {
		t.Errorf("the operation's heading is %q", got)
	}
}
