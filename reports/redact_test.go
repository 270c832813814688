package reports_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/reports"
)

func TestRedact(t *testing.T) {
	t.Parallel()
	who := reports.Complainant{Name: "Mrs Anne-Marie O'Neill", Email: "anne@example.org", Phone: "07700 900123", Postcode: "BT1 5GS"}
	for _, tc := range []struct{ name, in, want string }{
		{"email", "write to joe.bloggs+x@mail.example.co.uk now", "write to [email] now"},
		{"own email", "from ANNE@example.org", "from [email]"},
		{"uk mobile", "call 07700 900123 today", "call [phone] today"},
		{"international", "ring +44 7700 900456.", "ring [phone]."},
		{"brackets", "tel (0113) 496 0000", "tel [phone]"},
		{"own phone unspaced", "my number is 447700900123", "my number is [phone]"},
		{"short code kept", "forward to 7726", "forward to 7726"},
		{"postcode", "I live in SW1A 1AA and work in m1 1ae", "I live in [postcode] and work in [postcode]"},
		{"postcode no space", "EH11YZ", "[postcode]"},
		{"full name", "I am Anne-Marie O'Neill.", "I am [name]."},
		{"first name", "Hi Anne-Marie, vote for us", "Hi [name], vote for us"},
		{"surname any case", "o'neill family", "[name] family"},
		{"name part inside word kept", "Annexe and Marieke", "Annexe and Marieke"},
		{"honorific kept", "Mrs Smith", "Mrs Smith"},
		{"nothing", "Vote Labour on Thursday", "Vote Labour on Thursday"},
		{"formula untouched", `=HYPERLINK("http://x","y")`, `=HYPERLINK("http://x","y")`},
		{"empty", "", ""},
	} {
		require.Equal(t, tc.want, reports.Redact(tc.in, who), tc.name)
	}
	require.Equal(t, "Hi Anne", reports.Redact("Hi Anne", reports.Complainant{}), "no complainant, no names")
}
