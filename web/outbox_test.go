package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/complaints"
	"github.com/campaignwatch/campaignwatch/internal/audit"
	"github.com/campaignwatch/campaignwatch/internal/mail"
	"github.com/campaignwatch/campaignwatch/internal/staff"
	"github.com/campaignwatch/campaignwatch/web/webtest"
)

// The outbox holds acknowledgements to complainants: only administrators
// may open it, and every look at the list or a message is audited.
func TestOutboxIsForAdministratorsAndEveryViewIsAudited(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{})
	o, err := mail.NewOutbox(env.Config.OutboxDir())
	require.NoError(t, err)
	ack := complaints.AcknowledgementEmail("en", "CW-7K4M-Q2XD", "http://localhost")
	ack.From, ack.To, ack.MessageID = "cw@example.org", []string{"jo.public@example.net"}, "complaint-ack-7@campaignwatch"
	require.NoError(t, o.Send(context.Background(), ack)[0].Err)
	entries, err := mail.ListOutbox(env.Config.OutboxDir(), 10)
	require.NoError(t, err)
	require.Len(t, entries, 1)
	require.True(t, entries[0].Complainant, "an acknowledgement is marked as complainant mail")
	name := entries[0].Name
	paths := []string{"/staff/outbox", "/staff/outbox/" + name, "/staff/outbox/" + name + "/html"}

	for _, path := range paths {
		res := env.Anonymous().Get(path)
		res.Body.Close()
		require.Equal(t, http.StatusSeeOther, res.StatusCode, path)
		require.True(t, strings.HasPrefix(res.Header.Get("Location"), "/staff/login"), path)
	}
	for _, role := range []staff.Role{staff.RolePoliticalTeam, staff.RoleTriageOfficer, staff.RoleAnalyst} {
		c := env.SignedIn(role)
		for _, path := range paths {
			res := c.Get(path)
			body := webtest.ReadBody(res)
			require.Equal(t, http.StatusForbidden, res.StatusCode, "%s %s", role, path)
			require.NotContains(t, body, "jo.public@example.net", "%s %s", role, path)
			require.NotContains(t, body, "CW-7K4M-Q2XD", "%s %s", role, path)
		}
		require.Empty(t, outboxAudit(t, env, c.User.Email), "a refused request is not a view")
	}

	admin := env.SignedIn(staff.RoleAdmin)
	res := admin.Get("/staff/outbox")
	body := webtest.ReadBody(res)
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.Contains(t, body, "jo.public@example.net", "administrators may see complainants")
	require.Contains(t, body, "CW-7K4M-Q2XD")
	res = admin.Get("/staff/outbox/" + name)
	body = webtest.ReadBody(res)
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.Contains(t, body, "jo.public@example.net")
	require.Contains(t, body, "Your complaint reference is CW-7K4M-Q2XD")
	res = admin.Get("/staff/outbox/" + name + "/html")
	res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode)

	got := outboxAudit(t, env, admin.User.Email)
	require.Len(t, got, 3, "the list, the message page and its HTML are each audited")
	require.Equal(t, "outbox.list", got[0].Action)
	require.EqualValues(t, 1, got[0].After["messages"])
	require.EqualValues(t, 0, got[0].After["complainant_messages_hidden"])
	for i, part := range []string{"page", "html"} {
		e := got[i+1]
		require.Equal(t, "outbox.message.view", e.Action)
		require.Equal(t, name, e.ObjectID)
		require.Equal(t, part, e.After["part"])
		require.Equal(t, true, e.After["complainant"])
		require.Equal(t, false, e.After["hidden"])
	}
	for _, e := range got {
		require.NotContains(t, e.Summary, "jo.public@example.net", "no personal data in the audit log")
		require.NotContains(t, e.Summary, "CW-7K4M-Q2XD")
	}
}

// outboxEntry is one outbox audit entry with its summary decoded.
type outboxEntry struct {
	Action, ObjectID, Summary string
	After                     map[string]any
}

// outboxAudit returns the outbox entries of actor's audit trail, oldest
// first.
func outboxAudit(t *testing.T, env *webtest.Env, actor string) []outboxEntry {
	t.Helper()
	all, err := audit.List(context.Background(), env.Pool, audit.Filter{Actor: actor, Action: "outbox."})
	require.NoError(t, err)
	var out []outboxEntry
	for i := len(all) - 1; i >= 0; i-- {
		var c struct{ After map[string]any }
		require.NoError(t, json.Unmarshal(all[i].Summary, &c))
		out = append(out, outboxEntry{Action: all[i].Action, ObjectID: all[i].ObjectID, Summary: string(all[i].Summary), After: c.After})
	}
	return out
}
