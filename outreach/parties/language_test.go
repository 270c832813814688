package parties_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/outreach/parties"
)

func TestContactLanguageDefaultsToThePartys(t *testing.T) {
	t.Parallel()
	b := setup(t)
	wales, err := b.store.Create(b.ctx, parties.Party{Name: "Cymru Party", Nations: []parties.Nation{"wales"}, Active: true})
	require.NoError(t, err)
	england, err := b.store.Create(b.ctx, parties.Party{Name: "Shire Party", Nations: []parties.Nation{"england"}, Active: true})
	require.NoError(t, err)
	require.Equal(t, "both", wales.DefaultLanguage())
	require.Equal(t, "en", england.DefaultLanguage())

	c, err := b.store.AddContact(b.ctx, wales.ID, parties.Contact{Name: "Ffion", Email: "ffion@cymru.example.org", Active: true})
	require.NoError(t, err)
	require.Nil(t, c.Language, "no choice: the party's default")
	require.Equal(t, "Welsh and English (the party's default)", wales.LanguageOf(*c))

	welsh := "Welsh"
	c, err = b.store.UpdateContact(b.ctx, wales.ID, c.ID, func(c *parties.Contact) { c.Language = &welsh })
	require.NoError(t, err)
	require.Equal(t, "cy", *c.Language, "a label is stored as its code")
	require.Equal(t, "Welsh", wales.LanguageOf(*c))
	require.Equal(t, 1, b.count(t, `SELECT count(*) FROM audit_log WHERE action LIKE 'party_contact%' AND summary->'after'->>'language' = 'cy'`))

	bad := "Klingon"
	_, err = b.store.UpdateContact(b.ctx, wales.ID, c.ID, func(c *parties.Contact) { c.Language = &bad })
	require.Contains(t, fieldsOf(err)["language"], "English, Welsh, or Welsh and English")
}

func TestImportReadsTheContactLanguage(t *testing.T) {
	t.Parallel()
	b := setup(t)
	csv := "party_name,nations,contact_name,contact_email,language\n" +
		"Cymru Party,wales,Ffion,ffion@cymru.example.org,\n" +
		"Cymru Party,wales,Huw,huw@cymru.example.org,Cymraeg\n" +
		"Cymru Party,wales,Jo,jo@cymru.example.org,en\n" +
		"Cymru Party,wales,Sam,sam@cymru.example.org,Welsh and English\n"
	_, err := b.store.Import(b.ctx, []byte(csv), parties.ImportOptions{})
	require.NoError(t, err)
	got := map[string]string{}
	rows, err := b.pool.Query(b.ctx, `SELECT name, coalesce(language, '') FROM party_contacts`)
	require.NoError(t, err)
	for rows.Next() {
		var n, l string
		require.NoError(t, rows.Scan(&n, &l))
		got[n] = l
	}
	require.Equal(t, map[string]string{"Ffion": "", "Huw": "cy", "Jo": "en", "Sam": "both"}, got)

	_, err = b.store.Import(b.ctx, []byte("party_name,nations,contact_name,contact_email,contact_language\nCymru Party,wales,Ffion,ffion@cymru.example.org,Breton\n"), parties.ImportOptions{})
	var ie *parties.ImportError
	require.ErrorAs(t, err, &ie)
	require.Equal(t, []parties.Problem{{Row: 2, Column: "contact_language",
		Message: "Enter English, Welsh, or Welsh and English (or en, cy, both); leave it empty for the party's default"}}, ie.Problems)
}
