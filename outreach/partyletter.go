package outreach

import (
	"context"
	"errors"

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
// written to.
type PartyFields func(ctx context.Context, partyIDs []int64, lang string) (map[int64]map[string]string, error)
