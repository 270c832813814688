package organisation

import (
	"bytes"
	"slices"
	"sort"
	"strings"
)

// Changes names in words what differs from prev to next, one sentence
// fragment each, in the order of the settings form: "contact mailbox
// changed", "signatory for complaints follow-up letters changed",
// "guidance document guidance.bulk-email added"; nothing when the two are
// equal. Summary joins them into the audit entry's sentence.
func Changes(prev, next *Settings) []string {
	var out []string
	field := func(changed bool, what string) {
		if changed {
			out = append(out, what+" changed")
		}
	}
	field(prev.Name != next.Name, "name")
	field(prev.NameCY != next.NameCY, "Welsh name")
	field(prev.Unit != next.Unit, "team name")
	field(prev.UnitCY != next.UnitCY, "Welsh team name")
	field(!slices.Equal(prev.Address, next.Address), "postal address")
	field(prev.Phone != next.Phone, "phone number")
	field(prev.Website != next.Website, "website")
	field(prev.ContactMailbox != next.ContactMailbox, "contact mailbox")
	field(!contactEqual(prev.Controller, next.Controller), "controller's details")
	field(!contactEqual(prev.DPO, next.DPO), "data protection officer's details")

	keys := map[string]bool{}
	for k := range prev.Signatories {
		keys[k] = true
	}
	for k := range next.Signatories {
		keys[k] = true
	}
	sorted := make([]string, 0, len(keys))
	for k := range keys {
		sorted = append(sorted, k)
	}
	// The default signatory first, then the letter types by name.
	sort.Strings(sorted)
	for _, k := range sorted {
		a, hadA := prev.Signatories[k]
		b, hasB := next.Signatories[k]
		what := "signatory for " + LetterTypeLabel(k)
		switch {
		case !hadA && hasB:
			out = append(out, what+" added")
			if len(b.Image) > 0 {
				out = append(out, "signature image for "+LetterTypeLabel(k)+" added")
			}
		case hadA && !hasB:
			out = append(out, what+" removed (the default signatory signs them)")
		default:
			if a.Name != b.Name || a.Title != b.Title || a.TitleCY != b.TitleCY {
				out = append(out, what+" changed")
			}
			switch {
			case len(a.Image) == 0 && len(b.Image) > 0:
				out = append(out, "signature image for "+LetterTypeLabel(k)+" added")
			case len(a.Image) > 0 && len(b.Image) == 0:
				out = append(out, "signature image for "+LetterTypeLabel(k)+" removed")
			case !bytes.Equal(a.Image, b.Image):
				out = append(out, "signature image for "+LetterTypeLabel(k)+" replaced")
			}
		}
	}

	before := map[string]Reference{}
	for _, r := range prev.References {
		before[r.Key] = r
	}
	after := map[string]bool{}
	for _, r := range next.References {
		after[r.Key] = true
		old, ok := before[r.Key]
		switch {
		case !ok:
			out = append(out, "guidance document "+r.Key+" added")
		case old != r:
			out = append(out, "guidance document "+r.Key+" changed")
		}
	}
	for _, r := range prev.References {
		if !after[r.Key] {
			out = append(out, "guidance document "+r.Key+" removed")
		}
	}
	if len(out) == 0 && !slices.Equal(prev.ReferenceKeys(), next.ReferenceKeys()) {
		out = append(out, "guidance documents reordered")
	}
	return out
}

func contactEqual(a, b Contact) bool {
	return a.Name == b.Name && a.NameCY == b.NameCY && a.Email == b.Email && a.Phone == b.Phone && slices.Equal(a.Address, b.Address)
}

// Summary joins changes into one sentence: "Contact mailbox changed;
// signatory for complaints follow-up letters changed".
func Summary(changes []string) string { return upperFirst(strings.Join(changes, "; ")) }
