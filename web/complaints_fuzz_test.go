package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/web/webtest"
)

// FuzzCreateComplaintAPI sends arbitrary bodies to the public API: whatever
// arrives, the answer is a 2xx or 4xx JSON reply, never a 5xx or a panic.
// `go test` runs the seed corpus in testdata/fuzz/FuzzCreateComplaintAPI;
// to explore further run, e.g. for 2,000+ inputs:
//
//	go test ./web -run '^$' -fuzz FuzzCreateComplaintAPI -fuzztime 3000x
func FuzzCreateComplaintAPI(f *testing.F) {
	env := webtest.New(f, webtest.Options{Env: map[string]string{"COMPLAINT_RATE": "1000000", "COMPLAINT_BURST": "1000000"}})
	f.Add([]byte(`{"channel":"sms","received_at":"2024-03-27","sender":"07700 900123","message":"hi"}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		req, _ := http.NewRequest(http.MethodPost, env.Server.URL+"/api/v1/complaints", strings.NewReader(string(body)))
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err, "request failed")
		out := webtest.ReadBody(res)
		require.Less(t, res.StatusCode, 500, "status for body %q: %s", body, out)
		require.True(t, strings.HasPrefix(res.Header.Get("Content-Type"), "application/json"), "status %d without JSON for body %q", res.StatusCode, body)
	})
}
