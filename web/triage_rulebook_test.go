package web_test

import (
	"html/template"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/complaints/triage"
	"github.com/campaignwatch/campaignwatch/internal/staff"
	"github.com/campaignwatch/campaignwatch/web/webtest"
)

func TestRulebookPageForEveryStaffRole(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{})
	rb, err := triage.DefaultRulebook()
	require.NoError(t, err)

	res := env.Anonymous().Get("/staff/rulebook")
	res.Body.Close()
	require.Equal(t, http.StatusSeeOther, res.StatusCode)

	for _, role := range []staff.Role{staff.RoleAdmin, staff.RolePoliticalTeam, staff.RoleTriageOfficer, staff.RoleAnalyst} {
		res := env.SignedIn(role).Get("/staff/rulebook")
		body := webtest.ReadBody(res)
		require.Equal(t, http.StatusOK, res.StatusCode, role)
		require.Contains(t, body, rb.Version)
		require.Contains(t, body, rb.Hash)
		require.Contains(t, body, "PECR reg 19")
		require.Contains(t, body, "UK GDPR Art 5(1)(f)")
		require.Contains(t, body, "A survey that campaigns is direct marketing")
		require.Contains(t, body, "75 to 100")
		require.Contains(t, body, "Consider referral to investigations.")
		require.NotEmpty(t, rb.Referrals)
		for _, ref := range rb.Referrals {
			require.Contains(t, body, template.HTMLEscapeString(ref.Text.EN), ref.ID)
			require.Contains(t, body, template.HTMLEscapeString(ref.Text.CY), ref.ID)
			if ref.URL != "" {
				require.Contains(t, body, `href="`+ref.URL+`"`, ref.ID)
			}
		}
	}
}
