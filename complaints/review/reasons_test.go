package review_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/campaignwatch/campaignwatch/complaints/review"
	"github.com/campaignwatch/campaignwatch/complaints/triage"
)

func TestSentenceReadsFactsAsWords(t *testing.T) {
	cases := map[string]string{
		"R03 (No identity): sender_identified = false → PECR-23; guidance G1.": "R03 (No identity): the sender did not say who they were → " + titleOf("PECR-23") + " (PECR-23); guidance: " + titleOf("G1") + " (G1).",
		"Consent = no.":                  "The complainant had not given permission.",
		"Consent = yes (member = true).": "The complainant had given permission (the complainant is a member of the party).",
		"R01 (x): channel live_call (from the text) and tps_registered = true → PECR-21":                                                  "R01 (x): channel: live call (from the text) and the number is registered with the Telephone Preference Service → " + titleOf("PECR-21") + " (PECR-21)",
		"Channel automated_call: stated by the complainant.":                                                                              "Channel: automated call: stated by the complainant.",
		"Score: 5 (out of scope) → low.":                                                                                                  "Score: 5 (out of scope) → priority low.",
		"R09 (y): not channel sms email → PECR-22":                                                                                        "R09 (y): not by text message or email → " + titleOf("PECR-22") + " (PECR-22)",
		"R10 (z): recipients_visible = 40, read from the text \"sender_identified = false\"":                                              "R10 (z): 40 recipients' addresses were visible to each other, read from the text \"sender_identified = false\"",
		"R09 (y): not channel sms email and the text says \"hi\" → X":                                                                     "R09 (y): not by text message or email and the text says \"hi\" → X",
		"Score: base 30 (text or email without consent (PECR-22)) + 10 (repeat: same_sender_count = 3 (at least 3)) = 40 → high (35–59).": "Score: base 30 (text or email without consent (PECR-22)) + 10 (repeat: 3 recent complaints from the same sender (at least 3)), a total of 40: priority high (35–59).",
		"Score: base 40 (recipients exposed (bcc_breach)) = 40 → medium (35–59).":                                                         "Score: base 40 (recipients exposed (email addresses exposed)), a total of 40: priority medium (35–59).",
		"No rule applies to the facts given.":                                                                                             "No rule applies to the facts given.",
	}
	for in, want := range cases {
		assert.Equal(t, want, review.Sentence(in), in)
	}
}

// titleOf is what the rulebook says a provision or guidance point is,
// without its full stop.
func titleOf(id string) string { return strings.TrimSuffix(triage.CodeTitle(id), ".") }

func TestSentenceLeavesNoFieldEqualsValue(t *testing.T) {
	// Every field the engine can name has words, so a field added to the
	// engine without them fails here.
	values := []string{"true", "false", "yes", "no", "unsure", "3", "email", "address"}
	for _, f := range triage.FactFields() {
		inWords := 0
		for _, v := range values {
			got := review.Sentence("R1 (t): " + f + " = " + v + " → X.")
			if strings.Contains(got, f+" = ") {
				continue // not a value this field holds
			}
			inWords++
			assert.NotContains(t, got, " = ", got)
			assert.NotContains(t, got, "_", got)
		}
		assert.Positive(t, inWords, "%s has no words", f)
	}
}

func TestSentenceNamesProvisionsAndGuidanceInWords(t *testing.T) {
	got := review.Sentence("R02 (x): channel sms → PECR-22, UKGDPR-14; guidance G4, BCC.")
	want := "R02 (x): channel: text message → " + titleOf("PECR-22") + " (PECR-22); " + titleOf("UKGDPR-14") +
		" (UKGDPR-14); guidance: " + titleOf("G4") + " (G4); " + titleOf("BCC") + " (BCC)."
	assert.Equal(t, want, got)
	for _, id := range []string{"PECR-22", "UKGDPR-14", "G4", "BCC"} {
		assert.NotEmpty(t, triage.CodeTitle(id), id)
	}
	// A list that is not the rulebook's is left as it is.
	assert.Equal(t, "R9 (y): x → X.", review.Sentence("R9 (y): x → X."))
}
