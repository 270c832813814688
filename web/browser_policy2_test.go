package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/web/internal/formtest"
	"github.com/campaignwatch/campaignwatch/web/webtest"
)

// TestBrowserPolicy2Form files, through the real pages in Chromium, the
// complaints triage policy 2 added to the form: a personal data breach
// (a group chat showing members' numbers) with its own questions, and
// complaints that are for another body, in English and in Welsh, whose
// confirmation page says who can help. axe-core checks every page
// reached, error pages included.
func TestBrowserPolicy2Form(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{Env: map[string]string{"COMPLAINT_BURST": "100"}})
	partyID := addParty(t, env, "Example Party")
	browser := newBrowser(t)
	ctx := context.Background()

	t.Run("data breach", func(t *testing.T) {
		b := newTab(t, browser, env.Server.URL)
		ref := walkDataBreach(b, partyID)
		var channel, where string
		var exposed []string
		var visible int
		require.NoError(t, env.Pool.QueryRow(ctx, `SELECT channel, breach_where, breach_exposed, recipients_visible
			FROM complaints WHERE reference = $1`, ref).Scan(&channel, &where, &exposed, &visible))
		require.Equal(t, "data_breach", channel)
		require.Equal(t, "group_chat", where)
		require.ElementsMatch(t, []string{"phone_number", "party_membership"}, exposed)
		require.Equal(t, 240, visible)
		t.Logf("axe checked %d pages", b.axe)
	})

	referral, ok := env.App.Engine.Rulebook().Referral("electoral_registration")
	require.True(t, ok, "the rulebook refers polling-station complaints")
	for _, c := range []struct{ lang, account string }{
		{"en", "I was turned away at the polling station because I did not have voter ID"},
		{"cy", "Ces i fy ngwrthod yn yr orsaf bleidleisio am nad oedd gen i ID pleidleisiwr"},
	} {
		t.Run("out of scope "+c.lang, func(t *testing.T) {
			b := newTab(t, browser, env.Server.URL)
			ref := walkOutOfScope(b, c.lang, c.account)

			// Who can help comes at once after the reference, in the
			// page's language, with the body's name as a link to it.
			require.Equal(t, 1, eval[int](b, `document.querySelectorAll(".cf-referral").length`),
				"the confirmation page says who can help (intake sets complaints.Receipt.Referral)")
			section := b.text(".cf-referral")
			want := map[string]string{"en": "Who can help with this", "cy": "Pwy all helpu gyda hyn"}[c.lang]
			require.Contains(t, section, want)
			require.Contains(t, section, referral.Text.In(c.lang))
			body := referral.Body.In(c.lang)
			require.Equal(t, strings.ToUpper(body[:1])+body[1:], strings.TrimSpace(b.text(".cf-referral a")))
			require.Equal(t, referral.URL, b.attr(".cf-referral a", "href"))
			kept := map[string]string{"en": "We have still kept your report", "cy": "Rydym wedi cadw eich adroddiad"}[c.lang]
			require.Contains(t, section, kept, "the report is still stored, and the page says so")
			require.True(t, eval[bool](b, `document.querySelector(".panel-confirmation").nextElementSibling.classList.contains("cf-referral")`),
				"the referral follows the reference panel")

			var stored string
			require.NoError(t, env.Pool.QueryRow(ctx, `SELECT coalesce(referral, '') FROM complaints WHERE reference = $1`, ref).Scan(&stored))
			require.Equal(t, "electoral_registration", stored)
			t.Logf("axe checked %d pages", b.axe)
		})
	}
}

// walkDataBreach reports a group chat that showed its members' numbers
// and returns the reference shown on the confirmation page.
func walkDataBreach(b *tab, partyID int64) string {
	t := b.t
	b.open("/complaints/new")
	b.choose("channel", "data_breach")
	b.cont("/complaints/new/sender")
	require.Contains(t, b.text("h1"), "Who shared or leaked your details")

	yesterday := time.Now().AddDate(0, 0, -1)
	b.set("sender", "Example Party canvassers")
	b.set("received_at", fmt.Sprint(yesterday.Day()))
	b.set("received_at-month", fmt.Sprint(int(yesterday.Month())))
	b.set("received_at-year", fmt.Sprint(yesterday.Year()))
	b.cont("/complaints/new/message")
	b.set("message", "A WhatsApp group called 'Example Party supporters'")
	b.set("description", "They added me to a group chat and everyone's phone numbers could be seen by all 240 members.")
	b.cont("/complaints/new/breach-where")

	// Nothing chosen: the error summary, then the answer.
	b.cont("/complaints/new/breach-where")
	require.Contains(t, b.text(".error-summary-list"), "Select where your details were shared or leaked")
	b.choose("breach_where", "group_chat")
	b.cont("/complaints/new/breach-count")
	b.set("recipients_visible", "240")
	b.cont("/complaints/new/breach-exposed")
	b.choose("breach_exposed", "phone_number")
	b.choose("breach_exposed", "party_membership")
	b.cont("/complaints/new/permission")
	b.choose("consent", "no")
	b.choose("opted_out", "no")
	b.cont("/complaints/new/party")
	b.choose("party", fmt.Sprint(partyID))
	b.cont("/complaints/new/evidence")
	b.submit(`button[name=action][value=continue]`, "/complaints/new/about-you")
	b.cont("/complaints/new/check")

	check := b.text("main")
	for _, want := range []string{
		"My details were shared or leaked another way",
		"In a group chat (for example WhatsApp or Messenger)", "240",
		"My phone number", "That I am a member or supporter of a party or campaign",
	} {
		require.Contains(t, check, want)
	}
	// A change link goes to its page and straight back.
	b.submit(`a[href="/complaints/new/breach-count?change=1"]`, "/complaints/new/breach-count")
	require.Equal(t, "240", b.attr("#recipients_visible", "value"))
	b.cont("/complaints/new/check")

	b.cont("/complaints/new/confirmation")
	ref := b.text(".cf-reference")
	require.Regexp(t, formtest.ReferenceRE, ref)
	require.Zero(t, eval[int](b, `document.querySelectorAll(".cf-referral").length`), "a breach is ours to look into")
	return ref
}

// walkOutOfScope reports, in lang, something another body deals with
// ("Something else", told in the person's own words) and returns the
// reference shown on the confirmation page.
func walkOutOfScope(b *tab, lang, account string) string {
	t := b.t
	start := "/complaints/new"
	if lang == "cy" {
		start += "?lang=cy"
	}
	b.open(start)
	require.Equal(t, lang, b.attr("html", "lang"))
	b.choose("channel", "other")
	b.cont("/complaints/new/sender")
	today := time.Now()
	b.set("received_at", fmt.Sprint(today.Day()))
	b.set("received_at-month", fmt.Sprint(int(today.Month())))
	b.set("received_at-year", fmt.Sprint(today.Year()))
	b.cont("/complaints/new/message")
	b.set("description", account)
	b.cont("/complaints/new/permission")
	b.choose("consent", "unsure")
	b.cont("/complaints/new/party")
	b.choose("party", "other")
	b.cont("/complaints/new/evidence")
	b.submit(`button[name=action][value=continue]`, "/complaints/new/about-you")
	b.cont("/complaints/new/check")
	require.Contains(t, b.text("main"), account)
	b.cont("/complaints/new/confirmation")
	require.Equal(t, lang, b.attr("html", "lang"))
	ref := b.text(".cf-reference")
	require.Regexp(t, formtest.ReferenceRE, ref)
	return ref
}
