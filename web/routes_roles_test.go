package web_test

import (
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/gorilla/mux"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/internal/staff"
	"github.com/campaignwatch/campaignwatch/web/webtest"
)

// Role decisions, one per route and method. "ANY" stands for a route that
// takes every method (River UI, the /staff redirect).
var (
	public   = []staff.Role(nil)
	anyStaff = staff.Roles
	admin    = []staff.Role{staff.RoleAdmin}
	// adminPol is the political team's work: parties, letters, elections.
	adminPol = []staff.Role{staff.RoleAdmin, staff.RolePoliticalTeam}
	// adminTriage is triage and complainants' evidence.
	adminTriage = []staff.Role{staff.RoleAdmin, staff.RoleTriageOfficer}
	// importers may import complaints received by other routes.
	importers = []staff.Role{staff.RoleAdmin, staff.RolePoliticalTeam, staff.RoleTriageOfficer}
	// reportViewers read reports; reportExporters export complaint data.
	reportViewers   = []staff.Role{staff.RoleAdmin, staff.RolePoliticalTeam, staff.RoleAnalyst}
	reportExporters = []staff.Role{staff.RoleAdmin, staff.RoleAnalyst}
)

// routeRoles is the role decision for every route in web/routes.go and the
// files it mounts. A route missing here fails TestEveryRouteHasARoleDecision:
// deciding who may use a new route is part of adding it.
var routeRoles = map[string][]staff.Role{
	// Operations and public pages.
	"GET /healthz": public, "HEAD /healthz": public, "GET /readyz": public, "HEAD /readyz": public,
	"GET /metrics": public, "GET /static/": public, "HEAD /static/": public,
	"GET /": public, "GET /privacy": public, "GET /accessibility": public,

	// Organisation settings (settings.go).
	"GET /staff/settings": admin, "POST /staff/settings": admin,
	"GET /staff/settings/versions/{n:[0-9]+}": admin, "GET /api/v1/settings": admin,
	"ANY /staff": public, "GET /staff/login": public, "POST /staff/login": public,

	// The public complaint form and API.
	"POST /api/v1/complaints": public, "GET /complaints": public,
	"GET /complaints/new": public, "POST /complaints/new": public,
	"GET /complaints/new/sender": public, "POST /complaints/new/sender": public,
	"GET /complaints/new/message": public, "POST /complaints/new/message": public,
	"GET /complaints/new/permission": public, "POST /complaints/new/permission": public,
	"GET /complaints/new/breach-where": public, "POST /complaints/new/breach-where": public,
	"GET /complaints/new/breach-count": public, "POST /complaints/new/breach-count": public,
	"GET /complaints/new/breach-exposed": public, "POST /complaints/new/breach-exposed": public,
	"GET /complaints/new/contacted": public, "POST /complaints/new/contacted": public,
	"GET /complaints/new/asked-to-stop": public, "POST /complaints/new/asked-to-stop": public,
	"GET /complaints/new/party": public, "POST /complaints/new/party": public,
	"GET /complaints/new/about-you": public, "POST /complaints/new/about-you": public,
	"GET /complaints/new/evidence": public, "POST /complaints/new/evidence": public,
	"POST /complaints/new/evidence/remove": public,
	"GET /complaints/new/check":            public, "POST /complaints/new/check": public,
	"GET /complaints/new/confirmation": public,

	// Every member of staff.
	"GET /api/v1/me": anyStaff, "POST /staff/logout": anyStaff, "GET /staff/": anyStaff,
	"GET /staff/alerts": anyStaff, "GET /staff/clusters": anyStaff, "GET /staff/clusters/{id:[0-9]+}": anyStaff,
	"GET /staff/rulebook": anyStaff,
	// The API's description, which names staff-only operations.
	"GET /api/v1/openapi.yaml": anyStaff, "GET /api/docs": anyStaff,
	"GET /api/v1/complaints": anyStaff, "GET /api/v1/complaints/{reference}": anyStaff,
	"GET /staff/complaints": anyStaff,
	"GET /staff/complaints/{reference:CW-[A-Z0-9]{4}-[A-Z0-9]{4}}": anyStaff,
	"GET /api/v1/elections": anyStaff, "GET /api/v1/elections/{id:[0-9]+}": anyStaff,
	"GET /staff/elections": anyStaff, "GET /staff/elections/{id:[0-9]+}": anyStaff,
	"GET /staff/letters/{id:[0-9]+}": anyStaff, "GET /staff/letters/{id:[0-9]+}/html": anyStaff,
	"GET /staff/letters/{id:[0-9]+}/pdf": anyStaff,
	"GET /staff/parties":                 anyStaff, "GET /staff/parties/export.xlsx": anyStaff,
	"GET /staff/parties/{id:[0-9]+}": anyStaff,
	"GET /api/v1/parties":            anyStaff, "GET /api/v1/parties/{id:[0-9]+}": anyStaff,
	"GET /api/v1/parties/{id:[0-9]+}/contacts":              anyStaff,
	"GET /api/v1/parties/{id:[0-9]+}/contacts/{cid:[0-9]+}": anyStaff,

	// Administrators only.
	"ANY /admin/jobs": admin, "GET /staff/admin/users": admin, "GET /staff/admin/audit": admin,
	"POST /staff/admin/users/{id:[0-9]+}/disable": admin, "POST /staff/admin/users/{id:[0-9]+}/enable": admin,

	// Administrators and the political team.
	"GET /staff/outbox": admin, "GET /staff/outbox/{name}": admin, "GET /staff/outbox/{name}/html": admin,
	"POST /staff/alerts/{id:[0-9]+}/close": adminPol,
	"POST /api/v1/elections":               adminPol, "POST /staff/elections": adminPol,
	"POST /api/v1/elections/call": adminPol, "POST /staff/elections/confirm": adminPol, "POST /staff/elections/sample.pdf": adminPol,
	"GET /staff/elections/{id:[0-9]+}/called/{batch:[0-9]+}": anyStaff,
	"POST /api/v1/letters": adminPol, "GET /staff/letters/new": adminPol, "POST /staff/letters/new": adminPol,
	"POST /staff/letters/confirm": adminPol, "POST /staff/letters/sample.pdf": adminPol,
	"GET /staff/letters/batches/{batch:[0-9]+}":                                        anyStaff,
	"POST /staff/letters/batches/{batch:[0-9]+}/{action:release|cancel}":               adminPol,
	"POST /api/v1/letters/{reference:.+}/bounce":                                       adminPol,
	"POST /staff/elections/{id:[0-9]+}/batches/{batch:[0-9]+}/{action:release|cancel}": adminPol,
	"POST /staff/elections/{id:[0-9]+}/resend":                                         adminPol,
	"POST /staff/letters/{id:[0-9]+}/test-copy":                                        adminPol, "POST /staff/letters/{id:[0-9]+}/bounce": adminPol,
	"GET /staff/letter-templates": adminPol,
	"GET /staff/letter-templates/previews/{token:[0-9a-f]{32}}/{part:html|pdf}":                       adminPol,
	"GET /staff/letter-templates/{name:[a-z0-9][a-z0-9-]*}":                                           adminPol,
	"GET /staff/letter-templates/{name:[a-z0-9][a-z0-9-]*}/versions/{version:[0-9]+}":                 adminPol,
	"GET /staff/letter-templates/{name:[a-z0-9][a-z0-9-]*}/versions/{version:[0-9]+}/{part:html|pdf}": adminPol,
	"GET /staff/letter-templates/{name:[a-z0-9][a-z0-9-]*}/edit":                                      adminPol,
	"POST /staff/letter-templates/{name:[a-z0-9][a-z0-9-]*}/edit":                                     adminPol,
	"GET /staff/parties/import": adminPol, "POST /staff/parties/import": adminPol,
	"POST /staff/parties": adminPol, "GET /staff/parties/new": adminPol,
	"POST /staff/parties/{id:[0-9]+}": adminPol, "GET /staff/parties/{id:[0-9]+}/edit": adminPol,
	"POST /staff/parties/{id:[0-9]+}/{state:deactivate|reactivate}": adminPol,
	"POST /staff/parties/{id:[0-9]+}/contacts":                      adminPol, "GET /staff/parties/{id:[0-9]+}/contacts/new": adminPol,
	"POST /staff/parties/{id:[0-9]+}/contacts/{cid:[0-9]+}":                               adminPol,
	"GET /staff/parties/{id:[0-9]+}/contacts/{cid:[0-9]+}/edit":                           adminPol,
	"POST /staff/parties/{id:[0-9]+}/contacts/{cid:[0-9]+}/{state:deactivate|reactivate}": adminPol,
	"POST /api/v1/parties/import":                                                         adminPol, "POST /api/v1/parties": adminPol,
	"PATCH /api/v1/parties/{id:[0-9]+}":                                                    adminPol,
	"POST /api/v1/parties/{id:[0-9]+}/{state:deactivate|reactivate}":                       adminPol,
	"POST /api/v1/parties/{id:[0-9]+}/contacts":                                            adminPol,
	"PATCH /api/v1/parties/{id:[0-9]+}/contacts/{cid:[0-9]+}":                              adminPol,
	"POST /api/v1/parties/{id:[0-9]+}/contacts/{cid:[0-9]+}/{state:deactivate|reactivate}": adminPol,
	"POST /staff/reports/elections/{id:[0-9]+}/follow-up":                                  adminPol,

	// The audit programme (audits*.go): the political team and
	// administrators change it, analysts read it, triage officers see none.
	"GET /staff/audits": reportViewers, "POST /staff/audits": adminPol, "GET /staff/audits/new": adminPol,
	"POST /staff/audits/programmes": adminPol, "GET /staff/audits/programmes/new": adminPol,
	"GET /staff/audits/programmes/{id:[0-9]+}":                reportViewers,
	"POST /staff/audits/programmes/{id:[0-9]+}":               adminPol,
	"GET /staff/audits/programmes/{id:[0-9]+}/edit":           adminPol,
	"GET /staff/audits/{id:[0-9]+}":                           reportViewers,
	"POST /staff/audits/{id:[0-9]+}":                          adminPol,
	"GET /staff/audits/{id:[0-9]+}/edit":                      adminPol,
	"POST /staff/audits/{id:[0-9]+}/advance":                  adminPol,
	"GET /staff/audits/{id:[0-9]+}/review":                    adminPol,
	"POST /staff/audits/{id:[0-9]+}/review":                   adminPol,
	"POST /staff/audits/{id:[0-9]+}/recommendations":          adminPol,
	"GET /staff/audits/{id:[0-9]+}/recommendations/new":       adminPol,
	"GET /staff/audits/{id:[0-9]+}/import":                    adminPol,
	"POST /staff/audits/{id:[0-9]+}/import":                   adminPol,
	"GET /staff/audits/recommendations/{id:[0-9]+}":           reportViewers,
	"POST /staff/audits/recommendations/{id:[0-9]+}":          adminPol,
	"GET /staff/audits/recommendations/{id:[0-9]+}/edit":      adminPol,
	"POST /staff/audits/recommendations/{id:[0-9]+}/response": adminPol,
	"POST /staff/audits/recommendations/{id:[0-9]+}/progress": adminPol,
	"GET /staff/audits/evidence/{id:[0-9]+}":                  reportViewers,

	// Triage, complainants' evidence and imports.
	"GET /staff/triage": adminTriage, "POST /staff/triage/bulk": adminTriage,
	"GET /staff/triage/{reference:CW-[A-Z0-9]{4}-[A-Z0-9]{4}}":                                               adminTriage,
	"POST /staff/triage/{reference:CW-[A-Z0-9]{4}-[A-Z0-9]{4}}/{action:accept|override|review|close|assign}": adminTriage,
	"GET /staff/complaints/{reference:CW-[A-Z0-9]{4}-[A-Z0-9]{4}}/evidence/{id:[0-9]+}":                      adminTriage,
	"GET /staff/complaints/import": importers, "POST /staff/complaints/import": importers,

	// Reports and exports.
	"GET /staff/reports": reportViewers, "GET /api/v1/trends": reportViewers,
	"GET /staff/reports/elections/{id:[0-9]+}":                          reportViewers,
	"GET /staff/reports/elections/{id:[0-9]+}/parties/{pid:[0-9]+}":     reportViewers,
	"GET /staff/reports/elections/{id:[0-9]+}/parties/{pid:[0-9]+}.pdf": reportViewers,
	"POST /staff/reports/exports":                                       reportExporters, "GET /staff/reports/exports/{id:[0-9]+}": reportExporters,
	"GET /staff/reports/exports/{id:[0-9]+}/file": reportExporters,

	// The audit programme's outputs (audits_reports.go).
	"GET /staff/audits/{id:[0-9]+}/report":                   reportViewers,
	"GET /staff/audits/{id:[0-9]+}/report.pdf":               reportViewers,
	"POST /staff/audits/{id:[0-9]+}/letter":                  adminPol,
	"GET /staff/audits/programmes/{id:[0-9]+}/summary":       reportViewers,
	"GET /staff/audits/programmes/{id:[0-9]+}/summary.pdf":   reportViewers,
	"GET /staff/audits/programmes/{id:[0-9]+}/workbook.xlsx": reportViewers,
}

// routeCase is one route and method to exercise.
type routeCase struct {
	key    string // "METHOD template", the key of routeRoles
	method string
	path   string // a concrete path that matches the route
}

var choices = regexp.MustCompile(`^[a-z-]+(\|[a-z-]+)+$`)

// fillVars replaces each {name} or {name:pattern} of a mux template with
// value(pattern); patterns may hold braces of their own ({4}).
func fillVars(tpl string, value func(pattern string) string) string {
	var b strings.Builder
	for i := 0; i < len(tpl); i++ {
		if tpl[i] != '{' {
			b.WriteByte(tpl[i])
			continue
		}
		depth, j := 0, i
		for ; j < len(tpl); j++ {
			if tpl[j] == '{' {
				depth++
			} else if tpl[j] == '}' {
				if depth--; depth == 0 {
					break
				}
			}
		}
		_, pattern, _ := strings.Cut(tpl[i+1:j], ":")
		b.WriteString(value(pattern))
		i = j
	}
	return b.String()
}

// samplePath fills a template's variables with values that match their
// patterns but name nothing that exists, so an allowed request reaches the
// handler and changes nothing.
func samplePath(t *testing.T, tpl string, prefix bool) string {
	p := fillVars(tpl, func(pattern string) string {
		switch {
		case pattern == "" || pattern == ".+":
			return "CW-ZZZZ-ZZZZ"
		case pattern == "[0-9]+":
			return "999999"
		case strings.HasPrefix(pattern, "CW-"):
			return "CW-ZZZZ-ZZZZ"
		case pattern == "[0-9a-f]{32}":
			return strings.Repeat("0", 32)
		case pattern == "[a-z0-9][a-z0-9-]*":
			return "no-such-name"
		case choices.MatchString(pattern):
			return strings.Split(pattern, "|")[0]
		}
		require.Failf(t, "no sample value", "route %s: no sample value for the pattern %q; add one to samplePath", tpl, pattern)
		return ""
	})
	if prefix {
		p = strings.TrimSuffix(p, "/") + "/no-such-file"
	}
	return p
}

// routeCases walks the router for every route that has a handler.
func routeCases(t *testing.T, env *webtest.Env) []routeCase {
	var cases []routeCase
	err := env.Web.Router().Walk(func(route *mux.Route, _ *mux.Router, _ []*mux.Route) error {
		if route.GetHandler() == nil {
			return nil // a subrouter's own route
		}
		tpl, err := route.GetPathTemplate()
		require.NoError(t, err)
		re, err := route.GetPathRegexp()
		require.NoError(t, err)
		path := samplePath(t, tpl, !strings.HasSuffix(re, "$"))
		methods, err := route.GetMethods()
		if err != nil {
			cases = append(cases, routeCase{key: "ANY " + tpl, method: http.MethodGet, path: path})
			return nil
		}
		for _, m := range methods {
			cases = append(cases, routeCase{key: m + " " + tpl, method: m, path: path})
		}
		return nil
	})
	require.NoError(t, err)
	// Sign-out last, since it ends the session the others use.
	sort.SliceStable(cases, func(i, j int) bool {
		return cases[i].key != "POST /staff/logout" && cases[j].key == "POST /staff/logout"
	})
	return cases
}

// TestEveryRouteHasARoleDecision fails for a route without an entry in
// routeRoles, and for an entry whose route has gone.
func TestEveryRouteHasARoleDecision(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{WithRiverUI: true})
	seen := map[string]bool{}
	for _, c := range routeCases(t, env) {
		seen[c.key] = true
		assert.Contains(t, routeRoles, c.key, "%s has no role decision: add it to routeRoles in web/routes_roles_test.go", c.key)
	}
	for key := range routeRoles {
		assert.True(t, seen[key], "routeRoles has %s, which is not a route any more", key)
	}
}

// TestRouteRoleMatrix calls every route as every identity (anonymous and
// each staff role) and checks that the guard lets exactly the decided ones
// through: anonymous callers get 401 (API) or a redirect to sign-in, staff
// without the role get 403, and everyone allowed reaches the handler.
func TestRouteRoleMatrix(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{WithRiverUI: true})
	cases := routeCases(t, env)

	type identity struct {
		name   string
		role   staff.Role // "" for anonymous
		client *webtest.Client
	}
	ids := []identity{{name: "anonymous", client: env.Anonymous()}}
	for _, r := range staff.Roles {
		ids = append(ids, identity{name: string(r), role: r, client: env.SignedIn(r)})
	}
	for _, id := range ids {
		t.Run(id.name, func(t *testing.T) {
			t.Parallel()
			// One form token serves every request: it is bound to the
			// client's session (or pre-session id), not to the form.
			token := id.client.CSRFToken("/staff/login")
			for _, c := range cases {
				roles, ok := routeRoles[c.key]
				if !ok {
					continue // reported by TestEveryRouteHasARoleDecision
				}
				allowed := roles == nil || (id.role != "" && slices.Contains(roles, id.role))
				status, location, body := call(t, id.client, c, token)
				// The API's reference is a page, which sends a visitor to sign in.
				api := strings.HasPrefix(c.path, "/api/") && c.path != "/api/docs"
				signInRedirect := status == http.StatusSeeOther && strings.HasPrefix(location, "/staff/login?next=")
				roleRefusal := status == http.StatusForbidden && strings.Contains(body, "Your role does not give access to this.")
				switch {
				case allowed:
					refused := status == http.StatusUnauthorized || signInRedirect || roleRefusal || status == http.StatusForbidden && strings.Contains(body, "expired")
					assert.False(t, refused, "%s as %s: refused with %d (%s), but the route allows it", c.key, id.name, status, location)
				case id.role == "" && api:
					assert.Equal(t, http.StatusUnauthorized, status, "%s as anonymous", c.key)
				case id.role == "":
					assert.True(t, signInRedirect, "%s as anonymous: got %d %q, want a redirect to sign-in", c.key, status, location)
				default:
					assert.True(t, roleRefusal, "%s as %s: got %d, want 403 for the role", c.key, id.name, status)
				}
			}
		})
	}
}

// call sends one request the way our own pages would: with the form token
// in a form field, or in the header for the JSON API.
func call(t *testing.T, c *webtest.Client, rc routeCase, token string) (status int, location, body string) {
	t.Helper()
	var req *http.Request
	switch {
	case rc.method == http.MethodGet || rc.method == http.MethodHead:
		req, _ = http.NewRequest(rc.method, c.URL(rc.path), nil)
	case strings.HasPrefix(rc.path, "/api/"):
		req, _ = http.NewRequest(rc.method, c.URL(rc.path), strings.NewReader("{}"))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-CSRF-Token", token)
	default:
		req, _ = http.NewRequest(rc.method, c.URL(rc.path), strings.NewReader("csrf_token="+token))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	res := c.Do(req, "")
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err, fmt.Sprintf("%s %s", rc.method, rc.path))
	return res.StatusCode, res.Header.Get("Location"), string(b)
}
