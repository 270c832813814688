package web

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/internal/mail"
	"github.com/campaignwatch/campaignwatch/internal/staff"
)

// Whoever may open the outbox, complainant mail is shown in full only to
// the roles that may see complainants' details (as the complaint API
// decides); the others see it masked.
func TestComplainantMailIsMaskedForRolesThatMayNotSeeComplainants(t *testing.T) {
	full := map[staff.Role]bool{staff.RoleAdmin: true, staff.RoleTriageOfficer: true, staff.RolePoliticalTeam: false, staff.RoleAnalyst: false}
	for _, role := range staff.Roles {
		want, ok := full[role]
		require.True(t, ok, "role %s is covered", role)
		require.Equal(t, want, mayReadComplainantMail(&staff.User{Role: role}), role)
	}
	require.False(t, mayReadComplainantMail(nil), "nobody signed in")

	m := &mail.ParsedMessage{From: "cw@example.org", To: "jo.public@example.net", Subject: "We have received your complaint CW-7K4M-Q2XD",
		MessageID: "<complaint-ack-7@campaignwatch>", Text: "Your complaint reference is CW-7K4M-Q2XD.", HTML: "<p>CW-7K4M-Q2XD</p>",
		Attachments: []mail.ParsedAttachment{{Filename: "x.pdf"}}, Complainant: true}
	masked := maskMessage(m)
	shown := masked.From + masked.To + masked.Subject + masked.MessageID + masked.Text + masked.HTML
	for _, secret := range []string{"jo.public", "CW-7K4M-Q2XD", "complaint-ack-7"} {
		require.False(t, strings.Contains(shown, secret), "%q hidden", secret)
	}
	require.Empty(t, masked.Attachments)
	require.Equal(t, "cw@example.org", masked.From)
	e := maskEntry(mail.OutboxEntry{Name: "a.eml", To: "jo.public@example.net", Subject: m.Subject, Complainant: true})
	require.Equal(t, hiddenRecipient, e.To)
	require.Equal(t, hiddenSubject, e.Subject)
	require.Equal(t, "a.eml", e.Name)
}
