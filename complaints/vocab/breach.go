package vocab

// The public form's data_breach questions: where the personal data was
// shared or leaked, and what it showed. Each answer is a Term so the form,
// staff pages and exports name it the same way; the API and imports take
// the codes.

// BreachPlaces answers "Where were your details shared or leaked?".
var BreachPlaces = []Term{
	{Code: "group_chat", Label: Text{"In a group chat (for example WhatsApp or Messenger)",
		"Mewn sgwrs grŵp (er enghraifft WhatsApp neu Messenger)"}},
	{Code: "published", Label: Text{"Published or posted online", "Wedi'u cyhoeddi neu eu postio ar-lein"}},
	{Code: "paper_record", Label: Text{"A paper record was lost, left or posted (for example a canvass sheet)",
		"Cofnod papur wedi'i golli, ei adael neu ei bostio (er enghraifft taflen ganfasio)"}},
	{Code: "wrong_recipient", Label: Text{"Sent to the wrong person", "Wedi'u hanfon at y person anghywir"}},
	{Code: "other", Label: Text{"Somewhere else", "Rhywle arall"}},
}

// ExposedData answers "What did it show about you?" (several may apply).
var ExposedData = []Term{
	{Code: "phone_number", Label: Text{"My phone number", "Fy rhif ffôn"}},
	{Code: "email_address", Label: Text{"My email address", "Fy nghyfeiriad e-bost"}},
	{Code: "home_address", Label: Text{"My home address", "Fy nghyfeiriad cartref"}},
	{Code: "voting_intention", Label: Text{"How I vote or intend to vote", "Sut rwy'n pleidleisio neu'n bwriadu pleidleisio"}},
	{Code: "party_membership", Label: Text{"That I am a member or supporter of a party or campaign",
		"Fy mod i'n aelod neu'n gefnogwr plaid neu ymgyrch"}},
	{Code: "sensitive", Label: Text{"My health, religion, ethnicity, sexuality or similar",
		"Fy iechyd, crefydd, ethnigrwydd, rhywioldeb neu debyg"}},
	{Code: "other", Label: Text{"Something else", "Rhywbeth arall"}},
}

// BreachPlaceCodes returns the codes of BreachPlaces, in order.
func BreachPlaceCodes() []string { return codes(BreachPlaces) }

// ExposedDataCodes returns the codes of ExposedData, in order.
func ExposedDataCodes() []string { return codes(ExposedData) }

// BreachPlaceByCode returns the place with code.
func BreachPlaceByCode(code string) (Term, bool) { return find(BreachPlaces, code) }

// ExposedDataByCode returns the kind of data with code.
func ExposedDataByCode(code string) (Term, bool) { return find(ExposedData, code) }

// RevealsPolitics reports exposed-data codes that reveal political
// opinions or other special category data, which engages Article 9.
func RevealsPolitics(code string) bool {
	return code == "voting_intention" || code == "party_membership" || code == "sensitive"
}
