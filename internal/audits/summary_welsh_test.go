package audits_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/internal/outputtest"
)

// The summary report is published in Wales, so it has a Welsh version:
// every heading, label and free text in Welsh, and not one English free
// text. While a Welsh text is missing the Welsh version is refused with
// a sentence naming what to fill in, never made up from the English.
func TestSummaryInWelsh(t *testing.T) {
	t.Parallel()
	e := newOutputsEnv(t)
	prog := e.programme(t)
	party := e.f.Party()
	a := e.auditOf(t, prog, party.ID, priorities(2, 2, 1, 0), true)

	// The audit's good practice has no Welsh yet.
	sum, err := e.svc.Summary(e.ctx, prog)
	require.NoError(t, err)
	err = sum.Welsh()
	require.Equal(t, apperr.Invalid, apperr.CodeOf(err), "%v", err)
	require.Equal(t, "The Welsh version of the summary report cannot be made until you enter the Welsh good practice noted in the audit of "+party.Name+".",
		apperr.MessageOf(err))
	_, err = sum.PDF("cy")
	require.Equal(t, apperr.Invalid, apperr.CodeOf(err), "the Welsh PDF is refused too")
	english, err := sum.PDF("en")
	require.NoError(t, err, "the English version does not wait for the Welsh")
	require.NotContains(t, flat(outputtest.PDFText(t, english)), "This report is also available in Welsh", "no promise of a Welsh version that cannot be made")

	_, err = e.pool.Exec(e.ctx, `UPDATE audits SET good_practice_cy = 'Roedd y staff yn gwybod at bwy i droi.' WHERE id = $1`, a)
	require.NoError(t, err)
	sum, err = e.svc.Summary(e.ctx, prog)
	require.NoError(t, err)
	require.NoError(t, sum.Welsh())

	pdf, err := sum.PDF("cy")
	require.NoError(t, err)
	text := flat(outputtest.PDFText(t, pdf))
	for _, want := range []string{"Adroddiad cryno: Archwiliadau pleidiau 2019", "Canfyddiadau allweddol fesul maes", "Argymhellion fesul blaenoriaeth",
		"Cynnydd adeg yr adolygiad dilynol fesul plaid", "Arferion da a nodwyd", "Roedd hysbysiadau preifatrwydd yn hir ac yn amwys.",
		"Roedd polisïau ar bapur yn unig.", "Roedd y staff yn gwybod at bwy i droi.", sum.Headline("cy"), "Rheoliad Cyffredinol"} {
		require.Contains(t, text, flat(want))
	}
	for _, english := range []string{"Party audits 2019", "Privacy notices were long and vague.", "Policies existed on paper only.",
		"Staff knew whom to ask", "Seven parties audited", "Key findings by area", "Good practice noted", "recommendations were", "Recommendations"} {
		require.NotContains(t, text, english, "no English in the Welsh version")
	}
	require.NotRegexp(t, internalID, text)
	require.True(t, strings.HasPrefix(sum.PDFFilename("cy"), "adroddiad-cryno-rhaglen-archwilio-"), sum.PDFFilename("cy"))
	english, err = sum.PDF("en")
	require.NoError(t, err)
	require.Contains(t, flat(outputtest.PDFText(t, english)), "This report is also available in Welsh.")

	// A key finding without its Welsh, and a programme without its Welsh
	// name, are named; the Welsh name never falls back to the English.
	_, err = e.pool.Exec(e.ctx, `UPDATE audit_programme_findings SET finding_cy = '' WHERE programme_id = $1 AND area = 'accountability'`, prog)
	require.NoError(t, err)
	_, err = e.pool.Exec(e.ctx, `UPDATE audit_programmes SET name_cy = '' WHERE id = $1`, prog)
	require.NoError(t, err)
	sum, err = e.svc.Summary(e.ctx, prog)
	require.NoError(t, err)
	require.Equal(t, "The Welsh version of the summary report cannot be made until you enter the programme's Welsh name and the Welsh key finding for Accountability.",
		apperr.MessageOf(sum.Welsh()))
	require.Empty(t, sum.Name("cy"))
}

// An output whose recommendation rests on a provision the rulebook does
// not know fails, rather than print the id where the law's name belongs.
func TestOutputsRefuseAnUnknownProvision(t *testing.T) {
	t.Parallel()
	e := newOutputsEnv(t)
	prog := e.programme(t)
	a := e.auditOf(t, prog, e.f.Party().ID, priorities(1, 0, 0, 0), false)
	_, err := e.pool.Exec(e.ctx, `UPDATE audit_recommendations SET provisions = '{UKGDPR-999}' WHERE audit_id = $1`, a)
	require.NoError(t, err)
	_, err = e.svc.FollowUpReport(e.ctx, a)
	require.ErrorContains(t, err, "UKGDPR-999")
	_, err = e.svc.Summary(e.ctx, prog)
	require.ErrorContains(t, err, "UKGDPR-999")
	_, err = e.svc.Workbook(e.ctx, prog)
	require.ErrorContains(t, err, "UKGDPR-999")
}

// flat is text with its runs of white space as single spaces, as PDF
// lines wrap where they will.
func flat(s string) string { return strings.Join(strings.Fields(s), " ") }
