package redact_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/internal/redact"
)

// TestText runs sentences written the way the public writes, in English and
// Welsh, through the redactor: each personal detail must go, and the party
// names and ordinary words around it must stay.
func TestText(t *testing.T) {
	t.Parallel()
	who := redact.Person{Name: "Mrs Anne-Marie O'Neill", Email: "anne@example.org", Phone: "07700 900123", Postcode: "BT1 5GS"}
	for _, tc := range []struct{ name, in, want string }{
		// Email addresses.
		{"email", "write to joe.bloggs+x@mail.example.co.uk now", "write to [email] now"},
		{"own email", "from ANNE@example.org", "from [email]"},
		{"email spelled out", "reply to jo.bloggs at gmail dot com they said", "reply to [email] they said"},
		{"email bracketed at", "contact dave (at) example (dot) org", "contact [email]"},
		{"at home stays", "I was at home at 6pm", "I was at home at 6pm"},

		// Phone numbers, in every usual UK form.
		{"uk mobile", "call 07700 900123 today", "call [phone] today"},
		{"mobile unspaced", "The text came from 07700900456", "The text came from [phone]"},
		{"international", "ring +44 7700 900456.", "ring [phone]."},
		{"international with (0)", "they rang from +44 (0)7700 900789", "they rang from [phone]"},
		{"00 44", "number 0044 7700 900 321 again", "number [phone] again"},
		{"brackets", "tel (0113) 496 0000", "tel [phone]"},
		{"london", "the call was from 020 7946 0018 at teatime", "the call was from [phone] at teatime"},
		{"dashes", "Manchester number 0161-496-0000", "Manchester number [phone]"},
		{"dots", "call 01632.960.001 to opt out", "call [phone] to opt out"},
		{"full-width digits", "number was ０７７００ ９００６５４", "number was [phone]"},
		{"arabic-indic digits", "my son's phone ٠٧٧٠٠٩٠٠٥٥٥", "my son's phone [phone]"},
		{"zero-width space", "07700\u200b900\u200b222 kept texting", "[phone] kept texting"},
		{"own phone unspaced", "my number is 447700900123", "my number is [phone]"},
		{"short code kept", "forward to 7726", "forward to 7726"},
		{"STOP code kept", "Text STOP to 88440 to opt out", "Text STOP to 88440 to opt out"},

		// National Insurance numbers.
		{"NI spaced", "my NI number is QQ 12 34 56 C", "my NI number is [NI number]"},
		{"NI lower case", "national insurance qq123456c", "national insurance [NI number]"},
		{"NI no suffix", "NI: AB123456 on the form", "NI: [NI number] on the form"},

		// Dates of birth.
		{"born day month year", "I was born 3 March 1980 and never gave consent", "I was born [date of birth] and never gave consent"},
		{"born on 3rd", "she was born on the 3rd of March 1980", "she was born on the [date of birth]"},
		{"DOB short", "DOB 03/03/80", "DOB [date of birth]"},
		{"D.O.B. dots", "D.O.B: 3.3.1980", "D.O.B: [date of birth]"},
		{"date of birth iso", "date of birth 1980-03-03, postcode withheld", "date of birth [date of birth], postcode withheld"},
		{"birthday", "they knew my birthday is 14 July", "they knew my birthday is [date of birth]"},
		{"born in year", "my mother, born in 1941, got the call", "my mother, born [date of birth], got the call"},
		{"old numeric date", "the letter had 12/05/1957 on it", "the letter had [date of birth] on it"},
		{"recent date stays", "I got the text on 3 May 2026 at 9am", "I got the text on 3 May 2026 at 9am"},
		{"welsh born", "Cefais fy ngeni... ganwyd ar 3 Mawrth 1980", "Cefais fy ngeni... ganwyd ar [date of birth]"},
		{"welsh dob", "dyddiad geni: 03/03/1980", "dyddiad geni: [date of birth]"},

		// Addresses and postcodes.
		{"postcode", "I live in SW1A 1AA and work in m1 1ae", "I live in [postcode] and work in [postcode]"},
		{"postcode no space", "EH11YZ", "[postcode]"},
		{"house and street", "they came to 12 Acacia Avenue twice", "they came to [address] twice"},
		{"street and postcode", "leaflet at 4 Mill Lane, Leeds LS1 4DY", "leaflet at [address]"},
		{"flat", "I'm in Flat 3, 40 Station Road", "I'm in [address]"},
		{"abbreviated", "posted through 221b Baker St.", "posted through [address]"},
		{"live at", "I live at Rose Cottage, Mill Lane. They knocked twice", "I live at [address]. They knocked twice"},
		{"welsh street", "daeth y daflen i 5 Heol y Bont ddoe", "daeth y daflen i [address] ddoe"},
		{"welsh stryd", "rwy'n byw yn 3 Stryd Fawr, Aberystwyth", "rwy'n byw yn [address]"},

		// The complainant's own name.
		{"full name", "I am Anne-Marie O'Neill.", "I am [name]."},
		{"first name", "Hi Anne-Marie, vote for us", "Hi [name], vote for us"},
		{"surname any case", "o'neill family", "[name] family"},
		{"name part inside word kept", "Annexe and Marieke", "Annexe and Marieke"},

		// Other people's names.
		{"neighbour", "my neighbour John Smith got the same text", "my neighbour [name] got the same text"},
		{"husband", "My husband Dave answered the call", "My husband [name] answered the call"},
		{"next door neighbour comma", "our next-door neighbour, Priya Patel, was called too", "our next-door neighbour, [name], was called too"},
		{"title", "Mrs Smith from the party knocked", "Mrs [name] from the party knocked"},
		{"title initial", "signed by Dr J. Evans", "signed by Dr [name]"},
		{"title with full stop", "Dr. Jones left a voicemail", "Dr. [name] left a voicemail"},
		{"cue ends with the sentence", "I told my neighbour. Labour texted her too", "I told my neighbour. Labour texted her too"},
		{"councillor", "Cllr Bob Jones rang me", "Cllr [name] rang me"},
		{"called pair", "a man called Gareth Lewis rang", "a man called [name] rang"},
		{"named pair", "a volunteer named Sarah Brown", "a volunteer named [name]"},
		{"called party stays", "a group called Reform UK texted", "a group called Reform UK texted"},
		{"greeting in message", "The text said: Hi Tom, vote Green on Thursday!", "The text said: Hi [name], vote Green on Thursday!"},
		{"greeting generic stays", "Dear Voter, the Liberal Democrats need you", "Dear Voter, the Liberal Democrats need you"},
		{"this is from", "it said this is Chloe Martin from Labour", "it said this is [name] from Labour"},
		{"my name is", "my name is Kwame and I object", "my name is [name] and I object"},
		{"welsh neighbour", "cafodd fy nghymydog Siân Jones yr un neges", "cafodd fy nghymydog [name] yr un neges"},
		{"welsh husband", "atebodd fy ngŵr Dafydd y ffôn", "atebodd fy ngŵr [name] y ffôn"},
		{"welsh named", "dyn o'r enw Rhys Williams", "dyn o'r enw [name]"},
		{"welsh greeting", "Annwyl Gwen, pleidleisiwch dros Plaid Cymru", "Annwyl [name], pleidleisiwch dros Plaid Cymru"},

		// Party names and ordinary words stay.
		{"nothing", "Vote Labour on Thursday", "Vote Labour on Thursday"},
		{"parties", "The Conservative Party and Plaid Cymru both sent emails", "The Conservative Party and Plaid Cymru both sent emails"},
		{"sinn fein", "Sinn Féin leaflet about the Senedd election", "Sinn Féin leaflet about the Senedd election"},
		{"my party", "my friend and I both got it from the SNP", "my friend and I both got it from the SNP"},
		{"formula untouched", `=HYPERLINK("http://x","y")`, `=HYPERLINK("http://x","y")`},
		{"empty", "", ""},
	} {
		assert.Equal(t, tc.want, redact.Text(tc.in, who), tc.name)
	}
	require.Equal(t, "Hi [name]", redact.Text("Hi Anne", redact.Person{}), "a greeting's name is a name without a complainant too")
}

// The number or address the sender contacted is removed like the
// complainant's own phone or email, in forms the general patterns miss.
func TestTextContacted(t *testing.T) {
	t.Parallel()
	phone := redact.Person{Contacted: "07700 900982"}
	require.Equal(t, "it went to [phone] and [phone]", redact.Text("it went to 447700900982 and 07700-900-982", phone))
	mail := redact.Person{Contacted: "jo@localhost"}
	require.Equal(t, "sent to [email] only", redact.Text("sent to JO@LOCALHOST only", mail))
	require.Equal(t, "sent to jo@localhost only", redact.Text("sent to jo@localhost only", phone), "a number is not looked for as an address")
}
