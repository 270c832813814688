package web_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// The API takes policy 2's structured facts and the data_breach questions,
// and stores each in its column (the number contacted with the
// complainant's details).
func TestCreateComplaintAPIPolicy2RoundTrip(t *testing.T) {
	t.Parallel()
	env := apiEnv(t, "1000")
	ctx := context.Background()

	c := validComplaint()
	c["contacted"], c["member"], c["work_address"], c["asked_to_stop_on"] = "07700 900988", false, true, "2024-07-01"
	status, out, _ := postComplaint(t, env, encode(c), nil)
	require.Equal(t, http.StatusCreated, status, out)
	require.NotContains(t, out, "referral", "an in-scope complaint has no referral")
	var member, work *bool
	var asked *time.Time
	var contacted string
	require.NoError(t, env.Pool.QueryRow(ctx, `SELECT c.member, c.work_address, c.asked_to_stop_on, p.contacted
		FROM complaints c JOIN complainants p ON p.complaint_id = c.id WHERE c.reference = $1`, out["reference"]).
		Scan(&member, &work, &asked, &contacted))
	require.False(t, *member)
	require.True(t, *work)
	require.Equal(t, "2024-07-01", asked.Format("2006-01-02"), "a summer day (BST) is stored as that day")
	require.Equal(t, "07700 900988", contacted)

	b := validComplaint()
	b["channel"], b["sender"], b["message"] = "data_breach", "Example Party volunteers", "Welcome to the helpers group"
	b["opt_out_offered"], b["sender_identified"] = nil, nil
	b["description"] = "I was added to a WhatsApp group and my number was shown to 300 people."
	b["breach_where"], b["breach_exposed"], b["recipients_visible"], b["special_category"] = "group_chat", []string{"phone_number", "party_membership"}, 300, true
	status, out, _ = postComplaint(t, env, encode(b), nil)
	require.Equal(t, http.StatusCreated, status, out)
	var channel, where string
	var exposed []string
	var recipients *int32
	require.NoError(t, env.Pool.QueryRow(ctx, `SELECT channel, breach_where, breach_exposed, recipients_visible FROM complaints WHERE reference = $1`,
		out["reference"]).Scan(&channel, &where, &exposed, &recipients))
	require.Equal(t, "data_breach", channel)
	require.Equal(t, "group_chat", where)
	require.Equal(t, []string{"phone_number", "party_membership"}, exposed)
	require.EqualValues(t, 300, *recipients)
}

// An out-of-scope complaint is stored, and the answer says where to go,
// in the complaint's language.
func TestCreateComplaintAPIReturnsTheReferral(t *testing.T) {
	t.Parallel()
	env := apiEnv(t, "1000")
	for _, tc := range []struct{ lang, description, want string }{
		{"en", "I was turned away at the polling station because I did not have voter ID", "Electoral Commission"},
		{"cy", "Ces i fy ngwrthod yn yr orsaf bleidleisio am nad oedd gen i ID pleidleisiwr", "Comisiwn Etholiadol"},
	} {
		c := validComplaint()
		c["channel"], c["sender"], c["message"], c["lang"] = "other", "", "", tc.lang
		c["opt_out_offered"], c["sender_identified"], c["opted_out"] = nil, nil, nil
		c["description"] = tc.description
		status, out, _ := postComplaint(t, env, encode(c), nil)
		require.Equal(t, http.StatusCreated, status, out)
		ref, ok := out["referral"].(map[string]any)
		require.True(t, ok, "%v", out)
		require.Equal(t, "electoral_registration", ref["id"])
		require.Contains(t, ref["body"], tc.want)
		require.Equal(t, "https://www.electoralcommission.org.uk", ref["url"])
		require.NotEmpty(t, ref["text"])
		var n int
		require.NoError(t, env.Pool.QueryRow(context.Background(), `SELECT count(*) FROM complaints WHERE reference = $1 AND referral = 'electoral_registration'`,
			out["reference"]).Scan(&n))
		require.Equal(t, 1, n, tc.lang)
	}
}

// Bad values of the new fields are refused with a 422 naming the field.
func TestCreateComplaintAPIPolicy2Validation(t *testing.T) {
	t.Parallel()
	env := apiEnv(t, "1000")
	breach := func() map[string]any {
		c := validComplaint()
		c["channel"], c["opt_out_offered"], c["sender_identified"] = "data_breach", nil, nil
		return c
	}
	cases := []struct {
		field string
		body  func() map[string]any
		value any
	}{
		{"contacted", validComplaint, "not a number"},
		{"contacted", validComplaint, 7700900988},
		{"member", validComplaint, "yes"},
		{"work_address", validComplaint, 1},
		{"asked_to_stop_on", validComplaint, "01/03/2024"},
		{"asked_to_stop_on", validComplaint, "2024-03-01T10:00:00Z"},
		{"asked_to_stop_on", validComplaint, time.Now().AddDate(0, 0, 2).Format("2006-01-02")},
		{"asked_to_stop_on", func() map[string]any { c := validComplaint(); c["opted_out"] = false; return c }, "2024-03-01"},
		{"breach_where", breach, "on the bus"},
		{"breach_where", breach, []string{"group_chat"}},
		{"breach_exposed", breach, []string{"phone_number", "shoe_size"}},
		{"breach_exposed", breach, "phone_number"},
		// The data_breach questions on a text are refused, naming them.
		{"breach_where", validComplaint, "group_chat"},
		{"breach_exposed", validComplaint, []string{"phone_number"}},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%s=%v", c.field, c.value), func(t *testing.T) {
			body := c.body()
			body[c.field] = c.value
			status, out, _ := postComplaint(t, env, encode(body), nil)
			require.Equal(t, http.StatusUnprocessableEntity, status, out)
			errs, _ := out["errors"].([]any)
			require.Len(t, errs, 1, out)
			e := errs[0].(map[string]any)
			require.Equal(t, c.field, e["field"], out)
			require.NotEmpty(t, e["message"])
		})
	}
	c := validComplaint()
	c["breach_where"] = "group_chat"
	_, out, _ := postComplaint(t, env, encode(c), nil)
	require.Contains(t, fmt.Sprint(out["errors"]), "data_breach", "the refusal says which channel asks it")
}
