// Package organisation holds the regulator's own particulars, which every
// letter, report and public page prints: its name, address and contact
// points, the controller and data protection officer the privacy notice
// names, who signs each kind of letter, and the small library of guidance
// documents that letter templates cite by key ({{cite "guidance.bulk-email"}}).
//
// Admins edit them on a settings page; each save is a new version, kept
// and audited, so a letter can always be traced to the particulars it was
// rendered with. The environment variables LETTER_SIGNATORY_NAME,
// LETTER_SIGNATORY_TITLE and LETTER_CONTACT_MAILBOX only seed the first
// version (see Defaults).
package organisation

import (
	"context"
	"strings"
)

// Settings are one version of the regulator's particulars. Fields that a
// reader sees in both languages carry a Welsh form (…CY); an empty Welsh
// form falls back to the English one.
type Settings struct {
	// Version counts saves, from 1; 0 means the defaults, never saved.
	Version int `json:"version"`

	Name   string `json:"name"`    // "Data Protection Regulator"
	NameCY string `json:"name_cy"` // "Rheoleiddiwr Diogelu Data"
	// Unit is the team letters come from.
	Unit   string `json:"unit"`
	UnitCY string `json:"unit_cy"`
	// Address is the postal address, one line per element.
	Address []string `json:"address"`
	// Phone is the public helpline, as people dial it ("0303 123 4567").
	Phone string `json:"phone"`
	// Website is the regulator's web address (https://…).
	Website string `json:"website"`
	// ContactMailbox is the team's email address letters give.
	ContactMailbox string `json:"contact_mailbox"`

	// Controller is the controller of complainants' personal data, as the
	// privacy notice names it; DPO is its data protection officer.
	Controller Contact `json:"controller"`
	DPO        Contact `json:"dpo"`

	// Signatories sign letters, by letter type (the template's name);
	// the entry with the empty key signs any type without its own.
	Signatories map[string]Signatory `json:"signatories"`

	// References is the guidance library templates cite by key.
	References []Reference `json:"references"`
}

// Contact is a named role with its contact details.
type Contact struct {
	Name string `json:"name"`
	// NameCY is the name in Welsh, for a role ("Swyddog Diogelu Data");
	// empty falls back to Name.
	NameCY  string   `json:"name_cy,omitempty"`
	Email   string   `json:"email"`
	Address []string `json:"address,omitempty"`
	Phone   string   `json:"phone,omitempty"`
}

// Signatory is a person who signs letters.
type Signatory struct {
	Name    string `json:"name"`
	Title   string `json:"title"`
	TitleCY string `json:"title_cy"`
	// Image is an optional picture of the signature (PNG or JPEG, checked
	// by content when saved); ImageType is its media type.
	Image     []byte `json:"image,omitempty"`
	ImageType string `json:"image_type,omitempty"`
}

// Reference is one guidance document of the library.
type Reference struct {
	// Key is what templates cite: lower case, dotted, "guidance.bulk-email".
	Key     string `json:"key"`
	Title   string `json:"title"`
	TitleCY string `json:"title_cy"`
	URL     string `json:"url"`
	URLCY   string `json:"url_cy"`
}

// In returns the text in language ("cy" for Welsh), falling back to the
// English when the Welsh is empty.
func In(language, en, cy string) string {
	if language == "cy" && strings.TrimSpace(cy) != "" {
		return cy
	}
	return en
}

// TitleIn returns the reference's title in language.
func (r Reference) TitleIn(language string) string { return In(language, r.Title, r.TitleCY) }

// URLIn returns the reference's address in language.
func (r Reference) URLIn(language string) string { return In(language, r.URL, r.URLCY) }

// NameIn returns the regulator's name in language.
func (s *Settings) NameIn(language string) string { return In(language, s.Name, s.NameCY) }

// UnitIn returns the team's name in language.
func (s *Settings) UnitIn(language string) string { return In(language, s.Unit, s.UnitCY) }

// NameIn returns the contact's name in language.
func (c Contact) NameIn(language string) string { return In(language, c.Name, c.NameCY) }

// AddressLine is the address on one line.
func (s *Settings) AddressLine() string { return strings.Join(s.Address, ", ") }

// Reference returns the library entry with key.
func (s *Settings) Reference(key string) (Reference, bool) {
	for _, r := range s.References {
		if r.Key == key {
			return r, true
		}
	}
	return Reference{}, false
}

// ReferenceKeys lists the library's keys, in order.
func (s *Settings) ReferenceKeys() []string {
	out := make([]string, len(s.References))
	for i, r := range s.References {
		out[i] = r.Key
	}
	return out
}

// SignatoryFor returns who signs letters of type letterType (a template
// name): its own signatory, else the default one.
func (s *Settings) SignatoryFor(letterType string) Signatory {
	if sg, ok := s.Signatories[letterType]; ok && strings.TrimSpace(sg.Name) != "" {
		return sg
	}
	return s.Signatories[""]
}

// Source gives the settings in force. The composition root passes a
// database-backed one; tests may pass Static.
type Source interface {
	Current(ctx context.Context) (*Settings, error)
}

// Static is a Source that always gives the same settings.
type Static struct{ Settings *Settings }

// Current returns the static settings.
func (s Static) Current(context.Context) (*Settings, error) { return s.Settings, nil }

// Defaults returns the first version's values: the environment's
// LETTER_SIGNATORY_NAME, LETTER_SIGNATORY_TITLE and LETTER_CONTACT_MAILBOX
// where set, else example values an admin is expected to replace.
func Defaults(getenv func(string) string) *Settings {
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	or := func(k, def string) string {
		if v := strings.TrimSpace(getenv(k)); v != "" {
			return v
		}
		return def
	}
	mailbox := or("LETTER_CONTACT_MAILBOX", "campaigns@regulator.example.org")
	signatory := Signatory{
		Name:  or("LETTER_SIGNATORY_NAME", "Sam Okafor"),
		Title: or("LETTER_SIGNATORY_TITLE", "Head of Political Campaigning Oversight"),
	}
	// The Welsh title translates the default one; a title set in the
	// environment has no Welsh yet, so Welsh letters print it as given
	// until an admin adds the Welsh on the settings page.
	if strings.TrimSpace(getenv("LETTER_SIGNATORY_TITLE")) == "" {
		signatory.TitleCY = "Pennaeth Goruchwylio Ymgyrchu Gwleidyddol"
	}
	return &Settings{
		Name:           "Data Protection Regulator",
		NameCY:         "Rheoleiddiwr Diogelu Data",
		Unit:           "Political campaigning oversight team",
		UnitCY:         "Tîm goruchwylio ymgyrchu gwleidyddol",
		Address:        []string{"Regulator House", "1 Example Street", "Anytown", "AN1 1AA"},
		Phone:          "0303 123 4567",
		Website:        "https://www.regulator.example.org",
		ContactMailbox: mailbox,
		Controller: Contact{Name: "Data Protection Regulator", NameCY: "Rheoleiddiwr Diogelu Data", Email: "casework@regulator.example.org",
			Address: []string{"Regulator House", "1 Example Street", "Anytown", "AN1 1AA"}, Phone: "0303 123 4567"},
		DPO: Contact{Name: "Data Protection Officer", NameCY: "Swyddog Diogelu Data", Email: "dpo@regulator.example.org",
			Address: []string{"Regulator House", "1 Example Street", "Anytown", "AN1 1AA"}},
		Signatories: map[string]Signatory{
			"":                signatory,
			"audit-follow-up": {Name: "Priya Raman", Title: "Head of Assurance", TitleCY: "Pennaeth Sicrwydd"},
		},
		References: DefaultReferences(),
	}
}

// DefaultReferences is the library a new installation starts with.
func DefaultReferences() []Reference {
	const base = "https://www.regulator.example.org"
	ref := func(key, title, titleCY, path string) Reference {
		return Reference{Key: key, Title: title, TitleCY: titleCY, URL: base + "/guidance/" + path, URLCY: base + "/cy/canllawiau/" + path}
	}
	return []Reference{
		ref("guidance.political-campaigning", "Guidance for the use of personal data in political campaigning",
			"Canllawiau ar ddefnyddio data personol mewn ymgyrchoedd gwleidyddol", "political-campaigning"),
		ref("guidance.direct-marketing", "Guidance on direct marketing using electronic mail, calls and texts",
			"Canllawiau ar farchnata uniongyrchol drwy e-bost, galwadau a negeseuon testun", "direct-marketing"),
		ref("guidance.bulk-email", "Guidance on sending bulk communications by email",
			"Canllawiau ar anfon negeseuon e-bost swmp", "bulk-email"),
		ref("guidance.right-to-be-informed", "Guidance on the right to be informed (privacy information)",
			"Canllawiau ar yr hawl i gael eich hysbysu (gwybodaeth preifatrwydd)", "right-to-be-informed"),
		ref("guidance.special-category-data", "Guidance on special category data",
			"Canllawiau ar ddata categori arbennig", "special-category-data"),
		ref("guidance.personal-data-breaches", "Guidance on personal data breaches",
			"Canllawiau ar achosion o dorri diogelwch data personol", "personal-data-breaches"),
		ref("guidance.accountability", "Guidance on accountability and governance",
			"Canllawiau ar atebolrwydd a llywodraethu", "accountability"),
	}
}

// View is the settings as the API and the command line show them: the
// signature images are left out, and HasImage says whether a signatory
// has one.
type View struct {
	*Settings
	Signatories map[string]SignatoryView `json:"signatories"`
}

// SignatoryView is a signatory without its image.
type SignatoryView struct {
	Name      string `json:"name"`
	Title     string `json:"title"`
	TitleCY   string `json:"title_cy"`
	HasImage  bool   `json:"has_image"`
	ImageType string `json:"image_type,omitempty"`
}

// ViewOf returns s without its images.
func ViewOf(s *Settings) View {
	v := View{Settings: s, Signatories: make(map[string]SignatoryView, len(s.Signatories))}
	for k, sg := range s.Signatories {
		v.Signatories[k] = SignatoryView{Name: sg.Name, Title: sg.Title, TitleCY: sg.TitleCY, HasImage: len(sg.Image) > 0, ImageType: sg.ImageType}
	}
	return v
}
