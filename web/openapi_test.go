package web_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/campaignwatch/campaignwatch/internal/staff"
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
