package outreach

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
)

// PartyLetter is one letter, with an attachment, to every active contact
// of one party, outside any election: an audit's follow-up letter.
type PartyLetter struct {
	// Template is the letter template's name.
	Template string
	PartyID  int64
	// Fields are the template's own fields in English; FieldsCY their
	// Welsh values, required for a party with Welsh readers.
	Fields   map[string]string
	FieldsCY map[string]string
	// Attachment is the report the template's attachment field names.
	Attachment Attachment
}

// DraftPartyLetterTx drafts in tx a held batch of kind "audit" with one
// letter to each active contact of the party, in the contact's language,
// the attachment attached to every letter. The batch is then released
// (four-eyes), sent and recorded like any other.
//
// It runs in the caller's transaction so that the caller records what the
// batch is for (an audit's letter_batch_id) with it, all or nothing.
// Every field the template needs must be given, in Welsh too when any
// contact reads Welsh: an English value is never put in a Welsh letter.
func (s *Service) DraftPartyLetterTx(ctx context.Context, tx pgx.Tx, in PartyLetter) (*CallResult, error) {
	if tx == nil {
		return nil, errors.New("outreach: DraftPartyLetterTx needs the caller's transaction")
	}
	return s.draftPartyLetter(ctx, tx, in)
}

// PartyFields gives per-party values of optional template fields (an
// election reminder's OpenRecommendations) in lang, for the parties
// written to. A party with nothing to say has no entry, or an empty
// value: the template leaves the passage out ({{if .OpenRecommendations}}).
// Values are Markdown (the fields are declared "markdown" in templates),
// so the hook escapes what it quotes with render.EscapeMarkdown.
type PartyFields func(ctx context.Context, partyIDs []int64, lang string) (map[int64]map[string]string, error)

// OpenRecommendationsField is the election reminder's optional field
// naming the party's own open audit recommendations.
const OpenRecommendationsField = "OpenRecommendations"

// PartyFieldNames are the fields the service fills for each party through
// the PartyFields hook rather than staff through the form: a template
// declares them like its own fields, but no one is asked for a value and
// an empty one is allowed.
var PartyFieldNames = []string{OpenRecommendationsField}

// UsePartyFields sets the hook that fills PartyFieldNames for each party
// written to. The composition root sets it once, before the service is
// used (the audit programme is built after the letters it drafts, so it
// cannot be passed to NewService). Without a hook the fields are empty.
func (s *Service) UsePartyFields(f PartyFields) { s.partyFields = f }

// isPartyField reports whether f is filled per party by the service.
func isPartyField(f string) bool { return slices.Contains(PartyFieldNames, f) }

// loadPartyValues asks the hook for the per-party fields the template
// uses, in every language a recipient reads, and keeps the values for
// valuesFor. Fields the hook leaves out are empty.
func (s *Service) loadPartyValues(ctx context.Context, p *plan) error {
	var used []string
	for _, l := range p.langs() {
		for _, f := range p.ts.Parsed[l].Extra {
			if isPartyField(f) && !slices.Contains(used, f) {
				used = append(used, f)
			}
		}
	}
	if len(used) == 0 {
		return nil
	}
	var ids []int64
	langs := map[string]bool{}
	for _, rc := range p.recips {
		if !slices.Contains(ids, rc.partyID) {
			ids = append(ids, rc.partyID)
		}
		for _, l := range Languages(rc.lang) {
			langs[l] = true
		}
	}
	p.partyFields = used
	p.partyValues = map[int64]map[string]map[string]string{}
	if s.partyFields == nil || len(ids) == 0 {
		return nil
	}
	for _, l := range []string{"cy", "en"} {
		if !langs[l] {
			continue
		}
		got, err := s.partyFields(ctx, ids, l)
		if err != nil {
			return fmt.Errorf("party fields: %w", err)
		}
		for id, fields := range got {
			for _, f := range used {
				v := strings.TrimSpace(fields[f])
				if v == "" {
					continue
				}
				if p.partyValues[id] == nil {
					p.partyValues[id] = map[string]map[string]string{}
				}
				if p.partyValues[id][l] == nil {
					p.partyValues[id][l] = map[string]string{}
				}
				p.partyValues[id][l][f] = v
			}
		}
	}
	return nil
}
