package web_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/internal/staff"
	"github.com/campaignwatch/campaignwatch/web/internal/formtest"
	"github.com/campaignwatch/campaignwatch/web/webtest"
)

// postComplaint sends body to the public API and decodes the JSON answer.
func postComplaint(t testing.TB, env *webtest.Env, body string, header map[string]string) (int, map[string]any, http.Header) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, env.Server.URL+"/api/v1/complaints", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(res.Body).Decode(&out)
	return res.StatusCode, out, res.Header
}

func validComplaint() map[string]any {
	return map[string]any{
		"channel": "sms", "party": "Example Party", "received_at": time.Now().Format("2006-01-02"),
		"sender": "07700 900123", "message": "Vote for us!", "description": "I never agreed to this.",
		"consent": "no", "opted_out": true, "tps_registered": nil, "sender_identified": false,
		"opt_out_offered": false, "recipients_visible": nil, "special_category": false,
		"complainant": map[string]any{"name": "Ann", "email": "ann@example.org", "phone": "07700 900982", "postcode": "CF10 1AA", "may_contact": true},
	}
}

func encode(m map[string]any) string {
	b, _ := json.Marshal(m)
	return string(b)
}

func apiEnv(t *testing.T, rate string) *webtest.Env {
	return webtest.New(t, webtest.Options{Env: map[string]string{"COMPLAINT_RATE": rate, "COMPLAINT_BURST": rate}})
}

func TestCreateComplaintAPI(t *testing.T) {
	t.Parallel()
	env := apiEnv(t, "1000")
	status, out, _ := postComplaint(t, env, encode(validComplaint()), nil)
	require.Equal(t, http.StatusCreated, status, out)
	ref, _ := out["reference"].(string)
	require.Regexp(t, `^CW-[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}$`, ref)
	var n int
	require.NoError(t, env.Pool.QueryRow(context.Background(), `SELECT count(*) FROM complaints c JOIN river_job j ON j.kind = 'complaint_triage' AND (j.args->>'complaint_id')::bigint = c.id WHERE c.reference = $1 AND c.source = 'api'`, ref).Scan(&n))
	require.Equal(t, 1, n)

	// The same complaint again is linked to the first, which an anonymous
	// caller is not told (see TestDuplicateIsNoOracle).
	status, out, _ = postComplaint(t, env, encode(validComplaint()), nil)
	require.Equal(t, http.StatusCreated, status)
	require.NotContains(t, out, "duplicate_of")

	// A repeated Idempotency-Key returns the first reference.
	c := validComplaint()
	c["sender"] = "someone else"
	h := map[string]string{"Idempotency-Key": "abc-123"}
	status, first, _ := postComplaint(t, env, encode(c), h)
	require.Equal(t, http.StatusCreated, status)
	status, again, _ := postComplaint(t, env, encode(c), h)
	require.Equal(t, http.StatusCreated, status)
	require.Equal(t, first["reference"], again["reference"])

	// Staff tokens are accepted too, and so is a signed-in session without
	// the CSRF header (the public POST is exempt).
	tok, _ := env.Token(staff.RoleAnalyst)
	c["sender"] = "token sender"
	status, out, _ = postComplaint(t, env, encode(c), map[string]string{"Authorization": "Bearer " + tok})
	require.Equal(t, http.StatusCreated, status, out)
	cl := env.SignedIn(staff.RoleAnalyst)
	c["sender"] = "session sender"
	res, err := cl.Client.Post(cl.URL("/api/v1/complaints"), "application/json", strings.NewReader(encode(c)))
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, res.StatusCode, webtest.ReadBody(res))
}

func TestCreateComplaintAPIValidation(t *testing.T) {
	t.Parallel()
	env := apiEnv(t, "1000")
	long := strings.Repeat("x", 10001)
	cases := []struct {
		field string
		path  []string
		value any
	}{
		{"channel", nil, "fax"},
		{"channel", nil, 7},
		{"party", nil, strings.Repeat("p", 201)},
		{"party", nil, true},
		{"received_at", nil, "27/03/2024"},
		{"received_at", nil, time.Now().AddDate(0, 0, 2).Format("2006-01-02")},
		{"received_at", nil, "1999-12-31"},
		{"received_at", nil, 20240327},
		{"sender", nil, strings.Repeat("s", 201)},
		{"sender", nil, []int{1}},
		{"message", nil, long},
		{"message", nil, map[string]any{}},
		{"description", nil, long},
		{"description", nil, 3.5},
		{"consent", nil, "maybe"},
		{"consent", nil, false},
		{"opted_out", nil, "yes"},
		{"tps_registered", nil, 1},
		{"sender_identified", nil, "no"},
		{"opt_out_offered", nil, []any{}},
		{"special_category", nil, "true"},
		{"recipients_visible", nil, -1},
		{"recipients_visible", nil, 1000001},
		{"recipients_visible", nil, 2.5},
		{"recipients_visible", nil, "ten"},
		{"targeting_reason", nil, strings.Repeat("t", 2001)},
		{"complainant.name", []string{"complainant", "name"}, strings.Repeat("n", 201)},
		{"complainant.email", []string{"complainant", "email"}, "not-an-email"},
		{"complainant.email", []string{"complainant", "email"}, "a@b"},
		{"complainant.phone", []string{"complainant", "phone"}, "12"},
		{"complainant.postcode", []string{"complainant", "postcode"}, "NOT A POSTCODE"},
		{"complainant.may_contact", []string{"complainant", "may_contact"}, "yes"},
		{"complainant", nil, "me"},
		{"evidence", nil, "file"},
		{"evidence", nil, []any{map[string]any{"filename": "x.html", "data": base64.StdEncoding.EncodeToString([]byte("<html><script>alert(1)</script>"))}}},
		{"evidence", nil, []any{map[string]any{"filename": "x.png", "data": "!!not base64"}}},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%s=%v", c.field, c.value)[:min(60, len(fmt.Sprintf("%s=%v", c.field, c.value)))], func(t *testing.T) {
			body := validComplaint()
			if len(c.path) == 2 {
				body[c.path[0]].(map[string]any)[c.path[1]] = c.value
			} else {
				body[c.field] = c.value
			}
			status, out, _ := postComplaint(t, env, encode(body), nil)
			require.Equal(t, http.StatusUnprocessableEntity, status, out)
			errs, _ := out["errors"].([]any)
			var fields []string
			for _, e := range errs {
				m := e.(map[string]any)
				fields = append(fields, m["field"].(string))
				require.NotEmpty(t, m["message"])
			}
			require.Contains(t, fields, c.field, out)
		})
	}
	// Nothing at all to go on is also a 422 naming the fields.
	status, out, _ := postComplaint(t, env, `{}`, nil)
	require.Equal(t, http.StatusUnprocessableEntity, status)
	require.Contains(t, fmt.Sprint(out["errors"]), "received_at")
}

func TestCreateComplaintAPIBadRequests(t *testing.T) {
	t.Parallel()
	env := apiEnv(t, "1000")
	for _, body := range []string{``, `{`, `[]`, `null`, `"text"`, `{"channel":"sms"} {}`, `{"channel":"sms","colour":"red"}`, `{"complainant":{"shoe":1}}`} {
		status, out, _ := postComplaint(t, env, body, nil)
		require.Equal(t, http.StatusBadRequest, status, "body %q: %v", body, out)
		require.NotEmpty(t, out["error"], body)
	}
	status, out, _ := postComplaint(t, env, `{"channel":"sms","colour":"red"}`, nil)
	require.Equal(t, http.StatusBadRequest, status)
	require.Contains(t, out["error"], `"colour"`)

	big := validComplaint()
	big["message"] = strings.Repeat("a", 1<<20)
	status, out, _ = postComplaint(t, env, encode(big), nil)
	require.Equal(t, http.StatusRequestEntityTooLarge, status, out)
	require.Equal(t, "too_large", out["code"])
}

func TestCreateComplaintAPIRateLimit(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{Env: map[string]string{"COMPLAINT_RATE": "2", "COMPLAINT_BURST": "2"}})
	for i := 0; i < 2; i++ {
		c := validComplaint()
		c["sender"] = fmt.Sprint("s", i)
		status, out, _ := postComplaint(t, env, encode(c), nil)
		require.Equal(t, http.StatusCreated, status, out)
	}
	status, out, h := postComplaint(t, env, encode(validComplaint()), nil)
	require.Equal(t, http.StatusTooManyRequests, status)
	require.Equal(t, "rate_limited", out["code"])
	require.NotEmpty(t, h.Get("Retry-After"))
	require.NotEqual(t, "0", h.Get("Retry-After"))
}

func TestCreateComplaintAPIDatabaseDown(t *testing.T) {
	t.Parallel()
	env := apiEnv(t, "1000")
	c := validComplaint()
	status, out, _ := postComplaint(t, env, encode(c), nil)
	require.Equal(t, http.StatusCreated, status, out)
	ref := out["reference"]

	// Cut every connection the server has and stop it making new ones,
	// as when the database goes away.
	ctx := context.Background()
	var db string
	require.NoError(t, env.Pool.QueryRow(ctx, `SELECT current_database()`).Scan(&db))
	admin, err := pgxConnectServer(t)
	require.NoError(t, err)
	_, err = admin.Exec(ctx, `ALTER DATABASE `+db+` WITH ALLOW_CONNECTIONS false`)
	require.NoError(t, err)
	_, err = admin.Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1`, db)
	require.NoError(t, err)
	for i := 0; i < 3; i++ {
		c["sender"] = fmt.Sprint("down", i)
		status, out, h := postComplaint(t, env, encode(c), nil)
		require.Equal(t, http.StatusServiceUnavailable, status, out)
		require.Equal(t, "unavailable", out["code"])
		require.NotEmpty(t, h.Get("Retry-After"))
	}

	// Back up: only the complaint that got a reference is there.
	_, err = admin.Exec(ctx, `ALTER DATABASE `+db+` WITH ALLOW_CONNECTIONS true`)
	require.NoError(t, err)
	var refs []string
	require.Eventually(t, func() bool {
		rows, err := env.Pool.Query(ctx, `SELECT reference FROM complaints`)
		if err != nil {
			return false
		}
		refs = refs[:0]
		for rows.Next() {
			var r string
			_ = rows.Scan(&r)
			refs = append(refs, r)
		}
		return rows.Err() == nil
	}, 10*time.Second, 100*time.Millisecond)
	require.Equal(t, []string{ref.(string)}, refs)
	var jobs int
	require.NoError(t, env.Pool.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE kind = 'complaint_triage'`).Scan(&jobs))
	require.Equal(t, 1, jobs)
	c["sender"] = "after restart"
	status, out, _ = postComplaint(t, env, encode(c), nil)
	require.Equal(t, http.StatusCreated, status, out)
}

func TestStaffComplaintsAPIAndPages(t *testing.T) {
	t.Parallel()
	env := apiEnv(t, "1000")
	evil := `<script>alert("x")</script><b>bold</b>`
	c := validComplaint()
	for _, f := range []string{"party", "sender", "message", "description", "targeting_reason"} {
		c[f] = f + evil
	}
	c["complainant"] = map[string]any{"name": "name" + evil, "email": "ann@example.org"}
	c["evidence"] = []any{
		map[string]any{"filename": `<img src=x onerror=alert(1)>.txt`, "data": base64.StdEncoding.EncodeToString([]byte("<html><script>alert(1)</script> hi"))},
	}
	// The HTML evidence above is refused by content; send text instead.
	c["evidence"] = []any{map[string]any{"filename": `<img src=x onerror=alert(1)>.txt`, "data": base64.StdEncoding.EncodeToString([]byte("plain text evidence"))}}
	status, out, _ := postComplaint(t, env, encode(c), nil)
	require.Equal(t, http.StatusCreated, status, out)
	ref := out["reference"].(string)

	// API list: no complainant data; cursor pagination.
	tok, _ := env.Token(staff.RoleAnalyst)
	for i := 0; i < 3; i++ {
		c2 := validComplaint()
		c2["sender"] = fmt.Sprint("page", i)
		status, _, _ := postComplaint(t, env, encode(c2), nil)
		require.Equal(t, http.StatusCreated, status)
	}
	get := func(path, token string) (int, string) {
		req, _ := http.NewRequest(http.MethodGet, env.Server.URL+path, nil)
		res := env.Anonymous().Do(req, token)
		return res.StatusCode, webtest.ReadBody(res)
	}
	seen := map[string]bool{}
	path := "/api/v1/complaints?limit=2&channel=sms"
	for pages := 0; path != ""; pages++ {
		require.Less(t, pages, 5)
		st, body := get(path, tok)
		require.Equal(t, http.StatusOK, st, body)
		require.NotContains(t, body, "ann@example.org")
		var p struct {
			Items []struct {
				Reference string `json:"reference"`
			} `json:"items"`
			NextCursor string `json:"next_cursor"`
		}
		require.NoError(t, json.Unmarshal([]byte(body), &p))
		for _, it := range p.Items {
			require.False(t, seen[it.Reference], "repeated %s", it.Reference)
			seen[it.Reference] = true
		}
		path = ""
		if p.NextCursor != "" {
			path = "/api/v1/complaints?limit=2&channel=sms&cursor=" + p.NextCursor
		}
	}
	require.Len(t, seen, 4)
	st, body := get("/api/v1/complaints?channel=fax", tok)
	require.Equal(t, http.StatusUnprocessableEntity, st, body)
	st, _ = get("/api/v1/complaints", "")
	require.Equal(t, http.StatusUnauthorized, st)

	// Detail: the analyst gets no complainant; the triage officer does.
	st, body = get("/api/v1/complaints/"+ref, tok)
	require.Equal(t, http.StatusOK, st)
	require.NotContains(t, body, "ann@example.org")
	triTok, _ := env.Token(staff.RoleTriageOfficer)
	st, body = get("/api/v1/complaints/"+strings.ToLower(ref), triTok)
	require.Equal(t, http.StatusOK, st)
	require.Contains(t, body, "ann@example.org")
	st, _ = get("/api/v1/complaints/CW-2222-2222", tok)
	require.Equal(t, http.StatusNotFound, st)

	// Staff pages escape everything the public typed.
	analyst := env.SignedIn(staff.RoleAnalyst)
	res := analyst.Get("/staff/complaints")
	page := webtest.ReadBody(res)
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.Contains(t, page, ref)
	require.NotContains(t, page, "<script>alert")
	require.Contains(t, page, `href="/staff/complaints"`)
	res = analyst.Get("/staff/complaints/" + ref)
	page = webtest.ReadBody(res)
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.NotContains(t, page, "<script>alert")
	require.NotContains(t, page, "<b>bold")
	require.NotContains(t, page, "<img src=x")
	for _, f := range []string{"sender", "message", "description", "targeting_reason"} {
		require.Contains(t, page, f+"&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt;", f)
	}
	require.NotContains(t, page, "ann@example.org")
	require.NotContains(t, page, "?complainant=show")
	require.Contains(t, page, "Complaint received: channel Text message")

	triage := env.SignedIn(staff.RoleTriageOfficer)
	page = webtest.ReadBody(triage.Get("/staff/complaints/" + ref))
	require.Contains(t, page, "?complainant=show")
	require.NotContains(t, page, "ann@example.org")
	page = webtest.ReadBody(triage.Get("/staff/complaints/" + ref + "?complainant=show"))
	require.Contains(t, page, "ann@example.org")
	require.Contains(t, page, "name&lt;script&gt;")
	var views int
	require.NoError(t, env.Pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_log WHERE action = 'complaint.view_complainant' AND object_id = $1`, ref).Scan(&views))
	require.Equal(t, 2, views) // the API view above and this page

	// Evidence downloads are for those who may see the complainant's
	// details, audited, and attachments, never rendered.
	var evID int64
	require.NoError(t, env.Pool.QueryRow(context.Background(), `SELECT v.id FROM complaint_evidence v JOIN complaints c ON c.id = v.complaint_id WHERE c.reference = $1`, ref).Scan(&evID))
	res = analyst.Get(fmt.Sprintf("/staff/complaints/%s/evidence/%d", ref, evID))
	res.Body.Close()
	require.Equal(t, http.StatusForbidden, res.StatusCode)
	res = triage.Get(fmt.Sprintf("/staff/complaints/%s/evidence/%d", ref, evID))
	data := webtest.ReadBody(res)
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.Equal(t, "plain text evidence", data)
	require.True(t, strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment;"), res.Header.Get("Content-Disposition"))
	require.Equal(t, "nosniff", res.Header.Get("X-Content-Type-Options"))
	require.Equal(t, "application/octet-stream", res.Header.Get("Content-Type"))
	var downloads int
	require.NoError(t, env.Pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_log WHERE action = 'complaint.evidence_download' AND object_id = $1`, ref).Scan(&downloads))
	require.Equal(t, 1, downloads)
	res = triage.Get(fmt.Sprintf("/staff/complaints/%s/evidence/%d", "CW-2222-2222", evID))
	res.Body.Close()
	require.Equal(t, http.StatusNotFound, res.StatusCode)
}

func TestStaffComplaintImportPage(t *testing.T) {
	t.Parallel()
	env := apiEnv(t, "1000")
	cl := env.SignedIn(staff.RoleTriageOfficer)
	token := cl.CSRFToken("/staff/complaints/import")
	upload := func(csv string, skip bool) (int, string) {
		var buf bytes.Buffer
		w := formtest.Multipart(&buf, map[string]string{"csrf_token": token, "source": "post", "skip_invalid": map[bool]string{true: "yes"}[skip]}, "file", "in.csv", []byte(csv))
		res, err := cl.Client.Post(cl.URL("/staff/complaints/import"), w, &buf)
		require.NoError(t, err)
		return res.StatusCode, webtest.ReadBody(res)
	}
	good := "source_id,channel,received_at,sender,message\nP1,sms,2024-03-27,07700 900001,<script>x</script>\n"
	st, body := upload(good, false)
	require.Equal(t, http.StatusOK, st, body)
	require.Contains(t, body, "1 imported")
	st, body = upload(good, false)
	require.Equal(t, http.StatusOK, st)
	require.Contains(t, body, "1 already imported")
	st, body = upload("source_id,received_at,sender\nP2,never,x\n", false)
	require.Equal(t, http.StatusUnprocessableEntity, st)
	require.Contains(t, body, "Nothing was stored")
	require.Contains(t, body, "<td>2</td><td>received_at</td>")
}
