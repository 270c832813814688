package complaints

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/campaignwatch/campaignwatch/complaints/internal/dbsqlc"
)

// Backfilled is a complaint recorded after the fact together with the
// state its handling had reached: past complaints brought over from
// elsewhere, or the demo's. It is stored as given (callers normalise and
// validate), with no acknowledgement and no triage job.
type Backfilled struct {
	// Submission holds what the complainant told us; Source and SourceID
	// say where the complaint came from. Evidence is not backfilled.
	Submission
	// Reference is the complaint's reference; empty means a new one.
	Reference string
	// Referral is the triage referral the complainant was given at
	// intake (Receipt.Referral); empty for none.
	Referral   string
	ElectionID *int64
	Status     string
	Priority   *string
	ClosedAt   *time.Time
	// SubmittedAt is when the complaint reached us (created_at).
	SubmittedAt time.Time
	// DedupeHash is stored as the complaint's duplicate-detection hash;
	// nil means the hash a submission of the same content would get. The
	// demo gives each complaint its own, so that no live submission is
	// taken for a duplicate of demonstration data.
	DedupeHash []byte
}

// BackfillTx stores cs on tx, the caller's transaction, copied in bulk
// with their complainants, and returns their ids in order. Ids come from
// the complaints sequence like every other complaint's. The caller
// commits, together with whatever else belongs to the same backfill (the
// complaints' triage and review state, its audit entry), so that a
// backfill that fails part way leaves nothing.
func (s *Service) BackfillTx(ctx context.Context, tx pgx.Tx, cs []Backfilled) ([]int64, error) {
	if len(cs) == 0 {
		return nil, nil
	}
	q := dbsqlc.New(tx)
	ids, err := q.BackfillIDs(ctx, int32(len(cs)))
	if err != nil {
		return nil, err
	}
	rows := make([]dbsqlc.BackfillComplaintsParams, len(cs))
	// One repeated reference fails the whole copy, and among many
	// thousand random ones a repeat is likely: new ones are drawn until
	// they differ from the rest of the batch.
	refs := make(map[string]struct{}, len(cs))
	for i := range cs {
		refs[cs[i].Reference] = struct{}{}
	}
	var people []dbsqlc.BackfillComplainantsParams
	for i := range cs {
		c := &cs[i]
		ref := c.Reference
		for ref == "" {
			if r := NewReference(); !has(refs, r) {
				ref, refs[r] = r, struct{}{}
			}
		}
		var sourceID *string
		if c.SourceID != "" {
			sourceID = &c.SourceID
		}
		var recipients *int32
		if c.RecipientsVisible != nil {
			n := int32(*c.RecipientsVisible)
			recipients = &n
		}
		var referral *string
		if c.Referral != "" {
			referral = &c.Referral
		}
		lang := c.Lang
		if lang != "cy" {
			lang = "en"
		}
		hash := c.DedupeHash
		if hash == nil {
			hash = c.dedupeHash(c.Source + ":" + c.SourceID)
		}
		rows[i] = dbsqlc.BackfillComplaintsParams{ID: ids[i], Reference: ref, Source: c.Source, SourceID: sourceID,
			Channel: c.Channel, PartyID: c.PartyID, PartyText: c.PartyText, ElectionID: c.ElectionID,
			ReceivedAt: c.ReceivedAt, ReceivedAtHasTime: c.ReceivedAtHasTime, Sender: c.Sender, SenderNormalized: NormalizeSender(c.Sender),
			Message: c.Message, Description: c.Description, Consent: c.Consent,
			OptedOut: c.OptedOut, TpsRegistered: c.TPSRegistered, SenderIdentified: c.SenderIdentified, OptOutOffered: c.OptOutOffered,
			RecipientsVisible: recipients, SpecialCategory: c.SpecialCategory, Lang: lang,
			Member: c.Member, WorkAddress: c.WorkAddress, AskedToStopOn: c.AskedToStopOn,
			BreachWhere: c.BreachWhere, BreachExposed: breachExposed(c.BreachExposed), Referral: referral,
			DedupeHash: hash,
			Status:     c.Status, Priority: c.Priority, ClosedAt: c.ClosedAt, CreatedAt: c.SubmittedAt}
		if p := c.Complainant; p != nil || c.Contacted != "" {
			if p == nil {
				p = &Complainant{}
			}
			people = append(people, dbsqlc.BackfillComplainantsParams{ComplaintID: ids[i], Name: p.Name, Email: p.Email,
				Phone: p.Phone, Postcode: p.Postcode, MayContact: p.MayContact, Contacted: c.Contacted})
		}
	}
	if _, err := q.BackfillComplaints(ctx, rows); err != nil {
		return nil, fmt.Errorf("backfill complaints: %w", err)
	}
	if _, err := q.BackfillComplainants(ctx, people); err != nil {
		return nil, fmt.Errorf("backfill complainants: %w", err)
	}
	return ids, nil
}

func has(set map[string]struct{}, k string) bool {
	_, ok := set[k]
	return ok
}
