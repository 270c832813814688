package vocab

// Consents are the answers to "had you given them permission?", as
// stored in complaints.consent.
var Consents = []Term{
	{Code: "yes", Label: Text{"Yes", "Do"}},
	{Code: "no", Label: Text{"No", "Naddo"}},
	{Code: "unsure", Label: Text{"Not sure", "Ddim yn siŵr"}},
}

// ConsentLabel is the consent answer in English words, or the code.
func ConsentLabel(code string) string { return label(Consents, code) }

// Sources are where a complaint came from, as stored in
// complaints.source. An import names its own source, which is shown as
// it was given.
var Sources = []Term{
	{Code: "web", Label: Text{"Online form", "Ffurflen ar-lein"}},
	{Code: "api", Label: Text{"API", "API"}},
	{Code: "demo", Label: Text{"Demo data", "Data enghreifftiol"}},
	{Code: "import", Label: Text{"Imported file", "Ffeil wedi'i mewnforio"}},
}

// SourceLabel is the source in English words, or the source as given.
func SourceLabel(code string) string { return label(Sources, code) }
