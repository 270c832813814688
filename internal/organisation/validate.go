package organisation

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"net/mail"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"unicode"

	"github.com/campaignwatch/campaignwatch/internal/apperr"
)

// Limits of what Save accepts. They keep one version small enough to read
// on every public page and to print in every letter.
const (
	// MaxImageBytes is the largest signature image accepted (200 KB).
	MaxImageBytes = 200 * 1024
	// MaxImageSide is the largest width or height of a signature image,
	// in pixels: a signature is a line of ink, not a photograph.
	MaxImageSide = 3000
	// MaxReferences and MaxSignatories bound the library and the
	// signatories.
	MaxReferences  = 100
	MaxSignatories = 50
	// maxText is the longest single line of text accepted.
	maxText = 300
)

// referenceKey is the shape of a reference key: lower case, dotted, with
// at least two parts ("guidance.bulk-email").
var referenceKey = regexp.MustCompile(`^[a-z][a-z0-9-]*(\.[a-z0-9-]+)+$`)

// Field names of the settings form. Validation errors carry them, so the
// page shows each error beside its own field; signatory and reference
// fields are per row (SignatoryField, ReferenceField).
const (
	FieldName               = "name"
	FieldNameCY             = "name_cy"
	FieldUnit               = "unit"
	FieldUnitCY             = "unit_cy"
	FieldAddress            = "address"
	FieldPhone              = "phone"
	FieldWebsite            = "website"
	FieldContactMailbox     = "contact_mailbox"
	FieldControllerName     = "controller_name"
	FieldControllerNameCY   = "controller_name_cy"
	FieldControllerEmail    = "controller_email"
	FieldControllerAddress  = "controller_address"
	FieldControllerPhone    = "controller_phone"
	FieldDPOName            = "dpo_name"
	FieldDPONameCY          = "dpo_name_cy"
	FieldDPOEmail           = "dpo_email"
	FieldDPOAddress         = "dpo_address"
	FieldDPOPhone           = "dpo_phone"
	FieldNote               = "note"
	defaultSignatoryFieldID = "default"
)

// SignatoryField names a field of the signatory row for letter type
// letterType ("" is the default signatory): "signatory-default-name",
// "signatory-complaints-follow-up-title".
func SignatoryField(letterType, field string) string {
	id := letterType
	if id == "" {
		id = defaultSignatoryFieldID
	}
	return "signatory-" + id + "-" + field
}

// ReferenceField names a field of the i-th reference (from 0):
// "reference-3-url".
func ReferenceField(i int, field string) string { return fmt.Sprintf("reference-%d-%s", i, field) }

// LetterTypeLabel names a letter type in words for people:
// "complaints follow-up letters", "any other letter" for the default.
func LetterTypeLabel(letterType string) string {
	if letterType == "" {
		return "any other letter"
	}
	// Template names are dashed words; "follow-up" keeps its hyphen.
	words := strings.ReplaceAll(strings.ReplaceAll(letterType, "-", " "), "follow up", "follow-up")
	return words + " letters"
}

// Validate checks s whole and returns every problem at once as an
// apperr.Fields error (nil when s can be saved). It also tidies s:
// surrounding spaces are trimmed, empty address lines dropped, and each
// signature image's media type set from its content.
func Validate(s *Settings) error {
	var errs []apperr.FieldError
	add := func(field, code, format string, args ...any) {
		errs = append(errs, apperr.FieldError{Field: field, Code: code, Message: fmt.Sprintf(format, args...)})
	}
	text := func(field string, v *string, required bool, what string) {
		*v = strings.TrimSpace(*v)
		switch {
		case *v == "" && required:
			add(field, "required", "Enter %s", what)
		case len(*v) > maxText:
			add(field, "too_long", "%s must be %d characters or fewer", upperFirst(what), maxText)
		case strings.IndexFunc(*v, unicode.IsControl) >= 0:
			add(field, "invalid", "Remove the control character from %s", what)
		}
	}
	email := func(field string, v *string, required bool, what string) {
		text(field, v, required, what)
		if *v != "" && !validEmail(*v) {
			add(field, "invalid", "Enter %s as an email address, like name@example.org", what)
		}
	}
	phone := func(field string, v *string, required bool, what string) {
		text(field, v, required, what)
		if *v != "" && !validPhone(*v) {
			add(field, "invalid", "Enter %s as people dial it, like 0303 123 4567 or +44 303 123 4567", what)
		}
	}
	address := func(field string, lines *[]string, required bool, what string) {
		var kept []string
		for _, l := range *lines {
			if l = strings.TrimSpace(l); l != "" {
				kept = append(kept, l)
			}
		}
		*lines = kept
		switch {
		case len(kept) == 0 && required:
			add(field, "required", "Enter %s, one line per part", what)
		case len(kept) > 10:
			add(field, "too_long", "%s must have 10 lines or fewer", upperFirst(what))
		default:
			for _, l := range kept {
				if len(l) > maxText || strings.IndexFunc(l, unicode.IsControl) >= 0 {
					add(field, "invalid", "Each line of %s must be %d characters or fewer, without control characters", what, maxText)
					break
				}
			}
		}
	}

	text(FieldName, &s.Name, true, "the regulator's name")
	text(FieldNameCY, &s.NameCY, false, "the regulator's name in Welsh")
	text(FieldUnit, &s.Unit, false, "the team's name")
	text(FieldUnitCY, &s.UnitCY, false, "the team's name in Welsh")
	address(FieldAddress, &s.Address, true, "the regulator's postal address")
	phone(FieldPhone, &s.Phone, true, "the regulator's phone number")
	text(FieldWebsite, &s.Website, true, "the regulator's website")
	if s.Website != "" && !validURL(s.Website, true) {
		add(FieldWebsite, "invalid", "Enter the website as a full https address, like https://www.regulator.example.org")
	}
	email(FieldContactMailbox, &s.ContactMailbox, true, "the contact mailbox")

	text(FieldControllerName, &s.Controller.Name, true, "the controller's name")
	text(FieldControllerNameCY, &s.Controller.NameCY, false, "the controller's name in Welsh")
	email(FieldControllerEmail, &s.Controller.Email, true, "the controller's email address")
	address(FieldControllerAddress, &s.Controller.Address, false, "the controller's postal address")
	phone(FieldControllerPhone, &s.Controller.Phone, false, "the controller's phone number")
	text(FieldDPOName, &s.DPO.Name, true, "the data protection officer's name")
	text(FieldDPONameCY, &s.DPO.NameCY, false, "the data protection officer's name in Welsh")
	email(FieldDPOEmail, &s.DPO.Email, true, "the data protection officer's email address")
	address(FieldDPOAddress, &s.DPO.Address, false, "the data protection officer's postal address")
	phone(FieldDPOPhone, &s.DPO.Phone, false, "the data protection officer's phone number")

	errs = append(errs, validateSignatories(s)...)
	errs = append(errs, validateReferences(s)...)
	if len(errs) > 0 {
		return apperr.Fields(errs...)
	}
	return nil
}

// validateSignatories checks every signatory: the default one must be
// complete; another one is either empty (its letters use the default) or
// has a name and a title. Empty ones are dropped.
func validateSignatories(s *Settings) []apperr.FieldError {
	var errs []apperr.FieldError
	add := func(field, code, format string, args ...any) {
		errs = append(errs, apperr.FieldError{Field: field, Code: code, Message: fmt.Sprintf(format, args...)})
	}
	if s.Signatories == nil {
		s.Signatories = map[string]Signatory{}
	}
	if _, ok := s.Signatories[""]; !ok {
		s.Signatories[""] = Signatory{}
	}
	if len(s.Signatories) > MaxSignatories {
		add(SignatoryField("", "name"), "too_many", "There can be %d signatories at most", MaxSignatories)
		return errs
	}
	keys := make([]string, 0, len(s.Signatories))
	for k := range s.Signatories {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		sg := s.Signatories[k]
		sg.Name, sg.Title, sg.TitleCY = strings.TrimSpace(sg.Name), strings.TrimSpace(sg.Title), strings.TrimSpace(sg.TitleCY)
		if k != "" && sg.Name == "" && sg.Title == "" && sg.TitleCY == "" && len(sg.Image) == 0 {
			delete(s.Signatories, k)
			continue
		}
		label := LetterTypeLabel(k)
		if k != "" && !referenceKeyPart.MatchString(k) {
			add(SignatoryField(k, "name"), "invalid", "There is no letter type called %q", k)
		}
		for _, f := range []struct {
			field, value, what string
			required           bool
		}{
			{"name", sg.Name, "the name of who signs " + label, true},
			{"title", sg.Title, "the job title of who signs " + label, true},
			{"title_cy", sg.TitleCY, "the Welsh job title of who signs " + label, false},
		} {
			switch {
			case f.value == "" && f.required:
				add(SignatoryField(k, f.field), "required", "Enter %s", f.what)
			case len(f.value) > maxText:
				add(SignatoryField(k, f.field), "too_long", "%s must be %d characters or fewer", upperFirst(f.what), maxText)
			case strings.IndexFunc(f.value, unicode.IsControl) >= 0:
				add(SignatoryField(k, f.field), "invalid", "Remove the control character from %s", f.what)
			}
		}
		if len(sg.Image) > 0 {
			typ, msg := checkImage(sg.Image)
			if msg != "" {
				add(SignatoryField(k, "image"), "invalid", "The signature image for %s %s", label, msg)
			}
			sg.ImageType = typ
		} else {
			sg.Image, sg.ImageType = nil, ""
		}
		s.Signatories[k] = sg
	}
	return errs
}

// referenceKeyPart is the shape of a letter type (a template name).
var referenceKeyPart = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)

// validateReferences checks the library: each entry has a key of the
// right shape, unique, an English title and an http(s) address; the
// Welsh ones are optional but, when given, an address must be http(s).
func validateReferences(s *Settings) []apperr.FieldError {
	var errs []apperr.FieldError
	add := func(field, code, format string, args ...any) {
		errs = append(errs, apperr.FieldError{Field: field, Code: code, Message: fmt.Sprintf(format, args...)})
	}
	if len(s.References) > MaxReferences {
		add(ReferenceField(0, "key"), "too_many", "The library can hold %d documents at most", MaxReferences)
		return errs
	}
	seen := map[string]int{}
	for i := range s.References {
		r := &s.References[i]
		r.Key, r.Title, r.TitleCY = strings.TrimSpace(r.Key), strings.TrimSpace(r.Title), strings.TrimSpace(r.TitleCY)
		r.URL, r.URLCY = strings.TrimSpace(r.URL), strings.TrimSpace(r.URLCY)
		n := i + 1
		switch {
		case r.Key == "":
			add(ReferenceField(i, "key"), "required", "Enter a key for document %d, like guidance.bulk-email", n)
		case !referenceKey.MatchString(r.Key):
			add(ReferenceField(i, "key"), "invalid", "The key of document %d must be lower case words joined by dots, like guidance.bulk-email", n)
		default:
			if first, dup := seen[r.Key]; dup {
				add(ReferenceField(i, "key"), "duplicate", "Document %d has the same key as document %d (%s): give each document its own key", n, first, r.Key)
			} else {
				seen[r.Key] = n
			}
		}
		for _, f := range []struct {
			field, value, what string
			required           bool
		}{
			{"title", r.Title, "the title of document %d", true},
			{"title_cy", r.TitleCY, "the Welsh title of document %d", false},
		} {
			what := fmt.Sprintf(f.what, n)
			switch {
			case f.value == "" && f.required:
				add(ReferenceField(i, f.field), "required", "Enter %s", what)
			case len(f.value) > maxText:
				add(ReferenceField(i, f.field), "too_long", "%s must be %d characters or fewer", upperFirst(what), maxText)
			case strings.IndexFunc(f.value, unicode.IsControl) >= 0:
				add(ReferenceField(i, f.field), "invalid", "Remove the control character from %s", what)
			}
		}
		switch {
		case r.URL == "":
			add(ReferenceField(i, "url"), "required", "Enter the web address of document %d", n)
		case !validURL(r.URL, false):
			add(ReferenceField(i, "url"), "invalid", "Enter the web address of document %d as a full address starting https:// or http://", n)
		}
		if r.URLCY != "" && !validURL(r.URLCY, false) {
			add(ReferenceField(i, "url_cy"), "invalid", "Enter the Welsh web address of document %d as a full address starting https:// or http://", n)
		}
	}
	return errs
}

// checkImage checks a signature image by its content: PNG or JPEG by its
// first bytes, decodable as such, within the size limits. It returns the
// media type, or a message completing "The signature image for … ".
func checkImage(b []byte) (mediaType, problem string) {
	if len(b) > MaxImageBytes {
		return "", fmt.Sprintf("must be %d KB or smaller (this one is %d KB)", MaxImageBytes/1024, (len(b)+1023)/1024)
	}
	var cfg image.Config
	var err error
	switch {
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		mediaType = "image/png"
		cfg, err = png.DecodeConfig(bytes.NewReader(b))
	case bytes.HasPrefix(b, []byte{0xff, 0xd8, 0xff}):
		mediaType = "image/jpeg"
		cfg, err = jpeg.DecodeConfig(bytes.NewReader(b))
	default:
		return "", "must be a PNG or JPEG picture"
	}
	if err != nil {
		return "", "could not be read as a picture: choose a PNG or JPEG file"
	}
	if cfg.Width < 1 || cfg.Height < 1 || cfg.Width > MaxImageSide || cfg.Height > MaxImageSide {
		return "", fmt.Sprintf("must be at most %d pixels wide and high", MaxImageSide)
	}
	return mediaType, ""
}

// CheckImage reports whether b is a signature image Save accepts, and its
// media type; the page uses it to refuse a bad upload beside its field.
func CheckImage(b []byte) (mediaType string, problem string) { return checkImage(b) }

func validEmail(v string) bool {
	a, err := mail.ParseAddress(v)
	return err == nil && a.Address == v && a.Name == ""
}

func validPhone(v string) bool {
	digits := 0
	for _, r := range v {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == ' ' || r == '+' || r == '(' || r == ')' || r == '-':
		default:
			return false
		}
	}
	return digits >= 7 && digits <= 15
}

// validURL reports whether v is an absolute http(s) address with a host;
// httpsOnly refuses http.
func validURL(v string, httpsOnly bool) bool {
	u, err := url.Parse(v)
	if err != nil || u.Host == "" || u.User != nil || strings.ContainsAny(v, " \t\r\n") {
		return false
	}
	return u.Scheme == "https" || (!httpsOnly && u.Scheme == "http")
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
