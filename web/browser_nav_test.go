package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/internal/audit"
	"github.com/campaignwatch/campaignwatch/internal/staff"
	"github.com/campaignwatch/campaignwatch/web/webtest"
)

func TestRawCodesListCoversTheVocabulary(t *testing.T) {
	pats := rawCodes()
	for _, bad := range []string{"live_call", "in_review", "automated_call", "england", "northern_ireland",
		"political_team", "triage_officer", `{"a":1}`, "sender_identified = false", "sms"} {
		assert.NotEmpty(t, rawCodesIn(bad, pats), bad)
	}
	for _, fine := range []string{"Live call", "In review", "England", "Northern Ireland", "political team",
		"Email", "Send an email", "Urgent", "new complaints", "closed"} {
		assert.Empty(t, rawCodesIn(fine, pats), fine)
	}
}

// TestBrowserStaffNavigation signs in as each role, follows every link of
// the staff header in turn (one click from the page before), and checks
// each page: it loads, marks itself current, passes axe at 1280 and 1920
// pixels wide, and shows no raw code. The triage queue, filled with demo
// complaints, must fit 1280 pixels without scrolling sideways.
func TestBrowserStaffNavigation(t *testing.T) {
	t.Parallel()
	e := webtest.New(t, webtest.Options{WithRiverUI: true})
	ctx := audit.WithActor(context.Background(), audit.Actor{Label: "test"})
	loadDemo(t, ctx, e)
	generateDemoComplaints(t, ctx, e, 80, 16)
	triagedComplaints(t, e, 3)
	dayOnlyComplaint(t, e)
	pats := rawCodes()
	browser := newBrowser(t)

	// rawFailures collects, per page, the raw codes found, so one run
	// reports every page at fault rather than the first.
	rawFailures := map[string][]string{}
	for _, role := range staff.Roles {
		u := e.CreateUser(role)
		b := newTab(t, browser, e.Server.URL)
		b.open("/staff/login")
		b.set("email", u.Email)
		b.set("password", webtest.Password)
		b.submit(`button[type=submit]`, "/staff/")

		links := eval[[]string](b, `Array.from(document.querySelectorAll('nav.staff-nav a')).map(a => a.getAttribute('href'))`)
		assert.Equal(t, wantNav[role], links, "header of %s", role)
		for _, href := range links {
			sel := fmt.Sprintf(`nav.staff-nav a[href=%q]`, href)
			if href == "/admin/jobs/" {
				// River's own interface, which opens its job list: not our
				// layout, so not ours to check with axe. Back to ours.
				b.do(chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible))
				b.waitPage("/admin/jobs/jobs")
				b.open("/staff/")
				continue
			}
			b.submit(sel, href)
			status := eval[int](b, `fetch(location.href, {credentials: "same-origin"}).then(r => r.status)`, chromedp.EvalAwaitPromise)
			require.Equal(t, 200, status, "%s as %s", href, role)
			assert.Equal(t, href, b.attr(`nav.staff-nav a[aria-current="page"]`, "href"), "current page")
			// submit ran axe at 1280 pixels; now at 1920, then back.
			b.do(chromedp.EmulateViewport(1920, 1080))
			b.checkAxe()
			b.do(chromedp.EmulateViewport(1280, 1000))
			if href == "/staff/triage" {
				rows := eval[int](b, `document.querySelectorAll('table.table-queue tbody tr').length`)
				require.GreaterOrEqual(t, rows, 20, "the queue has demo complaints to show")
				sw := eval[int](b, `document.documentElement.scrollWidth`)
				cw := eval[int](b, `document.documentElement.clientWidth`)
				assert.LessOrEqual(t, sw, cw, "the triage queue scrolls sideways at 1280 pixels")
				if found := rawCodesIn(eval[string](b, `document.body.innerText`), pats); len(found) > 0 {
					rawFailures[href+" as "+string(role)] = found
				}
				// The first complaint's panel, one click from the queue.
				b.submit(`table.table-queue tbody tr a[href^="/staff/triage/CW-"]`, eval[string](b,
					`document.querySelector('table.table-queue tbody tr a[href^="/staff/triage/CW-"]').pathname`))
				if found := rawCodesIn(eval[string](b, `document.body.innerText`), pats); len(found) > 0 {
					rawFailures["/staff/triage/{reference} as "+string(role)] = found
				}
				b.do(chromedp.EmulateViewport(1920, 1080))
				b.checkAxe()
				b.do(chromedp.EmulateViewport(1280, 1000))
				continue
			}
			if href == "/api/docs" {
				// The API's reference documents the codes themselves, each
				// beside its meaning: they are its subject, not leaked enums.
				continue
			}
			if found := rawCodesIn(eval[string](b, `document.body.innerText`), pats); len(found) > 0 {
				rawFailures[href+" as "+string(role)] = found
			}
		}
	}
	for page, found := range rawFailures {
		assert.Failf(t, "raw codes shown", "%s shows: %s", page, strings.Join(found, "; "))
	}
}
