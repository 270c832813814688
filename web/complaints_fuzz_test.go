package web_test

import (
	"net/http"
	"strings"
	"testing"

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
		if err != nil {
			t.Fatalf("request failed: %v", err)
		}
		out := webtest.ReadBody(res)
		if res.StatusCode >= 500 {
			t.Fatalf("status %d for body %q: %s", res.StatusCode, body, out)
		}
		if !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
			t.Fatalf("status %d without JSON for body %q", res.StatusCode, body)
		}
	})
}
