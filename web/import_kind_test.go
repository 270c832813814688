package web_test

import (
	"context"
	"net/http"
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/internal/staff"
	"github.com/campaignwatch/campaignwatch/web/internal/formtest"
	"github.com/campaignwatch/campaignwatch/web/webtest"
)

// A picture given to a staff import page by mistake is refused as the
// wrong kind of file, in the sentence the command line uses, beside the
// file field and in the error summary, and nothing is imported.
func TestImportPagesRefuseAPictureBesideTheFileField(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{})
	team := env.SignedIn(staff.RolePoliticalTeam)
	_, audit := auditFixture(t, team, addParty(t, env, "Dale Party"))
	const sentence = "fake.png is not a CSV or XLSX spreadsheet (it looks like an image). Give a CSV or XLSX file"
	beside := regexp.MustCompile(`<p id="file-error" class="error-message"><span class="visually-hidden">Error:</span> ` + regexp.QuoteMeta(sentence) + `</p>`)
	inSummary := regexp.MustCompile(`<a href="#file">` + regexp.QuoteMeta(sentence) + `</a>`)

	for _, path := range []string{"/staff/complaints/import", "/staff/parties/import", "/staff/audits/" + audit + "/import"} {
		fields := map[string]string{"csrf_token": team.CSRFToken(path), "source": "phone-line"}
		body, ct := multipartFile(t, fields, "fake.png", formtest.PNGOf(2<<10))
		res, err := team.Client.Post(team.URL(path), ct, body)
		require.NoError(t, err)
		page := webtest.ReadBody(res)
		require.Equal(t, http.StatusUnprocessableEntity, res.StatusCode, "%s: %s", path, page)
		require.Regexp(t, beside, page, "%s: the sentence is beside the file field", path)
		require.Regexp(t, inSummary, page, "%s: the summary links to the file field", path)
	}
	var n int
	require.NoError(t, env.Pool.QueryRow(context.Background(),
		`SELECT (SELECT count(*) FROM complaints) + (SELECT count(*) FROM audit_recommendations) + (SELECT count(*) FROM parties) - 1`).Scan(&n))
	require.Zero(t, n, "nothing but the fixture's party is stored")
}
