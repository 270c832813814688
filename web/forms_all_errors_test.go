package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/campaignwatch/campaignwatch/internal/staff"
	"github.com/campaignwatch/campaignwatch/outreach"
	"github.com/campaignwatch/campaignwatch/web/webtest"
)

// summaryLinks are the fields the error summary links to, in order.
var summaryLinks = regexp.MustCompile(`<li><a href="#([^"]+)">`)

// Every staff form reports all its problems at once (the GOV.UK pattern):
// posted with several invalid answers, it lists each in the error summary
// and shows each beside its field, rather than stopping at the first.
func TestFormsReportAllErrorsAtOnce(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{})
	seedLetterTemplates(t, env)
	admin := env.SignedIn(staff.RoleAdmin)
	party := addParty(t, env, "Fen Party")
	partyPath := "/staff/parties/" + strconv.FormatInt(party, 10)
	longNote := strings.Repeat("n", 501)

	cases := []struct {
		name   string
		path   string
		form   url.Values
		fields []string // each must be in the summary and have its inline message
	}{
		{"new party", "/staff/parties",
			url.Values{"name": {" "}, "registration_number": {"PP<1>"}},
			[]string{"name", "nations", "registration_number"}},
		{"change a party", partyPath,
			url.Values{"name": {""}, "registration_number": {"PP<1>"}},
			[]string{"name", "nations", "registration_number"}},
		{"new contact", partyPath + "/contacts",
			url.Values{"name": {""}, "email": {"not an address"}},
			[]string{"name", "email"}},
		{"call an election", "/staff/elections",
			url.Values{"name": {""}, "type": {"general"}, "polling_day-day": {"31"}, "polling_day-month": {"2"}, "polling_day-year": {"2099"},
				"fields": {"no equals sign"}},
			[]string{"name", "polling_day", "fields"}},
		{"letters to parties", "/staff/letters/new",
			url.Values{"template": {""}, "fields": {"no equals sign"}},
			[]string{"party_ids", "fields"}},
		{"edit a letter template", "/staff/letter-templates/" + outreach.DefaultTemplate + "/edit",
			url.Values{"action": {"preview"}, "note": {longNote}, "source": {"---\nnot a header\n"}},
			[]string{"note", "source"}},
		{"organisation settings", "/staff/settings",
			url.Values{"version": {"1"}, "name": {""}, "contact_mailbox": {"not an address"}, "website": {"ftp://x"}},
			[]string{"name", "contact_mailbox"}},
		{"import complaints", "/staff/complaints/import",
			url.Values{"source": {""}},
			[]string{"source", "file"}},
	}
	for _, c := range cases {
		res := admin.PostForm(c.path, c.form)
		body := webtest.ReadBody(res)
		if !assert.Equal(t, http.StatusUnprocessableEntity, res.StatusCode, "%s: %s", c.name, body) {
			continue
		}
		var linked []string
		for _, m := range summaryLinks.FindAllStringSubmatch(body, -1) {
			linked = append(linked, m[1])
		}
		assert.GreaterOrEqual(t, len(linked), 2, "%s: the summary lists every problem: %v", c.name, linked)
		for _, f := range c.fields {
			assert.Contains(t, linked, f, "%s: the summary links to %s", c.name, f)
			assert.Contains(t, body, `id="`+f+`-error"`, "%s: %s has its message beside it", c.name, f)
		}
	}
}
