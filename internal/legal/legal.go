// Package legal is the legal reference everything the regulator sends
// outside cites from: the laws by their full names and each provision of
// ../shared/domain/legal-reference.md by its fixed identifier, with the
// plain citation a reader understands ("regulation 22 of the Privacy and
// Electronic Communications Regulations 2003"), in English and Welsh.
//
// The identifiers (PECR-22, UKGDPR-5-1-a) are the service's own: triage,
// the API and exports use them, but nothing a party or the public reads
// may show one. Letters, reports and public pages print Cite instead.
package legal

import (
	"fmt"
	"slices"
	"strings"
)

// Law is one of the laws the service cites.
type Law struct {
	// ID is the key templates use: {{law "PECR"}}.
	ID string
	// Name is the law's full name with its article, in each language:
	// "the Data Protection Act 2018".
	Name map[string]string
	// Short is the name a citation of one of its provisions uses:
	// "the UK GDPR" in "Article 14 of the UK GDPR".
	Short map[string]string
	// URL is the law's text on legislation.gov.uk.
	URL string
}

// Provision is one provision with its fixed identifier.
type Provision struct {
	ID string
	// Law is the Law's ID.
	Law string
	// Unit and Number make the citation: "regulation" "22", "Article"
	// "5(1)(a)".
	Unit   map[string]string
	Number string
	// About says in a few plain words what the provision requires.
	About map[string]string
}

// Languages are the languages citations are written in.
var Languages = []string{"en", "cy"}

var laws = []Law{
	{ID: "UKGDPR",
		Name:  map[string]string{"en": "the UK General Data Protection Regulation (UK GDPR)", "cy": "Rheoliad Cyffredinol y DU ar Ddiogelu Data (GDPR y DU)"},
		Short: map[string]string{"en": "the UK GDPR", "cy": "GDPR y DU"},
		URL:   "https://www.legislation.gov.uk/eur/2016/679/contents"},
	{ID: "DPA-2018",
		Name:  map[string]string{"en": "the Data Protection Act 2018", "cy": "Deddf Diogelu Data 2018"},
		Short: map[string]string{"en": "the Data Protection Act 2018", "cy": "Deddf Diogelu Data 2018"},
		URL:   "https://www.legislation.gov.uk/ukpga/2018/12/contents"},
	{ID: "PECR",
		Name:  map[string]string{"en": "the Privacy and Electronic Communications Regulations 2003 (PECR)", "cy": "Rheoliadau Preifatrwydd a Chyfathrebu Electronig 2003 (PECR)"},
		Short: map[string]string{"en": "the Privacy and Electronic Communications Regulations 2003", "cy": "Reoliadau Preifatrwydd a Chyfathrebu Electronig 2003"},
		URL:   "https://www.legislation.gov.uk/uksi/2003/2426/contents"},
}

var (
	regulation = map[string]string{"en": "regulation", "cy": "rheoliad"}
	article    = map[string]string{"en": "Article", "cy": "Erthygl"}
)

func pecr(n, en, cy string) Provision {
	return Provision{ID: "PECR-" + n, Law: "PECR", Unit: regulation, Number: n, About: map[string]string{"en": en, "cy": cy}}
}

func gdpr(id, n, en, cy string) Provision {
	return Provision{ID: "UKGDPR-" + id, Law: "UKGDPR", Unit: article, Number: n, About: map[string]string{"en": en, "cy": cy}}
}

var provisions = []Provision{
	pecr("6", "consent for cookies and similar technologies", "caniatâd ar gyfer cwcis a thechnolegau tebyg"),
	pecr("19", "consent before automated marketing calls", "caniatâd cyn galwadau marchnata awtomataidd"),
	pecr("21", "live marketing calls to numbers registered with the Telephone Preference Service or to people who objected", "galwadau marchnata byw i rifau sydd wedi'u cofrestru gyda'r Gwasanaeth Dewis Ffôn neu i bobl a wrthododd"),
	pecr("22", "consent before marketing texts and emails", "caniatâd cyn negeseuon testun ac e-byst marchnata"),
	pecr("23", "identifying the sender and giving a way to opt out", "dangos pwy yw'r anfonwr a chynnig ffordd o optio allan"),
	pecr("24", "identifying the caller and giving contact details", "dangos pwy sy'n galw a rhoi manylion cyswllt"),
	gdpr("5-1-a", "5(1)(a)", "lawful, fair and transparent processing", "prosesu'n gyfreithlon, yn deg ac yn dryloyw"),
	gdpr("5-1-f", "5(1)(f)", "keeping personal data secure", "cadw data personol yn ddiogel"),
	gdpr("6", "6", "a lawful basis for processing", "sail gyfreithlon dros brosesu"),
	gdpr("9", "9", "special category data such as political opinions", "data categori arbennig fel barn wleidyddol"),
	gdpr("13", "13", "privacy information when data is collected from the person", "gwybodaeth preifatrwydd pan gesglir data gan yr unigolyn"),
	gdpr("14", "14", "privacy information when data comes from elsewhere", "gwybodaeth preifatrwydd pan ddaw data o rywle arall"),
	gdpr("21", "21(2) and (3)", "the right to object to direct marketing", "yr hawl i wrthwynebu marchnata uniongyrchol"),
	gdpr("22", "22", "solely automated decisions", "penderfyniadau cwbl awtomataidd"),
	gdpr("26", "26", "joint controllers", "cydreolyddion"),
	gdpr("32", "32", "security of processing", "diogelwch prosesu"),
	gdpr("33", "33", "reporting a personal data breach to the regulator", "rhoi gwybod i'r rheoleiddiwr am dorri diogelwch data personol"),
	gdpr("34", "34", "telling people about a serious personal data breach", "dweud wrth bobl am achos difrifol o dorri diogelwch data personol"),
	gdpr("35", "35", "data protection impact assessments", "asesiadau effaith diogelu data"),
}

// NumberIn is the provision's number as written in language: "21(2) and
// (3)" in English, "21(2) a (3)" in Welsh.
func (p Provision) NumberIn(language string) string {
	if lang(language) == "cy" {
		return strings.ReplaceAll(p.Number, " and ", " a ")
	}
	return p.Number
}

// Rank is the provision's leading number, to list provisions of one law
// in their order in it (regulation 19 before 21 before 24).
func (p Provision) Rank() int {
	n := 0
	for _, c := range p.Number {
		if c < '0' || c > '9' {
			break
		}
		n = n*10 + int(c-'0')
	}
	return n
}

// Laws returns every law, in a fixed order.
func Laws() []Law { return slices.Clone(laws) }

// Provisions returns every provision, in a fixed order.
func Provisions() []Provision { return slices.Clone(provisions) }

// LawByID returns the law with that ID.
func LawByID(id string) (Law, bool) {
	for _, l := range laws {
		if l.ID == id {
			return l, true
		}
	}
	return Law{}, false
}

// ProvisionByID returns the provision with that identifier.
func ProvisionByID(id string) (Provision, bool) {
	for _, p := range provisions {
		if p.ID == id {
			return p, true
		}
	}
	return Provision{}, false
}

// Known reports whether key is a law or a provision.
func Known(key string) bool {
	_, isLaw := LawByID(key)
	_, isProvision := ProvisionByID(key)
	return isLaw || isProvision
}

// lang falls back to English for an unknown language.
func lang(l string) string {
	if l == "cy" {
		return "cy"
	}
	return "en"
}

// Cite returns the plain citation of a law or provision in lang ("en" or
// "cy"): a law's full name ("the Data Protection Act 2018"), or a
// provision's unit and number in its law ("Article 14 of the UK GDPR",
// "rheoliad 22 o Reoliadau Preifatrwydd a Chyfathrebu Electronig 2003").
// An unknown key is an error naming it and what is known.
func Cite(key, language string) (string, error) {
	language = lang(language)
	if l, ok := LawByID(key); ok {
		return l.Name[language], nil
	}
	p, ok := ProvisionByID(key)
	if !ok {
		return "", fmt.Errorf("%q is not a law or provision this service knows (laws: %s; provisions such as PECR-22 or UKGDPR-14)", key, strings.Join(lawIDs(), ", "))
	}
	l, _ := LawByID(p.Law)
	of := " of "
	if language == "cy" {
		of = " o "
	}
	return p.Unit[language] + " " + p.NumberIn(language) + of + l.Short[language], nil
}

// MustCite is Cite for keys known to exist; an unknown key gives the key
// itself, which tests that scan for internal ids then catch.
func MustCite(key, language string) string {
	s, err := Cite(key, language)
	if err != nil {
		return key
	}
	return s
}

func lawIDs() []string {
	out := make([]string, len(laws))
	for i, l := range laws {
		out[i] = l.ID
	}
	return out
}
