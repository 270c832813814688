package web_test

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/web/internal/formtest"
	"github.com/campaignwatch/campaignwatch/web/webtest"
)

// The browser suite walks the complaint form in Debian's Chromium, headless,
// with JavaScript on (for axe-core and chromedp only: the pages have none
// of their own), and runs axe-core on every page it reaches.

//go:embed testdata/axe/axe.min.js
var axeSource string

// axeTags are the rule sets every page must pass: WCAG 2.0, 2.1 and 2.2
// at levels A and AA.
var axeTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"}

func findChromium(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	for _, p := range []string{"/usr/bin/chromium", "/usr/lib/chromium/chromium"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	require.Fail(t, "no Chromium found: install Debian's chromium package (apt-get install chromium); the browser tests need it")
	return ""
}

// newBrowser starts one headless Chromium for the test; each walk gets a
// tab of its own.
func newBrowser(t *testing.T) context.Context {
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(findChromium(t)),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 1000),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	// Start the browser now, so a missing or broken binary fails here.
	if err := chromedp.Do(bctx); err != nil {
		cancelBrowser()
		cancelAlloc()
		require.NoError(t, err, "start Chromium")
	}
	t.Cleanup(func() { cancelBrowser(); cancelAlloc() })
	return bctx
}

// tab drives one browser tab through the form.
type tab struct {
	t    *testing.T
	ctx  context.Context
	base string
	axe  int // pages checked with axe
}

func newTab(t *testing.T, browser context.Context, base string) *tab {
	// A browser context of its own: its cookies (language, draft) are not
	// shared with the other walks.
	ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	require.NoError(t, chromedp.Do(ctx)) // open the tab before any timeout applies
	return &tab{t: t, ctx: ctx, base: base}
}

func (b *tab) do(actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	require.NoError(b.t, chromedp.Do(ctx, actions...))
}

func (b *tab) text(sel string) string {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(sel)))
	require.NoError(b.t, err, sel)
	return v
}

func (b *tab) attr(sel, name string) string {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.AttributeValue(chromedp.CSS(sel), name))
	require.NoError(b.t, err, sel)
	return v.Value
}

func eval[T any](b *tab, expr string, opts ...chromedp.EvaluateOption) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](expr, opts...))
	require.NoError(b.t, err, expr)
	return v
}

// waitPage waits until the tab shows path with the page loaded.
func (b *tab) waitPage(path string) {
	b.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	var got string
	for time.Now().Before(deadline) {
		state, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`location.pathname + "|" + document.readyState`))
		if err == nil {
			got = state
			if state == path+"|complete" {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	require.Failf(b.t, "page not reached", "waited for %s, browser is at %s", path, got)
}

func (b *tab) open(path string) {
	b.t.Helper()
	b.do(chromedp.Navigate(b.base + path))
	p, _, _ := strings.Cut(path, "?")
	b.waitPage(p)
	b.checkAxe()
}

// submit presses the button (or link) matching sel and waits for path.
func (b *tab) submit(sel, path string) {
	b.t.Helper()
	// Mark the page, so the wait below cannot mistake the old page (same
	// path after an error) for the new one.
	eval[bool](b, `window.__cwOld = true`)
	b.do(chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible))
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		old, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`window.__cwOld === true`))
		if err == nil && !old {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	b.waitPage(path)
	b.checkAxe()
}

func (b *tab) cont(path string) { b.submit(`form.cf-form button[type=submit]:last-of-type`, path) }

func (b *tab) set(id, value string) {
	b.t.Helper()
	b.do(chromedp.SetValue(chromedp.CSS(`[id="`+id+`"]`), value))
}

func (b *tab) choose(name, value string) {
	b.t.Helper()
	b.do(chromedp.Click(chromedp.CSS(fmt.Sprintf(`input[name=%q][value=%q]`, name, value))))
}

type axeViolation struct {
	ID    string `json:"id"`
	Help  string `json:"help"`
	Nodes []struct {
		Target []any  `json:"target"`
		HTML   string `json:"html"`
	} `json:"nodes"`
}

// checkAxe injects axe-core into the page and fails on any WCAG 2.2 A/AA
// violation.
func (b *tab) checkAxe() {
	b.t.Helper()
	vs := b.axeViolations()
	if len(vs) > 0 {
		loc := eval[string](b, `location.pathname + location.search`)
		var sb strings.Builder
		for _, v := range vs {
			fmt.Fprintf(&sb, "\n  %s: %s", v.ID, v.Help)
			for _, n := range v.Nodes {
				fmt.Fprintf(&sb, "\n    %v %s", n.Target, n.HTML)
			}
		}
		assert.Failf(b.t, "WCAG violations", "axe found %d WCAG violation(s) on %s:%s", len(vs), loc, sb.String())
	}
	b.axe++
}

// axeViolations runs axe-core (injected if the page has not got it yet).
func (b *tab) axeViolations() []axeViolation {
	b.t.Helper()
	tags, _ := json.Marshal(axeTags)
	eval[bool](b, `window.axe ? true : (function(){`+axeSource+"\n;return true})()")
	out := eval[string](b, `axe.run(document, {runOnly: {type: "tag", values: `+string(tags)+`}, resultTypes: ["violations"]})
		.then(r => JSON.stringify(r.violations))`, chromedp.EvalAwaitPromise)
	var vs []axeViolation
	require.NoError(b.t, json.Unmarshal([]byte(out), &vs))
	return vs
}

// channelWalk is one complaint typed into the browser.
type channelWalk struct {
	channel string
	lang    string
	other   bool // choose "not sure / other" for the party
}

func TestBrowserComplaintForm(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{Env: map[string]string{"COMPLAINT_BURST": "100"}})
	partyID := addParty(t, env, "Example Party")
	addParty(t, env, "Another Party")
	browser := newBrowser(t)

	// The checker itself: a page with known faults must fail it.
	probe := newTab(t, browser, env.Server.URL)
	probe.do(chromedp.Navigate(`data:text/html,<html><body><img src="x.png"><input type="text"></body></html>`))
	var ids []string
	for _, v := range probe.axeViolations() {
		ids = append(ids, v.ID)
	}
	require.Subset(t, ids, []string{"image-alt", "html-has-lang", "label"}, "axe reports known faults")

	evidence := filepath.Join(t.TempDir(), "screenshot.png")
	require.NoError(t, os.WriteFile(evidence, formtest.PNG(t), 0o600))

	walks := []channelWalk{
		{channel: "sms", lang: "en"},
		{channel: "automated_call", lang: "en"},
		{channel: "live_call", lang: "en"},
		{channel: "email", lang: "en"},
		{channel: "bcc_breach", lang: "en"},
		{channel: "social_media_ad", lang: "en"},
		{channel: "other", lang: "en", other: true},
		{channel: "sms", lang: "cy"},
	}
	// Two tabs at a time: the machine has two cores.
	sem := make(chan struct{}, 2)
	var mu sync.Mutex
	refs := map[string]channelWalk{}
	pages := 0
	t.Run("walks", func(t *testing.T) {
		for _, wk := range walks {
			t.Run(wk.channel+"-"+wk.lang, func(t *testing.T) {
				t.Parallel()
				sem <- struct{}{}
				defer func() { <-sem }()
				b := newTab(t, browser, env.Server.URL)
				ref := walkInBrowser(b, wk, partyID, evidence)
				mu.Lock()
				refs[ref] = wk
				pages += b.axe
				mu.Unlock()
			})
		}
	})
	if t.Failed() {
		return
	}
	require.Len(t, refs, len(walks))
	t.Logf("axe checked %d pages", pages)

	// Every complaint is stored, with its evidence and its queued triage job.
	ctx := context.Background()
	for ref, wk := range refs {
		var id int64
		var channel, lang string
		var files, jobs int
		require.NoError(t, env.Pool.QueryRow(ctx, `SELECT id, channel, lang FROM complaints WHERE reference = $1`, ref).Scan(&id, &channel, &lang), ref)
		require.Equal(t, wk.channel, channel)
		require.Equal(t, wk.lang, lang)
		require.NoError(t, env.Pool.QueryRow(ctx, `SELECT count(*) FROM complaint_evidence WHERE complaint_id = $1`, id).Scan(&files))
		require.Equal(t, 1, files, ref)
		require.NoError(t, env.Pool.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE kind = 'complaint_triage' AND state = 'available'
			AND (args->>'complaint_id')::bigint = $1`, id).Scan(&jobs))
		require.Equal(t, 1, jobs, "a queued triage job for %s", ref)
	}
}

// walkInBrowser fills the whole form for wk and returns the reference
// shown on the confirmation page.
func walkInBrowser(b *tab, wk channelWalk, partyID int64, evidence string) string {
	t := b.t
	start := "/complaints/new"
	if wk.lang == "cy" {
		start += "?lang=cy"
	}
	b.open(start)
	require.Equal(t, wk.lang, b.attr("html", "lang"))

	// Error round trip: nothing chosen gives the summary, focused.
	b.cont("/complaints/new")
	require.True(t, eval[bool](b, `!!document.activeElement && document.activeElement.classList.contains("error-summary")`),
		"the error summary has focus")
	summary := b.text(".error-summary-list")
	if wk.lang == "cy" {
		require.Contains(t, summary, "Dewiswch beth ddigwyddodd")
	} else {
		require.Contains(t, summary, "Select what happened")
	}
	b.choose("channel", wk.channel)
	b.cont("/complaints/new/sender")

	yesterday := time.Now().AddDate(0, 0, -1)
	b.set("sender", map[bool]string{true: "news@example.org", false: "07700 900982"}[strings.Contains(wk.channel, "email") || wk.channel == "bcc_breach"])
	b.set("received_at", fmt.Sprint(yesterday.Day()))
	b.set("received_at-month", fmt.Sprint(int(yesterday.Month())))
	b.set("received_at-year", fmt.Sprint(yesterday.Year()))
	b.set("received_time", "10:15")
	b.cont("/complaints/new/message")

	b.set("message", "Vote for us on Thursday! <b>bold</b> Reply STOP to opt out.")
	b.set("description", "I never gave them my details. Channel: "+wk.channel)
	switch wk.channel {
	case "bcc_breach":
		b.set("recipients_visible", "240")
		b.choose("special_category", "unsure")
	case "social_media_ad":
		b.set("targeting_reason", "It named my street and my health condition.")
		b.choose("special_category", "yes")
	}
	// Texts, emails and calls: who was contacted, membership and the day
	// they asked the sender to stop (complaints.Asks).
	direct := wk.channel == "sms" || wk.channel == "email" || wk.channel == "automated_call" || wk.channel == "live_call"
	switch {
	case wk.channel == "social_media_ad":
		b.cont("/complaints/new/party")
	default:
		if direct {
			b.cont("/complaints/new/contacted")
			b.set("contacted", map[bool]string{true: "ann@example.org", false: "07700 900123"}[wk.channel == "email"])
			if wk.channel == "sms" || wk.channel == "email" {
				b.choose("work_address", "no")
			}
		}
		b.cont("/complaints/new/permission")
		b.choose("consent", "no")
		b.choose("opted_out", "yes")
		switch wk.channel {
		case "automated_call", "live_call":
			b.choose("tps_registered", "yes")
			b.choose("sender_identified", "no")
		case "sms", "email":
			b.choose("sender_identified", "yes")
			b.choose("opt_out_offered", "no")
		}
		if !direct {
			b.cont("/complaints/new/party")
			break
		}
		b.choose("member", "no")
		b.cont("/complaints/new/asked-to-stop")
		stopped := time.Now().AddDate(0, 0, -10)
		if wk.channel == "sms" {
			// A date without its month: the error names the month's
			// input, which alone is marked.
			b.set("asked_to_stop_on", fmt.Sprint(stopped.Day()))
			b.set("asked_to_stop_on-year", fmt.Sprint(stopped.Year()))
			b.cont("/complaints/new/asked-to-stop")
			require.Equal(t, "#asked_to_stop_on-month", b.attr(".error-summary-list a", "href"))
		}
		b.set("asked_to_stop_on", fmt.Sprint(stopped.Day()))
		b.set("asked_to_stop_on-month", fmt.Sprint(int(stopped.Month())))
		b.set("asked_to_stop_on-year", fmt.Sprint(stopped.Year()))
		b.cont("/complaints/new/party")
	}

	if wk.other {
		b.choose("party", "other")
		b.set("party_text", "An independent candidate")
	} else {
		b.choose("party", fmt.Sprint(partyID))
	}
	b.cont("/complaints/new/evidence")

	b.do(chromedp.SetUploadFiles(chromedp.CSS(`#evidence`), []string{evidence}))
	b.submit(`button[name=action][value=upload]`, "/complaints/new/evidence")
	require.Contains(t, b.text(".cf-files"), "screenshot.png")
	b.submit(`button[name=action][value=continue]`, "/complaints/new/about-you")

	b.set("name", "Ann Example")
	b.set("email", "ann@example.org")
	b.choose("may_contact", "yes")
	b.cont("/complaints/new/check")

	// Change an answer from check answers: it comes straight back.
	b.submit(`a[href="/complaints/new/about-you?change=1"]`, "/complaints/new/about-you")
	b.set("postcode", "CF10 1AA")
	b.cont("/complaints/new/check")
	check := b.text("main")
	require.Contains(t, check, "CF10 1AA")
	require.Contains(t, check, "<b>bold</b>", "markup typed by the public is shown as text")

	b.cont("/complaints/new/confirmation")
	ref := b.text(".cf-reference")
	require.Regexp(t, formtest.ReferenceRE, ref)

	// The switch leads to the same page in the other language.
	other := map[string]string{"en": "cy", "cy": "en"}[wk.lang]
	b.submit(`a.lang-switch`, "/complaints/new/confirmation")
	require.Equal(t, other, b.attr("html", "lang"))
	return ref
}
