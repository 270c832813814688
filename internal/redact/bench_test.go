package redact_test

import (
	"strings"
	"testing"

	"github.com/campaignwatch/campaignwatch/internal/redact"
)

// BenchmarkText redacts a typical complaint (about 600 characters, a few
// details to find), as a trend export does for every row that includes
// free text.
func BenchmarkText(b *testing.B) {
	msg := strings.Repeat("I got a text from 07700 900123 saying Hi Tom, vote Green on Thursday! ", 3) +
		"My neighbour John Smith at 12 Acacia Avenue, Leeds LS1 4DY got one too. I never gave them my number " +
		"or my email jo.bloggs@example.org. I was born 3 March 1980 and my NI number is QQ 12 34 56 C. " +
		"Please stop the Labour Party and Plaid Cymru from texting me."
	who := redact.Person{Name: "Jo Bloggs", Email: "jo.bloggs@example.org", Phone: "07700 900123", Postcode: "LS1 4DY"}
	b.SetBytes(int64(len(msg)))
	b.ReportAllocs()
	for b.Loop() {
		redact.Text(msg, who)
	}
}

// BenchmarkTextPlain redacts a complaint with no personal data in it, the
// common case, where the cheap checks skip most patterns.
func BenchmarkTextPlain(b *testing.B) {
	msg := "I got a text from the Labour Party on Thursday asking me to vote for them at the election. " +
		"I never gave them consent to text me and there was no way to opt out of more messages. " +
		"It came from a short code and said it was paid for by the local campaign team."
	who := redact.Person{Name: "Jo Bloggs", Email: "jo.bloggs@example.org", Phone: "07700 900123", Postcode: "LS1 4DY"}
	b.SetBytes(int64(len(msg)))
	b.ReportAllocs()
	for b.Loop() {
		redact.Text(msg, who)
	}
}
