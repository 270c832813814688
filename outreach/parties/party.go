package parties

import (
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/apperr"
)

// Nation is one of the four UK nations a party stands in and an election
// covers. The identifiers match the database's check constraints.
type Nation string

// allNations lists every nation in display order, as parties type them.
var allNations = func() []Nation {
	out := make([]Nation, len(vocab.Nations))
	for i, n := range vocab.Nations {
		out[i] = Nation(n.Code)
	}
	return out
}()

// Label is the nation's name for people.
func (n Nation) Label() string {
	if !vocab.IsNation(string(n)) {
		return ""
	}
	return vocab.NationLabel(string(n))
}

// ParseNation accepts an identifier or a name in any case ("Northern
// Ireland", "northern_ireland").
func ParseNation(s string) (Nation, bool) {
	k := strings.ToLower(strings.TrimSpace(s))
	k = strings.NewReplacer(" ", "_", "-", "_").Replace(k)
	n := Nation(k)
	return n, slices.Contains(allNations, n)
}

// DefaultRole is the role a contact gets when none is given: the person
// election reminder letters are addressed to.
const DefaultRole = "data_protection_lead"

// CommonRoles are suggested in forms; any role of lower-case letters,
// digits and underscores is accepted.
var CommonRoles = []string{DefaultRole, "compliance", "nominating_officer", "party_secretary", "press_office"}

// Field length limits, in characters.
const (
	maxName       = 200
	maxShortName  = 100
	maxAlias      = 200
	maxAliases    = 20
	maxRegNumber  = 40
	maxPosition   = 200
	maxEmail      = 254
	maxRole       = 50
	maxReviewNote = 500
)

// Party is a registered political party.
type Party struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	ShortName string `json:"short_name"`
	// Aliases are other names the party is known by, used to recognise it
	// in complaints.
	Aliases []string `json:"aliases"`
	// RegistrationNumber is the party's number on the register of
	// political parties; empty when it has none (stored as NULL).
	RegistrationNumber string    `json:"registration_number"`
	Nations            []Nation  `json:"nations"`
	Active             bool      `json:"active"`
	CreatedAt          time.Time `json:"created_at"`
	UpdatedAt          time.Time `json:"updated_at"`
	// Contacts is filled by Get and All; List leaves it nil and fills the
	// counts instead.
	Contacts       []Contact `json:"contacts,omitempty"`
	ContactCount   int       `json:"contact_count"`
	ActiveContacts int       `json:"active_contacts"`
}

// Contact is a person at a party the political team writes to.
type Contact struct {
	ID       int64  `json:"id"`
	PartyID  int64  `json:"party_id"`
	Name     string `json:"name"`
	Position string `json:"position"`
	Email    string `json:"email"`
	// Role says what the contact is written to about, such as
	// data_protection_lead.
	Role   string `json:"role"`
	Active bool   `json:"active"`
	// NeedsReview is set when a letter to the contact bounced; the reason
	// says why.
	NeedsReview  bool   `json:"needs_review"`
	ReviewReason string `json:"review_reason"`
	// Language is the language the contact reads letters in: "en", "cy"
	// or "both" (Welsh first, then English). Nil means the party's
	// default (see Party.DefaultLanguage).
	Language  *string   `json:"language"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// StandsIn reports whether the party stands in n.
func (p *Party) StandsIn(n Nation) bool { return slices.Contains(p.Nations, n) }

// NationLabels is the nations' names joined for display.
func (p *Party) NationLabels() string {
	var s []string
	for _, n := range p.Nations {
		s = append(s, n.Label())
	}
	return strings.Join(s, ", ")
}

// Normalise tidies p's fields (trimmed text, nations deduplicated in
// display order, registration number upper-case with single spaces) and
// checks them. The error is an apperr Invalid error naming each bad field
// by its JSON name.
func (p *Party) Normalise() error {
	var errs []apperr.FieldError
	add := func(field, format string, args ...any) {
		errs = append(errs, apperr.FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
	}
	p.Name = tidy(p.Name)
	p.ShortName = tidy(p.ShortName)
	p.RegistrationNumber = strings.ToUpper(tidy(p.RegistrationNumber))

	switch {
	case p.Name == "":
		add("name", "Enter the party's name")
	case utf8.RuneCountInString(p.Name) > maxName:
		add("name", "The party's name must be %d characters or fewer", maxName)
	}
	if utf8.RuneCountInString(p.ShortName) > maxShortName {
		add("short_name", "The short name must be %d characters or fewer", maxShortName)
	}

	aliases := []string{}
	seen := map[string]bool{}
	for _, a := range p.Aliases {
		a = tidy(a)
		if a == "" || seen[strings.ToLower(a)] {
			continue
		}
		seen[strings.ToLower(a)] = true
		switch {
		case strings.Contains(a, ";"):
			add("aliases", "An alias cannot contain a semicolon (%q)", a)
		case utf8.RuneCountInString(a) > maxAlias:
			add("aliases", "Each alias must be %d characters or fewer", maxAlias)
		}
		aliases = append(aliases, a)
	}
	if len(aliases) > maxAliases {
		add("aliases", "Give at most %d aliases", maxAliases)
	}
	p.Aliases = aliases

	if p.RegistrationNumber != "" {
		switch {
		case utf8.RuneCountInString(p.RegistrationNumber) > maxRegNumber:
			add("registration_number", "The registration number must be %d characters or fewer", maxRegNumber)
		case !regNumberOK(p.RegistrationNumber):
			add("registration_number", "The registration number can contain only letters, digits, spaces, hyphens and slashes")
		}
	}

	var nations []Nation
	bad := false
	for _, raw := range p.Nations {
		n, ok := ParseNation(string(raw))
		if !ok {
			if !bad {
				add("nations", "%q is not a nation: use england, scotland, wales or northern_ireland", string(raw))
			}
			bad = true
			continue
		}
		nations = append(nations, n)
	}
	p.Nations = sortNations(nations)
	if len(p.Nations) == 0 && !bad {
		add("nations", "Select the nations the party stands in")
	}
	if len(errs) > 0 {
		return apperr.Fields(errs...)
	}
	return nil
}

// Normalise tidies c's fields (trimmed text, role lower-case, empty role
// meaning DefaultRole) and checks them, naming bad fields by their JSON
// names. The email must be one bare address such as dpo@party.org.uk.
func (c *Contact) Normalise() error {
	var errs []apperr.FieldError
	add := func(field, format string, args ...any) {
		errs = append(errs, apperr.FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
	}
	c.Name = tidy(c.Name)
	c.Position = tidy(c.Position)
	c.Email = strings.TrimSpace(c.Email)
	c.Role = strings.ToLower(tidy(c.Role))
	c.Role = strings.NewReplacer(" ", "_", "-", "_").Replace(c.Role)
	c.ReviewReason = tidy(c.ReviewReason)
	if c.Role == "" {
		c.Role = DefaultRole
	}
	switch {
	case c.Name == "":
		add("name", "Enter the contact's name")
	case utf8.RuneCountInString(c.Name) > maxName:
		add("name", "The contact's name must be %d characters or fewer", maxName)
	}
	if utf8.RuneCountInString(c.Position) > maxPosition {
		add("position", "The position must be %d characters or fewer", maxPosition)
	}
	if msg := CheckEmail(c.Email); msg != "" {
		add("email", "%s", msg)
	}
	switch {
	case len(c.Role) > maxRole:
		add("role", "The role must be %d characters or fewer", maxRole)
	case !roleOK(c.Role):
		add("role", "The role can contain only lower-case letters, digits and underscores, for example data_protection_lead")
	}
	if utf8.RuneCountInString(c.ReviewReason) > maxReviewNote {
		add("review_reason", "The review reason must be %d characters or fewer", maxReviewNote)
	}
	if c.Language != nil {
		if l, ok := ParseLanguage(*c.Language); ok {
			c.Language = l
		} else {
			add("language", "Choose the language of the contact's letters: English, Welsh, or Welsh and English (or leave it to the party's default)")
		}
	}
	if len(errs) > 0 {
		return apperr.Fields(errs...)
	}
	return nil
}

// CheckEmail returns why s is not a single plain email address, or "" when
// it is one. Display names ("Jo <jo@x.org>") and lists are refused because
// each letter goes to exactly one recipient.
func CheckEmail(s string) string {
	if s == "" {
		return "Enter the contact's email address"
	}
	if len(s) > maxEmail {
		return fmt.Sprintf("The email address must be %d characters or fewer", maxEmail)
	}
	if strings.ContainsAny(s, ",;") {
		return "Enter one email address only"
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return "Enter an email address in the correct format, like name@example.org"
	}
	at := strings.LastIndex(s, "@")
	if domain := s[at+1:]; !strings.Contains(domain, ".") || strings.HasPrefix(domain, "[") {
		return "Enter an email address in the correct format, like name@example.org"
	}
	return ""
}

// tidy trims s and collapses runs of white space to one space, so names
// that differ only in spacing are the same name.
func tidy(s string) string { return strings.Join(strings.Fields(s), " ") }

func regNumberOK(s string) bool {
	for _, r := range s {
		if !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == ' ' || r == '-' || r == '/') {
			return false
		}
	}
	return true
}

func roleOK(s string) bool {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
			return false
		}
	}
	return s != ""
}

func sortNations(ns []Nation) []Nation {
	out := []Nation{}
	for _, n := range allNations {
		if slices.Contains(ns, n) {
			out = append(out, n)
		}
	}
	return out
}

// The languages a contact can read letters in, as stored in
// party_contacts.language.
const (
	LanguageEnglish = "en"
	LanguageWelsh   = "cy"
	LanguageBoth    = "both" // Welsh first, then English
)

// Languages are the language codes in the order forms offer them.
var Languages = []string{LanguageEnglish, LanguageWelsh, LanguageBoth}

// LanguageLabel is a language code in words: "English", "Welsh" or
// "Welsh and English"; "" for an unknown code.
func LanguageLabel(code string) string {
	switch code {
	case LanguageEnglish:
		return "English"
	case LanguageWelsh:
		return "Welsh"
	case LanguageBoth:
		return "Welsh and English"
	}
	return ""
}

// ParseLanguage reads a contact's language as a spreadsheet or form gives
// it: a code (en, cy, both) or its label in English or Welsh ("Welsh and
// English", "Cymraeg"), in any case. Empty, "default" or "party default"
// mean the party's default and return nil. ok is false for anything else.
func ParseLanguage(s string) (lang *string, ok bool) {
	v := strings.ToLower(tidy(s))
	var code string
	switch v {
	case "", "default", "party default", "the party's default", "same as the party's default", "rhagosodiad":
		return nil, true
	case "en", "english", "saesneg":
		code = LanguageEnglish
	case "cy", "welsh", "cymraeg":
		code = LanguageWelsh
	case "both", "bilingual", "welsh and english", "english and welsh", "cy+en", "en+cy", "cymraeg a saesneg", "dwyieithog":
		code = LanguageBoth
	default:
		return nil, false
	}
	return &code, true
}

// LanguageCode is the contact's own language code, or "" when it takes
// the party's default.
func (c *Contact) LanguageCode() string {
	if c.Language == nil {
		return ""
	}
	return *c.Language
}

// DefaultLanguage is the language of letters to the party's contacts who
// have not chosen one: Welsh and English for a party standing in Wales,
// as the Welsh Language Standards expect, otherwise English.
func (p *Party) DefaultLanguage() string {
	if p.StandsIn(vocab.NationWales) {
		return LanguageBoth
	}
	return LanguageEnglish
}

// ContactLanguage is the language c's letters are written in: c's own
// choice, or the party's default.
func (p *Party) ContactLanguage(c *Contact) string {
	if c.Language != nil {
		return *c.Language
	}
	return p.DefaultLanguage()
}

// LanguageOf says in words the language c's letters are written in, and
// whether that is the party's default: "Welsh and English (the party's
// default)".
func (p *Party) LanguageOf(c Contact) string {
	if c.Language == nil {
		return LanguageLabel(p.DefaultLanguage()) + " (the party's default)"
	}
	return LanguageLabel(*c.Language)
}
