package web_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/internal/fixture"
	"github.com/campaignwatch/campaignwatch/internal/staff"
	"github.com/campaignwatch/campaignwatch/web/webtest"
)

// TestAuditReportPagesAreAccessible walks the follow-up report (as the
// political team, with its draft button, and after a refused draft) and
// the programme summary, in English and in Welsh, through axe-core.
func TestAuditReportPagesAreAccessible(t *testing.T) {
	t.Parallel()
	env, prog, a := auditOutputsEnv(t)
	u := env.CreateUser(staff.RolePoliticalTeam)
	b := newTab(t, newBrowser(t), env.Server.URL)
	b.open("/staff/login")
	b.set("email", u.Email)
	b.set("password", webtest.Password)
	b.submit(`button[type=submit]`, "/staff/")

	report := fmt.Sprintf("/staff/audits/%d/report", a.ID)
	b.open(report)
	require.Contains(t, b.text("h1"), "Audit follow-up report")

	// Drafted by a colleague while this page was open, a second draft
	// is refused on the page with an error summary; the page then links
	// to the batch instead of offering the button.
	_, err := env.App.Audits.DraftLetter(fixture.As(context.Background(), env.CreateUser(staff.RolePoliticalTeam)), a.ID)
	require.NoError(t, err)
	b.submit(`form[action$="/letter"] button[type=submit]`, fmt.Sprintf("/staff/audits/%d/letter", a.ID))
	require.Contains(t, b.text(".error-summary"), "A follow-up letter for this audit is already waiting to be released")
	b.open(report)
	require.Contains(t, b.text("#letter + p"), "held until a colleague releases it")

	summary := fmt.Sprintf("/staff/audits/programmes/%d/summary", prog.ID)
	b.open(summary)
	require.Contains(t, b.text("main"), "urgent or high priority")

	// The Welsh version, reached from the English page's link, passes
	// axe too, with its lang attribute right.
	b.submit(`a[href$="/summary?lang=cy"]`, summary)
	require.Contains(t, b.text("h1"), "Adroddiad cryno")
	require.Equal(t, "cy", eval[string](b, `document.querySelector("h1").closest("[lang]").lang`))
	require.Contains(t, b.text("main"), "Canfyddiadau allweddol fesul maes")
}
