package web_test

import (
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/internal/staff"
	"github.com/campaignwatch/campaignwatch/web/webtest"
)

// navPages is every page of the staff header, for whichever role.
var navPages = []string{
	"/staff/", "/staff/complaints", "/staff/complaints/import",
	"/staff/triage", "/staff/clusters", "/staff/alerts", "/staff/rulebook",
	"/staff/parties", "/staff/parties/import", "/staff/elections",
	"/staff/letter-templates", "/staff/outbox", "/staff/letters/new",
	"/staff/audits", "/staff/reports",
	"/staff/admin/users", "/staff/admin/audit", "/admin/jobs/", "/staff/settings",
	"/api/docs",
}

// wantNav is, for each role, the header's links in order: written out
// here so a change to the header shows in review as a change of what a
// role sees.
var wantNav = map[staff.Role][]string{
	staff.RoleAdmin: navPages,
	staff.RolePoliticalTeam: {"/staff/", "/staff/complaints", "/staff/complaints/import",
		"/staff/clusters", "/staff/alerts", "/staff/rulebook", "/staff/parties", "/staff/parties/import",
		"/staff/elections", "/staff/letter-templates", "/staff/letters/new", "/staff/audits", "/staff/reports", "/api/docs"},
	staff.RoleTriageOfficer: {"/staff/", "/staff/complaints", "/staff/complaints/import",
		"/staff/triage", "/staff/clusters", "/staff/alerts", "/staff/rulebook", "/staff/parties", "/staff/elections", "/api/docs"},
	staff.RoleAnalyst: {"/staff/", "/staff/complaints", "/staff/clusters", "/staff/alerts", "/staff/rulebook",
		"/staff/parties", "/staff/elections", "/staff/audits", "/staff/reports", "/api/docs"},
}

var (
	navBlock = regexp.MustCompile(`(?s)<nav aria-label="Staff pages".*?</nav>`)
	navHref  = regexp.MustCompile(`<a [^>]*href="([^"]+)"`)
	navCur   = regexp.MustCompile(`<a [^>]*aria-current="page" href="([^"]+)"`)
)

// staffNav returns the header's links on body and the one marked current.
func staffNav(t *testing.T, body string) (links []string, current []string) {
	t.Helper()
	block := navBlock.FindString(body)
	require.NotEmpty(t, block, "the page has no staff header")
	for _, m := range navHref.FindAllStringSubmatch(block, -1) {
		links = append(links, m[1])
	}
	for _, m := range navCur.FindAllStringSubmatch(block, -1) {
		current = append(current, m[1])
	}
	return links, current
}

// routeKey is the route's key in routeRoles for a header link.
func routeKey(path string) string {
	if path == "/admin/jobs/" {
		return "ANY /admin/jobs"
	}
	return "GET " + path
}

func TestNavShowsEachRoleExactlyItsPages(t *testing.T) {
	t.Parallel()
	e := webtest.New(t, webtest.Options{WithRiverUI: true})
	for _, role := range staff.Roles {
		t.Run(string(role), func(t *testing.T) {
			c := e.SignedIn(role)
			res := c.Get("/staff/")
			body := webtest.ReadBody(res)
			require.Equal(t, http.StatusOK, res.StatusCode)
			links, current := staffNav(t, body)
			assert.Equal(t, wantNav[role], links)
			assert.Equal(t, []string{"/staff/"}, current, "the dashboard is the current page")
			assert.NotContains(t, body, "Other pages")

			// The header agrees with the routes' own role lists: it shows
			// a page exactly when the route lets the role in.
			for _, p := range navPages {
				roles, ok := routeRoles[routeKey(p)]
				require.True(t, ok, "no role decision for %s", p)
				assert.Equal(t, slices.Contains(roles, role), slices.Contains(links, p), "%s for %s", p, role)
			}
			// Every page it links to opens for the role, and marks itself.
			for _, p := range links {
				res := c.Get(p)
				body := webtest.ReadBody(res)
				require.Equal(t, http.StatusOK, res.StatusCode, "%s as %s", p, role)
				if strings.HasPrefix(p, "/admin/jobs") {
					continue // River's own UI, not our layout
				}
				_, cur := staffNav(t, body)
				assert.Equal(t, []string{p}, cur, "current page on %s", p)
			}
		})
	}
}

func TestNavMarksTheSectionOfAPageBelowIt(t *testing.T) {
	t.Parallel()
	e := webtest.New(t, webtest.Options{})
	refs := triagedComplaints(t, e, 1)
	officer := e.SignedIn(staff.RoleTriageOfficer)
	for path, want := range map[string]string{
		"/staff/triage/" + refs[0]:        "/staff/triage",
		"/staff/triage?priority=urgent":   "/staff/triage",
		"/staff/complaints/" + refs[0]:    "/staff/complaints",
		"/staff/complaints?status=closed": "/staff/complaints",
	} {
		res := officer.Get(path)
		body := webtest.ReadBody(res)
		require.Equal(t, http.StatusOK, res.StatusCode, path)
		_, cur := staffNav(t, body)
		assert.Equal(t, []string{want}, cur, path)
	}
	// Public pages have no staff header.
	body := webtest.ReadBody(e.Anonymous().Get("/"))
	assert.NotContains(t, body, `aria-label="Staff pages"`)
}
