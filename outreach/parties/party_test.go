package parties

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/apperr"
)

func TestPartyNormalise(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		in     Party
		fields map[string]string // field -> part of the message; empty map means valid
		check  func(t *testing.T, p Party)
	}{
		{
			name: "valid and tidied",
			in: Party{Name: "  Labour   Party ", ShortName: " Labour", Aliases: []string{"Labour", " ", "labour", "The Labour Party"},
				RegistrationNumber: " pp 53 ", Nations: []Nation{"Wales", "england", "Northern Ireland", "england"}},
			check: func(t *testing.T, p Party) {
				require.Equal(t, "Labour Party", p.Name)
				require.Equal(t, "Labour", p.ShortName)
				require.Equal(t, []string{"Labour", "The Labour Party"}, p.Aliases, "blank and case-duplicate aliases dropped")
				require.Equal(t, "PP 53", p.RegistrationNumber)
				require.Equal(t, []Nation{vocab.NationEngland, vocab.NationWales, vocab.NationNorthernIreland}, p.Nations, "display order, no duplicates")
			},
		},
		{name: "name required", in: Party{Nations: []Nation{vocab.NationEngland}}, fields: map[string]string{"name": "Enter the party's name"}},
		{name: "name too long", in: Party{Name: strings.Repeat("x", 201), Nations: []Nation{vocab.NationEngland}}, fields: map[string]string{"name": "200 characters"}},
		{name: "nations required", in: Party{Name: "A"}, fields: map[string]string{"nations": "Select the nations"}},
		{name: "unknown nation", in: Party{Name: "A", Nations: []Nation{"england", "mercia"}}, fields: map[string]string{"nations": `"mercia" is not a nation`}},
		{name: "bad registration number", in: Party{Name: "A", Nations: []Nation{vocab.NationWales}, RegistrationNumber: "PP<1>"}, fields: map[string]string{"registration_number": "only letters"}},
		{name: "alias with semicolon", in: Party{Name: "A", Nations: []Nation{vocab.NationWales}, Aliases: []string{"x;y"}}, fields: map[string]string{"aliases": "semicolon"}},
		{name: "several at once", in: Party{ShortName: strings.Repeat("s", 101)}, fields: map[string]string{"name": "Enter", "short_name": "100 characters", "nations": "Select"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := tc.in
			err := p.Normalise()
			if len(tc.fields) == 0 {
				require.NoError(t, err)
				tc.check(t, p)
				return
			}
			require.Equal(t, apperr.Invalid, apperr.CodeOf(err))
			got := map[string]string{}
			for _, fe := range apperr.FieldsOf(err) {
				got[fe.Field] = fe.Message
			}
			require.Len(t, got, len(tc.fields), "fields: %v", got)
			for f, msg := range tc.fields {
				require.Contains(t, got[f], msg, "field %s", f)
			}
		})
	}
}

func TestContactNormalise(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		in    Contact
		field string // "" means valid
		msg   string
	}{
		{name: "valid", in: Contact{Name: "Jo Bloggs", Email: "dpo@party.org.uk"}},
		{name: "role defaults and is normalised", in: Contact{Name: "Jo", Email: "a@b.org", Role: "Press Office"}},
		{name: "name required", in: Contact{Email: "a@b.org"}, field: "name", msg: "Enter the contact's name"},
		{name: "email required", in: Contact{Name: "Jo"}, field: "email", msg: "Enter the contact's email address"},
		{name: "not an address", in: Contact{Name: "Jo", Email: "jo at party"}, field: "email", msg: "correct format"},
		{name: "display name refused", in: Contact{Name: "Jo", Email: "Jo <jo@party.org>"}, field: "email", msg: "correct format"},
		{name: "two addresses refused", in: Contact{Name: "Jo", Email: "a@b.org, c@d.org"}, field: "email", msg: "one email address only"},
		{name: "semicolon list refused", in: Contact{Name: "Jo", Email: "a@b.org;c@d.org"}, field: "email", msg: "one email address only"},
		{name: "domain without dot", in: Contact{Name: "Jo", Email: "jo@localhost"}, field: "email", msg: "correct format"},
		{name: "bad role", in: Contact{Name: "Jo", Email: "a@b.org", Role: "DPO!"}, field: "role", msg: "lower-case letters"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := tc.in
			err := c.Normalise()
			if tc.field == "" {
				require.NoError(t, err)
				require.NotEmpty(t, c.Role)
				require.True(t, roleOK(c.Role), c.Role)
				return
			}
			fields := apperr.FieldsOf(err)
			require.Len(t, fields, 1, "%v", fields)
			require.Equal(t, tc.field, fields[0].Field)
			require.Contains(t, fields[0].Message, tc.msg)
		})
	}
	c := Contact{Name: "Jo", Email: "a@b.org", Role: "Press Office"}
	require.NoError(t, c.Normalise())
	require.Equal(t, "press_office", c.Role)
	c = Contact{Name: "Jo", Email: "a@b.org"}
	require.NoError(t, c.Normalise())
	require.Equal(t, DefaultRole, c.Role)
}
