package vocab

// The UK nations a party stands in and an election covers, as stored in
// parties.nations and elections.nations.
const (
	NationEngland         = "england"
	NationScotland        = "scotland"
	NationWales           = "wales"
	NationNorthernIreland = "northern_ireland"
)

// Nations lists the nations in the order pages show them.
var Nations = []Term{
	{Code: NationEngland, Label: Text{"England", "Lloegr"}},
	{Code: NationScotland, Label: Text{"Scotland", "Yr Alban"}},
	{Code: NationWales, Label: Text{"Wales", "Cymru"}},
	{Code: NationNorthernIreland, Label: Text{"Northern Ireland", "Gogledd Iwerddon"}},
}

// NationCodes returns every nation's code, in order.
func NationCodes() []string { return codes(Nations) }

// IsNation reports whether code is a nation.
func IsNation(code string) bool {
	_, ok := find(Nations, code)
	return ok
}

// NationLabel is the nation's English name, or the code itself.
func NationLabel(code string) string { return label(Nations, code) }

// NationLabels maps each nation's code to its name in lang.
func NationLabels(lang string) map[string]string { return labels(Nations, lang) }
