package web_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

// The API applies the same rule as the form about which questions each
// channel asks: a TPS answer on an email is refused, naming the field.
func TestCreateComplaintAPIRefusesQuestionsTheChannelDoesNotAsk(t *testing.T) {
	t.Parallel()
	env := apiEnv(t, "1000")

	c := validComplaint()
	c["channel"], c["sender"], c["tps_registered"] = "email", "news@example.org", true
	status, out, _ := postComplaint(t, env, encode(c), nil)
	require.Equal(t, http.StatusUnprocessableEntity, status, out)
	errs, _ := out["errors"].([]any)
	require.Len(t, errs, 1, out)
	e := errs[0].(map[string]any)
	require.Equal(t, "tps_registered", e["field"])
	require.Contains(t, e["message"], "automated_call, live_call")

	// A live call asks it.
	c["channel"], c["sender"], c["opt_out_offered"] = "live_call", "01632 960001", nil
	status, out, _ = postComplaint(t, env, encode(c), nil)
	require.Equal(t, http.StatusCreated, status, out)
}
