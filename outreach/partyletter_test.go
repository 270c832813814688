package outreach_test

import (
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/internal/staff"
	"github.com/campaignwatch/campaignwatch/outreach"
)

func auditFields(lang string) map[string]string {
	if lang == "cy" {
		return map[string]string{"AuditType": "archwiliad gorfodol", "AuditYear": "2019", "Assurance": "lefel gyfyngedig o sicrwydd",
			"Conclusion": "wedi cwblhau pob cam a gytunwyd ar ôl yr archwiliad.", "SummaryReport": "“Crynodeb” (https://example.org/s)",
			"Report": "Adroddiad dilynol", "Recommendations": "3", "FindingAreas": "sail gyfreithlon ac atebolrwydd"}
	}
	return map[string]string{"AuditType": "compulsory audit", "AuditYear": "2019", "Assurance": "a limited level of assurance",
		"Conclusion": "has completed every action agreed after the audit.", "SummaryReport": "“Summary” (https://example.org/s)",
		"Report": "Follow-up report", "Recommendations": "3", "FindingAreas": "lawful basis and accountability"}
}

func TestDraftPartyLetterTxWritesOnePartysHeldAuditBatch(t *testing.T) {
	e := newEnv(t, outreach.Settings{})
	ctx := e.user(staff.RolePoliticalTeam, 1)
	var snp, plaid int64
	require.NoError(t, e.pool.QueryRow(ctx, `SELECT id FROM parties WHERE short_name = 'SNP'`).Scan(&snp))
	require.NoError(t, e.pool.QueryRow(ctx, `SELECT id FROM parties WHERE short_name = 'Plaid Cymru'`).Scan(&plaid))
	att := outreach.Attachment{Filename: "audit-follow-up-snp-2019.pdf", Data: []byte("%PDF-1.4 report")}
	draft := func(in outreach.PartyLetter) (*outreach.CallResult, error) {
		var res *outreach.CallResult
		err := pgx.BeginFunc(ctx, e.pool, func(tx pgx.Tx) error {
			var err error
			res, err = e.svc.DraftPartyLetterTx(ctx, tx, in)
			return err
		})
		return res, err
	}
	before := e.rowCounts()

	// Every field is needed, and the report the letter says is attached.
	fields := auditFields("en")
	delete(fields, "Conclusion")
	_, err := draft(outreach.PartyLetter{Template: "audit-follow-up", PartyID: snp, Fields: fields, Attachment: att})
	require.Equal(t, "fields.Conclusion", apperr.FieldsOf(err)[0].Field, "%v", err)
	_, err = draft(outreach.PartyLetter{Template: "audit-follow-up", PartyID: snp, Fields: auditFields("en")})
	require.Equal(t, apperr.Invalid, apperr.CodeOf(err))
	require.Contains(t, apperr.MessageOf(err), "no report to attach")
	// A party with Welsh readers needs every field in Welsh.
	_, err = draft(outreach.PartyLetter{Template: "audit-follow-up", PartyID: plaid, Fields: auditFields("en"), Attachment: att})
	fe := apperr.FieldsOf(err)
	require.NotEmpty(t, fe, "%v", err)
	for _, f := range fe {
		require.True(t, strings.HasPrefix(f.Field, "fields_cy."), f.Field)
	}
	require.Equal(t, before, e.rowCounts(), "nothing is created")

	res, err := draft(outreach.PartyLetter{Template: "audit-follow-up", PartyID: snp, Fields: auditFields("en"), Attachment: att})
	require.NoError(t, err)
	require.Equal(t, "held", res.BatchState)
	var contacts int
	require.NoError(t, e.pool.QueryRow(ctx, `SELECT count(*) FROM party_contacts WHERE party_id = $1 AND active`, snp).Scan(&contacts))
	require.Equal(t, contacts, res.Letters)
	require.Equal(t, []outreach.PartyCount{{PartyID: snp, Party: res.Parties[0].Party, Letters: contacts}}, res.Parties)
	var kind, state string
	var election *int64
	require.NoError(t, e.pool.QueryRow(ctx, `SELECT kind, state, election_id FROM letter_batches WHERE id = $1`, res.BatchID).Scan(&kind, &state, &election))
	require.Equal(t, []any{"audit", "held"}, []any{kind, state})
	require.Nil(t, election, "outside any election")
	var letters, attached, others int
	require.NoError(t, e.pool.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE attachment_name = $2 AND attachment = $3), count(*) FILTER (WHERE party_id <> $4)
		FROM letters WHERE batch_id = $1 AND state = 'held'`, res.BatchID, att.Filename, att.Data, snp).Scan(&letters, &attached, &others))
	require.Equal(t, []int{contacts, contacts, 0}, []int{letters, attached, others})

	res, err = draft(outreach.PartyLetter{Template: "audit-follow-up", PartyID: plaid, Fields: auditFields("en"), FieldsCY: auditFields("cy"), Attachment: att})
	require.NoError(t, err)
	var body string
	require.NoError(t, e.pool.QueryRow(ctx, `SELECT body_text FROM letters WHERE batch_id = $1 ORDER BY id LIMIT 1`, res.BatchID).Scan(&body))
	require.Contains(t, strings.Join(strings.Fields(body), " "), "lefel gyfyngedig o sicrwydd")
}

func TestElectionCallRefusesALetterThatAttachesAReport(t *testing.T) {
	e := newEnv(t, outreach.Settings{})
	ctx := e.user(staff.RolePoliticalTeam, 1)
	for _, name := range []string{"audit-follow-up", "complaints-follow-up"} {
		_, err := e.svc.PreviewCall(ctx, outreach.CallInput{ElectionInput: outreach.ElectionInput{Name: "General Election 2099", Type: "general",
			PollingDay: date("2099-05-07")}, Template: name, Fields: auditFields("en")})
		fe := apperr.FieldsOf(err)
		require.Len(t, fe, 1, "%v", err)
		require.Equal(t, "template", fe[0].Field)
		require.Contains(t, fe[0].Message, "letter attaches a report")
	}
	_, err := e.svc.PreviewCall(ctx, outreach.CallInput{ElectionInput: outreach.ElectionInput{Name: "General Election 2099", Type: "general",
		PollingDay: date("2099-05-07")}, Template: "audit-follow-up"})
	require.Contains(t, apperr.FieldsOf(err)[0].Message, "audit follow-up letters are drafted from the audit's page")
}
