package web_test

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/internal/audit"
	"github.com/campaignwatch/campaignwatch/internal/staff"
	"github.com/campaignwatch/campaignwatch/web/webtest"
)

// TestBrowserElectionCall calls an election in Chromium: a past polling
// day is refused beside its field, the preview shows the letters and
// creates nothing, and only the confirmation creates the batch. axe-core
// checks the form, the preview and the confirmation page.
func TestBrowserElectionCall(t *testing.T) {
	t.Parallel()
	e := webtest.New(t, webtest.Options{})
	ctx := audit.WithActor(context.Background(), audit.Actor{Label: "test"})
	loadDemo(t, ctx, e)
	englishOnly(t, e)
	_, err := e.App.Outreach.Seed(ctx)
	require.NoError(t, err)
	u := e.CreateUser(staff.RolePoliticalTeam)

	b := newTab(t, newBrowser(t), e.Server.URL)
	b.open("/staff/login")
	b.set("email", u.Email)
	b.set("password", webtest.Password)
	b.submit(`button[type=submit]`, "/staff/")

	b.open("/staff/elections")
	b.set("name", "Northern Ireland Assembly 2024")
	b.do(chromedp.SetValue(chromedp.CSS(`#type`), "ni_assembly"))
	b.set("announced_on", "28")
	b.set("announced_on-month", "3")
	b.set("announced_on-year", "2024")
	b.set("polling_day", "3")
	b.set("polling_day-month", "5")
	b.set("polling_day-year", "2024")
	b.submit(`form[action="/staff/elections"] button[type=submit]`, "/staff/elections")
	require.Contains(t, b.text(`#polling_day-error`), "Polling day was 3 May 2024, which has passed.")
	require.Equal(t, "#polling_day", b.attr(`.error-summary-list a`, "href"))
	require.Contains(t, b.attr(`#polling_day`, "class"), "input-error")

	b.set("name", "Northern Ireland Assembly 2099")
	// Announced today: the three boxes emptied.
	eval[bool](b, `["announced_on", "announced_on-month", "announced_on-year"].forEach(id => document.getElementById(id).value = ""); true`)
	b.set("polling_day-year", "2099")
	// A contact who reads Welsh needs the election's Welsh name.
	_, err = e.Pool.Exec(ctx, `UPDATE party_contacts SET language = 'cy' WHERE email = 'dpo@dup.example.org'`)
	require.NoError(t, err)
	b.submit(`form[action="/staff/elections"] button[type=submit]`, "/staff/elections")
	require.Contains(t, b.text(`#name_cy-error`), "Enter the election's name in Welsh: 1 contact of a party standing in Wales reads Welsh")
	require.Equal(t, "#name_cy", b.attr(`.error-summary-list a`, "href"))
	b.set("name_cy", "Etholiad Cynulliad Gogledd Iwerddon 2099")
	b.submit(`form[action="/staff/elections"] button[type=submit]`, "/staff/elections")
	require.Contains(t, b.text("h1"), "Check the election call before sending")
	require.Contains(t, b.text(`form[action="/staff/elections/confirm"] button`), "Send 9 letters")
	require.NotEmpty(t, b.attr(`iframe[sandbox]`, "srcdoc"))
	el, batches, letters, jobs := counts(t, e)
	require.Zero(t, el+batches+letters+jobs, "nothing is created or queued before the confirmation")

	b.submit(`form[action="/staff/elections/confirm"] button[type=submit]`, "/staff/elections/1/called/1")
	require.Contains(t, b.text("h1"), "Election called")
	el, batches, letters, jobs = counts(t, e)
	require.Equal(t, []int{1, 1, 9, 9}, []int{el, batches, letters, jobs}, "the confirmation creates the batch and queues its letters")
	b.open("/staff/elections/1")
	require.Contains(t, b.text("main"), "Etholiad Cynulliad Gogledd Iwerddon 2099")
}

// TestBrowserWriteToParties writes to one party in Chromium: the form,
// the preview and the batch page pass axe-core, and the letter exists
// only after the confirmation.
func TestBrowserWriteToParties(t *testing.T) {
	t.Parallel()
	e := webtest.New(t, webtest.Options{})
	ctx := audit.WithActor(context.Background(), audit.Actor{Label: "test"})
	loadDemo(t, ctx, e)
	englishOnly(t, e)
	_, err := e.App.Outreach.Seed(ctx)
	require.NoError(t, err)
	var snp int64
	require.NoError(t, e.Pool.QueryRow(ctx, `SELECT id FROM parties WHERE short_name = 'SNP'`).Scan(&snp))
	u := e.CreateUser(staff.RolePoliticalTeam)

	b := newTab(t, newBrowser(t), e.Server.URL)
	b.open("/staff/login")
	b.set("email", u.Email)
	b.set("password", webtest.Password)
	b.submit(`button[type=submit]`, "/staff/")

	// The contact form's language choice and the party page that shows
	// it pass axe too.
	b.open("/staff/parties/" + jsonInt(snp) + "/contacts/new")
	b.open("/staff/parties/" + jsonInt(snp))

	b.open("/staff/letters/new")
	b.submit(`form[action="/staff/letters/new"] button[type=submit]`, "/staff/letters/new")
	require.Contains(t, b.text(`#party_ids-error`), "Choose at least one party to write to")

	b.do(chromedp.SetValue(chromedp.CSS(`#template`), "election-reminder"))
	b.do(chromedp.Click(chromedp.CSS(`#party-` + jsonInt(snp))))
	b.set("fields", "ElectionName=the 2099 elections\nPollingDay=Thursday 7 May 2099\nAnnouncementDate=1 April 2099")
	b.submit(`form[action="/staff/letters/new"] button[type=submit]`, "/staff/letters/new")
	require.Contains(t, b.text("h1"), "Check the letters before sending")
	_, batches, letters, _ := counts(t, e)
	require.Zero(t, batches+letters)

	b.submit(`form[action="/staff/letters/confirm"] button[type=submit]`, "/staff/letters/batches/1")
	_, batches, letters, _ = counts(t, e)
	require.Equal(t, []int{1, 1}, []int{batches, letters})
	require.Contains(t, b.text("table"), "Scottish National Party")
}
