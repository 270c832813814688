package web_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/internal/staff"
	"github.com/campaignwatch/campaignwatch/reports"
	"github.com/campaignwatch/campaignwatch/web/webtest"
)

// TestAPILabelsForSourceConsentProvisionsAndReferral: a complaint names
// its source and its permission answer in words, its triage names the
// provisions by their titles, and a referral is named by its body, in
// the words the CSV and the workbook use, on the complaint and its
// triage alike.
func TestAPILabelsForSourceConsentProvisionsAndReferral(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{})
	two, scam := policy2Complaints(t, env)
	analyst, _ := env.Token(staff.RoleAnalyst)

	status, d := getJSON(t, env, analyst, "/api/v1/complaints/"+two.Reference)
	require.Equal(t, http.StatusOK, status, d)
	require.Equal(t, "api", d["source"])
	require.Equal(t, "API", d["source_label"])
	require.Equal(t, "no", d["consent"])
	require.Equal(t, "No", d["consent_label"])
	require.Equal(t, "", d["referral_label"])
	tr := d["triage"].(map[string]any)
	require.Equal(t, []any{"PECR-21"}, tr["provisions"])
	require.Equal(t, []any{"No live marketing calls to TPS numbers or to people who said stop"}, tr["provision_labels"])
	require.Equal(t, []any{"Text message", "Live call"}, tr["channel_labels"])
	require.Equal(t, "", tr["referral_label"])

	want := reports.ReferralLabel("action_fraud")
	require.Equal(t, "Action Fraud", want, "the CSV's and the workbook's words")
	_, d = getJSON(t, env, analyst, "/api/v1/complaints/"+scam.Reference)
	require.Equal(t, "action_fraud", d["referral"])
	require.Equal(t, want, d["referral_label"])
	tr = d["triage"].(map[string]any)
	require.Equal(t, "action_fraud", tr["referral"])
	require.Equal(t, want, tr["referral_label"])
	require.Equal(t, []any{}, tr["provision_labels"])

	_, page := getJSON(t, env, analyst, "/api/v1/complaints?referral=action_fraud")
	items := page["items"].([]any)
	require.Len(t, items, 1)
	it := items[0].(map[string]any)
	require.Equal(t, want, it["referral_label"])
	require.Equal(t, "API", it["source_label"])
	require.NotContains(t, it, "consent_label", "the list carries no consent answer to label")
}
