package complaintform_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/web/internal/formtest"
	"github.com/campaignwatch/campaignwatch/web/webtest"
)

// formWalker is the shared form walker, with this package's own walks.
type formWalker struct{ *formtest.Walker }

func newFormWalker(t testing.TB, env *webtest.Env) *formWalker {
	return &formWalker{formtest.NewWalker(t, env)}
}

func addParty(t testing.TB, env *webtest.Env, name string) int64 {
	var id int64
	require.NoError(t, env.Pool.QueryRow(context.Background(),
		`INSERT INTO parties (name, nations) VALUES ($1, ARRAY['england','wales']) RETURNING id`, name).Scan(&id))
	return id
}

// walkToCheck answers every page for an SMS complaint and returns at check
// answers.
func (w *formWalker) walkToCheck(partyID int64, message string) {
	w.T.Helper()
	yesterday := time.Now().AddDate(0, 0, -1)
	w.Step("/complaints/new", url.Values{"channel": {"sms"}}, "/complaints/new/sender")
	w.Step("/complaints/new/sender", url.Values{"sender": {"07700 900982"},
		"received_day": {fmt.Sprint(yesterday.Day())}, "received_month": {fmt.Sprint(int(yesterday.Month()))},
		"received_year": {fmt.Sprint(yesterday.Year())}, "received_time": {"14:30"}}, "/complaints/new/message")
	w.Step("/complaints/new/message", url.Values{"message": {message}, "description": {"I never gave them my number."}}, "/complaints/new/contacted")
	w.Step("/complaints/new/contacted", url.Values{"contacted": {"07700 900123"}, "work_address": {"no"}}, "/complaints/new/permission")
	w.Step("/complaints/new/permission", url.Values{"consent": {"no"}, "member": {"no"}, "opted_out": {"yes"},
		"sender_identified": {"no"}, "opt_out_offered": {"no"}}, "/complaints/new/asked-to-stop")
	w.Step("/complaints/new/asked-to-stop", url.Values{"stopped_day": {fmt.Sprint(yesterday.AddDate(0, 0, -7).Day())},
		"stopped_month": {fmt.Sprint(int(yesterday.AddDate(0, 0, -7).Month()))}, "stopped_year": {fmt.Sprint(yesterday.AddDate(0, 0, -7).Year())}},
		"/complaints/new/party")
	w.Step("/complaints/new/party", url.Values{"party": {fmt.Sprint(partyID)}}, "/complaints/new/evidence")
	status, loc, body := w.Upload("shot.png", formtest.PNG(w.T), "continue")
	require.Equal(w.T, http.StatusSeeOther, status, body)
	require.Equal(w.T, "/complaints/new/about-you", loc)
	w.Step("/complaints/new/about-you", url.Values{"name": {"Ann Example"}, "email": {"ann@example.org"}, "may_contact": {"yes"}}, "/complaints/new/check")
}

func TestComplaintFormWalkStoresComplaintEvidenceAndTriageJob(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{})
	partyID := addParty(t, env, "Example Party")
	w := newFormWalker(t, env)
	ctx := context.Background()

	// An empty answer comes back with the error summary and an inline
	// error tied to the radios by aria-describedby.
	status, _, body := w.Post("/complaints/new", url.Values{})
	require.Equal(t, http.StatusUnprocessableEntity, status)
	require.Contains(t, body, `class="error-summary"`)
	require.Contains(t, body, `<a href="#channel">Select what happened</a>`)
	require.Contains(t, body, `aria-describedby="channel-hint channel-error"`)
	require.Contains(t, body, "<title>Error: What happened?")

	// A bad date is caught on its page, with the answers kept.
	w.Step("/complaints/new", url.Values{"channel": {"sms"}}, "/complaints/new/sender")
	status, _, body = w.Post("/complaints/new/sender", url.Values{"sender": {"07700 900982"},
		"received_day": {"31"}, "received_month": {"2"}, "received_year": {"2024"}})
	require.Equal(t, http.StatusUnprocessableEntity, status)
	require.Contains(t, body, "The date must be a real date")
	require.Contains(t, body, `value="07700 900982"`)

	script := `<script>alert("x")</script> Vote for us!`
	w.walkToCheck(partyID, script)
	status, body = w.Get("/complaints/new/check")
	require.Equal(t, http.StatusOK, status)
	require.Contains(t, body, "Example Party")
	require.Contains(t, body, "shot.png")
	require.Contains(t, body, "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;", "what the public typed is escaped")
	require.NotContains(t, body, `<script>alert`)
	require.Contains(t, body, `href="/complaints/new/sender?change=1"`)

	// A Change link returns to check answers once saved.
	w.Step("/complaints/new/about-you", url.Values{"change": {"1"}, "name": {"Ann Example"}, "email": {"ann@example.org"},
		"postcode": {"cf10 1aa"}, "may_contact": {"yes"}}, "/complaints/new/check")

	status, loc, body := w.Post("/complaints/new/check", url.Values{})
	require.Equal(t, http.StatusSeeOther, status, body)
	require.Equal(t, "/complaints/new/confirmation", loc)
	status, body = w.Get("/complaints/new/confirmation")
	require.Equal(t, http.StatusOK, status)
	ref := formtest.ReferenceRE.FindString(body)
	require.NotEmpty(t, ref, body)

	var id int64
	var channel, lang, postcode string
	require.NoError(t, env.Pool.QueryRow(ctx, `SELECT c.id, c.channel, c.lang, p.postcode FROM complaints c
		JOIN complainants p ON p.complaint_id = c.id WHERE c.reference = $1`, ref).Scan(&id, &channel, &lang, &postcode))
	require.Equal(t, "sms", channel)
	require.Equal(t, "en", lang)
	require.Equal(t, "CF10 1AA", postcode)
	var files, jobs, drafts int
	require.NoError(t, env.Pool.QueryRow(ctx, `SELECT count(*) FROM complaint_evidence WHERE complaint_id = $1 AND content_type = 'image/png'`, id).Scan(&files))
	require.Equal(t, 1, files)
	require.NoError(t, env.Pool.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE kind = 'complaint_triage' AND (args->>'complaint_id')::bigint = $1`, id).Scan(&jobs))
	require.Equal(t, 1, jobs)
	// The draft's rows stay, marked sent and empty, so their bytes count
	// against the client for 24 hours; their content is not kept twice.
	require.NoError(t, env.Pool.QueryRow(ctx, `SELECT count(*) FROM complaint_drafts WHERE sent_at IS NULL OR length(data) > 0`).Scan(&drafts))
	require.Zero(t, drafts, "the draft's files are emptied once the complaint is stored")

	// The draft is gone: the form starts again empty.
	status, body = w.Get("/complaints/new")
	require.Equal(t, http.StatusOK, status)
	require.NotContains(t, body, "checked")
}

func TestComplaintFormHoneypotStoresNothing(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{})
	partyID := addParty(t, env, "Example Party")
	w := newFormWalker(t, env)
	w.walkToCheck(partyID, "Vote for us")
	// A bot fills every field, including the one labelled "leave blank".
	status, loc, _ := w.Post("/complaints/new/check", url.Values{"website": {"http://spam.example"}})
	require.Equal(t, http.StatusSeeOther, status)
	require.Equal(t, "/complaints/new/confirmation", loc)
	status, body := w.Get("/complaints/new/confirmation")
	require.Equal(t, http.StatusOK, status)
	require.Regexp(t, formtest.ReferenceRE, body, "the bot sees an ordinary confirmation")
	var n int
	require.NoError(t, env.Pool.QueryRow(context.Background(), `SELECT count(*) FROM complaints`).Scan(&n))
	require.Zero(t, n, "nothing is stored for a filled honeypot")
}

func TestComplaintFormNeedsCSRFToken(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{})
	c := env.Anonymous()
	for _, p := range []string{"/complaints/new", "/complaints/new/sender", "/complaints/new/check", "/complaints/new/evidence/remove"} {
		res := c.PostFormRaw(p, url.Values{"channel": {"sms"}})
		res.Body.Close()
		require.Equal(t, http.StatusForbidden, res.StatusCode, p)
	}
}

func TestComplaintFormEvidenceRules(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{})
	w := newFormWalker(t, env)
	w.Step("/complaints/new", url.Values{"channel": {"email"}}, "/complaints/new/sender")

	// A program disguised by its name is refused by its content.
	status, _, body := w.Upload("photo.png", []byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"), "upload")
	require.Equal(t, http.StatusUnprocessableEntity, status)
	require.Contains(t, body, "The file must be a picture")
	// Pressing "Add this file" with no file says so.
	status, _, body = w.Upload("", nil, "upload")
	require.Equal(t, http.StatusUnprocessableEntity, status)
	require.Contains(t, body, "Choose a file to add")

	for i := 0; i < 5; i++ {
		status, loc, body := w.Upload(fmt.Sprintf("note%d.txt", i), []byte("They texted me at 9pm."), "upload")
		require.Equal(t, http.StatusSeeOther, status, body)
		require.Equal(t, "/complaints/new/evidence", loc)
	}
	status, _, body = w.Upload("sixth.txt", []byte("one too many"), "upload")
	require.Equal(t, http.StatusUnprocessableEntity, status)
	require.Contains(t, body, "You can add 5 files at most")

	// Remove one: its own small form, with the CSRF token.
	status, body = w.Get("/complaints/new/evidence")
	require.Equal(t, http.StatusOK, status)
	m := regexp.MustCompile(`name="file" value="(\d+)"`).FindStringSubmatch(body)
	require.NotNil(t, m)
	w.Step("/complaints/new/evidence/remove", url.Values{"file": {m[1]}}, "/complaints/new/evidence")
	var n int
	require.NoError(t, env.Pool.QueryRow(context.Background(), `SELECT count(*) FROM complaint_drafts`).Scan(&n))
	require.Equal(t, 4, n)

	// Another person's draft cannot see or remove these files.
	other := newFormWalker(t, env)
	other.Step("/complaints/new", url.Values{"channel": {"email"}}, "/complaints/new/sender")
	status, body = other.Get("/complaints/new/evidence")
	require.Equal(t, http.StatusOK, status)
	require.NotContains(t, body, "note1.txt")
	other.Step("/complaints/new/evidence/remove", url.Values{"file": {m[1]}}, "/complaints/new/evidence")
	require.NoError(t, env.Pool.QueryRow(context.Background(), `SELECT count(*) FROM complaint_drafts`).Scan(&n))
	require.Equal(t, 4, n)
}

func TestComplaintFormRequestSizeLimits(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{})
	w := newFormWalker(t, env)
	status, _, _ := w.Post("/complaints/new/sender", url.Values{"sender": {strings.Repeat("x", 70<<10)}})
	require.Equal(t, http.StatusRequestEntityTooLarge, status, "answers are capped at 64 KB")

	w.Step("/complaints/new", url.Values{"channel": {"sms"}}, "/complaints/new/sender")
	big := bytes.Repeat([]byte("a"), 12<<20)
	status, _, body := w.Upload("big.txt", big, "upload")
	require.Equal(t, http.StatusRequestEntityTooLarge, status)
	require.Contains(t, body, "The file must be smaller than 10 MB")
}

func TestComplaintFormRateLimit(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{Env: map[string]string{"COMPLAINT_RATE": "1", "COMPLAINT_BURST": "1"}})
	partyID := addParty(t, env, "Example Party")
	w := newFormWalker(t, env)
	w.walkToCheck(partyID, "first")
	status, _, body := w.Post("/complaints/new/check", url.Values{})
	require.Equal(t, http.StatusSeeOther, status, body)
	w.walkToCheck(partyID, "second")
	status, _, body = w.Post("/complaints/new/check", url.Values{})
	require.Equal(t, http.StatusTooManyRequests, status)
	require.Contains(t, body, "You have sent too many requests")
	require.Contains(t, body, "We have kept your answers")
	status, body = w.Get("/complaints/new/check")
	require.Equal(t, http.StatusOK, status)
	require.Contains(t, body, "second", "the answers survive the 429")
	require.Equal(t, 1, countComplaints(t, env))
}

// TestComplaintFormControlCharactersRefused: a control character is
// answered with 422 naming the field, and the answer is not kept.
func TestComplaintFormControlCharactersRefused(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{})
	w := newFormWalker(t, env)
	w.Step("/complaints/new", url.Values{"channel": {"sms"}}, "/complaints/new/sender")
	status, _, body := w.Post("/complaints/new/sender", url.Values{"sender": {"Bad\x00\x07 Sender\u200b"}, "received_day": {"1"},
		"received_month": {"3"}, "received_year": {"2024"}})
	require.Equal(t, http.StatusUnprocessableEntity, status, body)
	require.Contains(t, body, "sender")
	require.Contains(t, body, "contains a character we cannot accept")
	status, body = w.Get("/complaints/new/sender")
	require.Equal(t, http.StatusOK, status)
	require.NotContains(t, body, "Bad")
}

func TestComplaintFormChangeChannelAsksChannelQuestionsAgain(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{})
	partyID := addParty(t, env, "Example Party")
	w := newFormWalker(t, env)
	w.walkToCheck(partyID, "hello")
	// From check answers, change the channel to an advert: the pages that
	// depend on it are asked again (no permission page for adverts), then
	// check answers.
	w.Step("/complaints/new", url.Values{"channel": {"social_media_ad"}, "change": {"1"}}, "/complaints/new/sender?change=1")
	w.Step("/complaints/new/sender", url.Values{"change": {"1"}, "sender": {"Example Party page"}, "received_day": {"1"},
		"received_month": {"3"}, "received_year": {"2024"}}, "/complaints/new/message?change=1")
	w.Step("/complaints/new/message", url.Values{"change": {"1"}, "message": {"Vote for us"},
		"targeting_reason": {"It named my street"}, "special_category": {"no"}}, "/complaints/new/check")
	status, body := w.Get("/complaints/new/check")
	require.Equal(t, http.StatusOK, status)
	require.Contains(t, body, "It named my street")
	require.NotContains(t, body, "Had you given them permission")
}

func countComplaints(t testing.TB, env *webtest.Env) int {
	var n int
	require.NoError(t, env.Pool.QueryRow(context.Background(), `SELECT count(*) FROM complaints`).Scan(&n))
	return n
}

func TestComplaintFormInWelsh(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{})
	partyID := addParty(t, env, "Plaid Enghreifftiol")
	w := newFormWalker(t, env)
	status, body := w.Get("/complaints/new?lang=cy")
	require.Equal(t, http.StatusOK, status)
	require.Contains(t, body, `<html lang="cy">`)
	require.Contains(t, body, "Beth ddigwyddodd?")
	require.Contains(t, body, `href="/complaints/new?lang=en"`, "a switch back to English")
	require.Contains(t, body, "Neidio i&#39;r prif gynnwys", "the layout is translated too")

	// The language is remembered on the next pages, errors included.
	status, _, body = w.Post("/complaints/new", url.Values{})
	require.Equal(t, http.StatusUnprocessableEntity, status)
	require.Contains(t, body, "Mae problem wedi codi")
	require.Contains(t, body, "Dewiswch beth ddigwyddodd")

	w.walkToCheck(partyID, "Pleidleisiwch drosom")
	status, body = w.Get("/complaints/new/check")
	require.Equal(t, http.StatusOK, status)
	require.Contains(t, body, "Gwiriwch eich atebion")
	status, loc, _ := w.Post("/complaints/new/check", url.Values{})
	require.Equal(t, http.StatusSeeOther, status)
	require.Equal(t, "/complaints/new/confirmation", loc)
	status, body = w.Get("/complaints/new/confirmation")
	require.Equal(t, http.StatusOK, status)
	require.Contains(t, body, "Adroddiad wedi")
	ref := formtest.ReferenceRE.FindString(body)
	var lang string
	require.NoError(t, env.Pool.QueryRow(context.Background(), `SELECT lang FROM complaints WHERE reference = $1`, ref).Scan(&lang))
	require.Equal(t, "cy", lang, "the acknowledgement email follows the page language")

	// Public pages outside the form are translated as well.
	for _, p := range []string{"/", "/privacy", "/accessibility"} {
		status, body = w.Get(p)
		require.Equal(t, http.StatusOK, status, p)
		require.Contains(t, body, `<html lang="cy">`, p)
	}
	require.Contains(t, body, "Datganiad hygyrchedd")
}

func TestDraftCookieIsSealed(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{})
	w := newFormWalker(t, env)
	w.Step("/complaints/new", url.Values{"channel": {"sms"}}, "/complaints/new/sender")
	w.Step("/complaints/new/sender", url.Values{"sender": {"07700 900982"}, "received_day": {"1"},
		"received_month": {"3"}, "received_year": {"2024"}}, "/complaints/new/message")
	u, _ := url.Parse(w.C.URL("/complaints/new"))
	var draft *http.Cookie
	for _, c := range w.C.Jar.Cookies(u) {
		if strings.HasPrefix(c.Name, "cw_cdraft") {
			draft = c
		}
	}
	require.NotNil(t, draft)
	require.NotContains(t, draft.Value, "07700", "the answers are encrypted")

	// A tampered cookie is ignored: the form starts again.
	tampered := *draft
	tampered.Value = "A" + draft.Value[1:]
	w.C.Jar.SetCookies(u, []*http.Cookie{{Name: tampered.Name, Value: tampered.Value, Path: "/complaints"}})
	res := w.C.Get("/complaints/new/sender")
	res.Body.Close()
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	require.Equal(t, "/complaints/new", res.Header.Get("Location"))
}

// TestComplaintFormProblemFoundAtSendIsShownOnItsStep covers an answer that
// was fine when given but not when sent (the party left the registry in
// between): the person lands on that step with the error summary, not on a
// silent page.
func TestComplaintFormProblemFoundAtSendIsShownOnItsStep(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{})
	partyID := addParty(t, env, "Short-lived Party")
	w := newFormWalker(t, env)
	w.walkToCheck(partyID, "Vote for us")
	_, err := env.Pool.Exec(context.Background(), `DELETE FROM parties WHERE id = $1`, partyID)
	require.NoError(t, err)

	status, loc, body := w.Post("/complaints/new/check", url.Values{})
	require.Equal(t, http.StatusSeeOther, status, body)
	require.True(t, strings.HasPrefix(loc, "/complaints/new/party?"), loc)
	require.Contains(t, loc, "problem=1")
	status, body = w.Get(loc)
	require.Equal(t, http.StatusUnprocessableEntity, status)
	require.Contains(t, body, "There is a problem")
	require.Contains(t, body, `href="#party"`)
	require.Zero(t, countComplaints(t, env))
}

// A file that expires between the check page and "Send" must not be
// dropped silently: nothing is stored, and the person is sent to the
// evidence page, told to add it again, with their answers kept.
func TestComplaintSendRefusesWhenEvidenceExpired(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{})
	ctx := context.Background()
	partyID := addParty(t, env, "Example Party")
	for _, lang := range []string{"en", "cy"} {
		w := newFormWalker(t, env)
		if lang == "cy" {
			w.Get("/complaints/new?lang=cy")
		}
		w.walkToCheck(partyID, "Vote for us, "+lang)
		seen := w.FilesSeen()
		var id int64
		require.NoError(t, env.Pool.QueryRow(ctx, `SELECT max(id) FROM complaint_drafts`).Scan(&id))
		_, err := env.Pool.Exec(ctx, `UPDATE complaint_drafts SET expires_at = now() - interval '1 second' WHERE id = $1`, id)
		require.NoError(t, err)

		before := countComplaints(t, env)
		status, loc, body := w.Post("/complaints/new/check", url.Values{"evidence_files": {fmt.Sprint(id)}})
		require.Equal(t, http.StatusSeeOther, status, body)
		require.Equal(t, "/complaints/new/evidence?change=1&code=expired&field=evidence&problem=1", loc)
		require.Equal(t, before, countComplaints(t, env), "no complaint is stored without its file")
		require.Equal(t, fmt.Sprint(id), seen, "the check page listed the file")

		status, body = w.Get(loc)
		require.Equal(t, http.StatusUnprocessableEntity, status)
		want := map[string]string{
			"en": "A file you added was kept for 24 hours and has expired; add it again, then send your report",
			"cy": "Cadwyd ffeil a ychwanegoch am 24 awr ac mae wedi dod i ben; ychwanegwch hi eto, yna anfonwch eich adroddiad",
		}[lang]
		require.Contains(t, body, want)

		// Added again, it is sent with the answers typed before.
		status, _, body = w.Upload("shot.png", formtest.PNG(t), "upload")
		require.Equal(t, http.StatusSeeOther, status, body)
		status, body = w.Get("/complaints/new/check")
		require.Equal(t, http.StatusOK, status)
		require.Contains(t, body, "Vote for us, "+lang, "the answers were kept")
		w.Step("/complaints/new/check", url.Values{}, "/complaints/new/confirmation")
		var message string
		var files int
		require.NoError(t, env.Pool.QueryRow(ctx, `SELECT c.message, (SELECT count(*) FROM complaint_evidence e WHERE e.complaint_id = c.id)
			FROM complaints c ORDER BY c.id DESC LIMIT 1`).Scan(&message, &files))
		require.Equal(t, "Vote for us, "+lang, message)
		require.Equal(t, 1, files)
	}
}

// A file added (in another tab) after the check page was shown is not
// sent unseen: the check page is shown again first.
func TestComplaintSendShowsCheckAgainWhenFilesChanged(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{})
	partyID := addParty(t, env, "Example Party")
	w := newFormWalker(t, env)
	w.walkToCheck(partyID, "Vote for us")
	seen := w.FilesSeen()
	status, _, body := w.Upload("more.png", formtest.PNG(t), "upload")
	require.Equal(t, http.StatusSeeOther, status, body)
	before := countComplaints(t, env)
	w.Step("/complaints/new/check", url.Values{"evidence_files": {seen}}, "/complaints/new/check")
	require.Equal(t, before, countComplaints(t, env))
	w.Step("/complaints/new/check", url.Values{}, "/complaints/new/confirmation")

	status, _, _ = w.Post("/complaints/new/check", url.Values{"evidence_files": {"1,x"}})
	require.Equal(t, http.StatusSeeOther, status, "a list the check page did not write is not a 500")
}

// Two "Send"s of one draft at once (a double click) store one complaint
// with its file, and both are answered with its confirmation: the second
// must not take the files the first sent for expired ones.
func TestComplaintSendTwiceAtOnceStoresOneWithItsFiles(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{})
	ctx := context.Background()
	partyID := addParty(t, env, "Example Party")
	w := newFormWalker(t, env)
	w.walkToCheck(partyID, "Vote for us twice")
	seen := w.FilesSeen()
	before := countComplaints(t, env)

	// Hold the draft's file so both sends are waiting for it at once.
	hold, err := env.Pool.Begin(ctx)
	require.NoError(t, err)
	_, err = hold.Exec(ctx, `SELECT id FROM complaint_drafts FOR UPDATE`)
	require.NoError(t, err)
	type answer struct {
		status int
		loc    string
	}
	answers := make(chan answer, 2)
	for i := 0; i < 2; i++ {
		go func() {
			status, loc, _ := w.Post("/complaints/new/check", url.Values{"evidence_files": {seen}})
			answers <- answer{status, loc}
		}()
	}
	require.Eventually(t, func() bool {
		var waiting int
		require.NoError(t, env.Pool.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity
			WHERE wait_event_type = 'Lock' AND query LIKE '%FROM complaint_drafts WHERE draft_key%'`).Scan(&waiting))
		return waiting == 2
	}, 10*time.Second, 10*time.Millisecond, "both sends wait for the draft's file")
	require.NoError(t, hold.Rollback(ctx))

	for i := 0; i < 2; i++ {
		a := <-answers
		require.Equal(t, answer{http.StatusSeeOther, "/complaints/new/confirmation"}, a)
	}
	require.Equal(t, before+1, countComplaints(t, env))
	var files int
	require.NoError(t, env.Pool.QueryRow(ctx, `SELECT count(*) FROM complaint_evidence e JOIN complaints c ON c.id = e.complaint_id
		WHERE c.message = 'Vote for us twice'`).Scan(&files))
	require.Equal(t, 1, files)
}
