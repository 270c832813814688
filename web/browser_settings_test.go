package web_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/internal/staff"
	"github.com/campaignwatch/campaignwatch/web/internal/formtest"
	"github.com/campaignwatch/campaignwatch/web/webtest"
)

// An admin edits the settings in the browser: a refused save shows every
// error beside its field, a good one (with a signature image) is saved
// and shown in the history, and the public pages, in Welsh, show the new
// address. axe checks every page on the way.
func TestBrowserSettingsAndWelshPublicPages(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{})
	u := env.CreateUser(staff.RoleAdmin)
	b := newTab(t, newBrowser(t), env.Server.URL)

	b.open("/staff/login")
	b.set("email", u.Email)
	b.set("password", webtest.Password)
	b.submit(`form button[type=submit]`, "/staff/")
	b.do(chromedp.Click(chromedp.CSS(`nav a[href="/staff/settings"]`), chromedp.NodeVisible))
	b.waitPage("/staff/settings")
	b.checkAxe()

	// Two mistakes at once.
	eval[string](b, `document.getElementById("name").value = ""`)
	b.set("website", "regulator.example.org")
	b.submit(`form[action="/staff/settings"] button[type=submit]`, "/staff/settings")
	require.Contains(t, b.text(".error-summary"), "Enter the regulator's name")
	require.Contains(t, b.text(".error-summary"), "full https address")
	require.Contains(t, b.text("#name-error"), "Enter the regulator's name")
	require.Equal(t, "regulator.example.org", eval[string](b, `document.getElementById("website").value`))

	// Fixed, with a new address and a signature image.
	b.set("name", "Data Protection Regulator")
	b.set("website", "https://www.regulator.example.org")
	b.set("address", "Tŷ'r Rheoleiddiwr\n2 New Street\nCardiff\nCF10 1AA")
	b.set("note", "New office")
	img := filepath.Join(t.TempDir(), "signature.png")
	require.NoError(t, os.WriteFile(img, formtest.PNG(t), 0o600))
	b.do(chromedp.SetUploadFiles(chromedp.CSS(`#signatory-default-image`), []string{img}))
	b.submit(`form[action="/staff/settings"] button[type=submit]`, "/staff/settings")
	require.Contains(t, b.text(".notice-success"), "Settings saved as version 2")
	require.Contains(t, b.attr(`fieldset.settings-row img.signature-preview`, "alt"), "Signature image for Any other letter")
	require.Contains(t, b.text("table"), "New office")

	b.do(chromedp.Click(chromedp.CSS(`a[href="/staff/settings/versions/1"]`), chromedp.NodeVisible))
	b.waitPage("/staff/settings/versions/1")
	b.checkAxe()
	require.Contains(t, b.text("main"), "Regulator House")

	// The public, in Welsh, in a tab of its own.
	pub := newTab(t, newBrowser(t), env.Server.URL)
	for _, p := range []string{"/?lang=cy", "/privacy", "/accessibility", "/complaints/new", "/no-such-page"} {
		pub.open(p)
		require.Equal(t, "cy", pub.attr("html", "lang"), p)
		footer := pub.text("footer")
		require.Contains(t, footer, "Cysylltu â ni", p)
		require.Contains(t, footer, "2 New Street", p)
	}
	require.GreaterOrEqual(t, b.axe+pub.axe, 10)
}
