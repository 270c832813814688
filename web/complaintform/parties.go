package complaintform

import (
	"context"
	"strconv"

	"github.com/campaignwatch/campaignwatch/outreach/parties"
)

// PartyLister lists the active registered parties by name, the choices
// of the party page. The party registry (*parties.Store) owns them.
type PartyLister interface {
	ActiveNames(ctx context.Context) ([]parties.NameRef, error)
}

// partyChoices are the parties offered, from the registry.
func (f *form) partyChoices(ctx context.Context) ([]parties.NameRef, error) {
	return f.parties.ActiveNames(ctx)
}

func (f *form) partyName(ctx context.Context, lang, v, text string) (string, error) {
	if v == partyOther {
		if text == "" {
			return translate(lang, "party.not_sure"), nil
		}
		return text, nil
	}
	ps, err := f.partyChoices(ctx)
	if err != nil {
		return "", err
	}
	for _, p := range ps {
		if strconv.FormatInt(p.ID, 10) == v {
			return p.Name, nil
		}
	}
	return "", nil
}
