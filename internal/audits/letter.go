package audits

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/internal/audit"
	"github.com/campaignwatch/campaignwatch/internal/audits/internal/dbsqlc"
	"github.com/campaignwatch/campaignwatch/outreach"
)

// LetterTemplate is the letter an audit ends in.
const LetterTemplate = "audit-follow-up"

var (
	wSummaryRef = tr{"“%s” (%s), which we published on %s", "“%s” (%s), a gyhoeddwyd ar %s"}
)

// DraftLetter drafts the audit-follow-up letter to the audited party's
// contacts, with the follow-up report attached, as a held batch.
//
// The letter needs the follow-up review's conclusion and the published
// summary report it refers to. It all happens in one transaction: the
// batch and its letters, the audit's letter_batch_id and the audit log
// entry. While the audit's batch is live (held, scheduled or released)
// a second draft is refused with a Conflict; cancelling the batch
// allows a new one.
func (s *Service) DraftLetter(ctx context.Context, auditID int64) (*outreach.CallResult, error) {
	if s.outreach == nil {
		return nil, apperr.New(apperr.Invalid, "Letters cannot be drafted here: the letter service is not available.")
	}
	var res *outreach.CallResult
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		q := dbsqlc.New(tx)
		lock, err := q.LockAuditLetter(ctx, auditID)
		if errors.Is(err, pgx.ErrNoRows) {
			return apperr.New(apperr.NotFound, "There is no audit %d.", auditID)
		}
		if err != nil {
			return err
		}
		if lock.LetterBatchID != nil && lock.BatchState != "cancelled" {
			// Said in words, not by the batch's id: the report page
			// links to the batch itself.
			b := &LetterBatch{State: lock.BatchState}
			if b.Waiting() {
				return apperr.New(apperr.Conflict, "A follow-up letter for this audit is already waiting to be released (%s). Open its letter batch from this page and cancel it before drafting another.", b.StateText())
			}
			return apperr.New(apperr.Conflict, "The follow-up letter for this audit has already been %s, so another cannot be drafted.", b.StateText())
		}
		rep, err := s.followUpReport(ctx, tx, auditID)
		if err != nil {
			return err
		}
		in, err := letterOf(rep)
		if err != nil {
			return err
		}
		if res, err = s.outreach.DraftPartyLetterTx(ctx, tx, *in); err != nil {
			return err
		}
		if err := q.SetAuditLetterBatch(ctx, dbsqlc.SetAuditLetterBatchParams{ID: auditID, LetterBatchID: &res.BatchID}); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "audit.letter", "audit", strconv.FormatInt(auditID, 10), audit.Change{
			Before: map[string]any{"letter_batch_id": lock.LetterBatchID},
			After: map[string]any{"letter_batch_id": res.BatchID, "letters": res.Letters, "template": res.Template,
				"template_version": res.Version, "languages": rep.Languages, "attachment": in.Attachment.Filename},
		})
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// letterOf is the letter of a follow-up report: the template's fields in
// English (and Welsh, for a party with Welsh readers) from the audit's
// own particulars, and the report's PDF.
func letterOf(rep *FollowUpReport) (*outreach.PartyLetter, error) {
	a := rep.Audit
	var errs []apperr.FieldError
	if a.Conclusion == "" {
		errs = append(errs, apperr.FieldError{Field: "conclusion", Message: "Record the follow-up review and its conclusion before drafting the letter"})
	}
	if a.Assurance == "" {
		errs = append(errs, apperr.FieldError{Field: "assurance", Message: "Record the audit's assurance level before drafting the letter"})
	}
	p := rep.Programme
	if p == nil || p.SummaryTitle == "" || p.SummaryURL == "" || p.PublishedOn == nil {
		errs = append(errs, apperr.FieldError{Field: "summary", Message: "Record the published summary report (its title, address and publication date) on the audit's programme before drafting the letter"})
	} else if rep.Bilingual() && p.SummaryTitleCY == "" {
		errs = append(errs, apperr.FieldError{Field: "summary_title_cy", Message: "Enter the Welsh title of the programme's summary report: the party has contacts who read Welsh"})
	}
	if len(errs) > 0 {
		return nil, apperr.Fields(errs...)
	}
	pdf, err := rep.PDF()
	if err != nil {
		return nil, fmt.Errorf("follow-up report PDF: %w", err)
	}
	fields := func(lang string) map[string]string {
		title := p.SummaryTitle
		if lang == "cy" {
			title = p.SummaryTitleCY
		}
		return map[string]string{
			"AuditType":       Types[Types.Rank(a.Type)].Report.In(lang),
			"AuditYear":       strconv.Itoa(a.Year()),
			"Assurance":       Assurance[Assurance.Rank(a.Assurance)].Report.In(lang),
			"Conclusion":      Conclusions[Conclusions.Rank(a.Conclusion)].Report.In(lang),
			"SummaryReport":   wSummaryRef.f(lang, title, p.SummaryURL, vocab.FormatDate(*p.PublishedOn, lang)),
			"Report":          rep.Title(lang),
			"Recommendations": strconv.Itoa(len(rep.Recommendations)),
			"FindingAreas":    findingAreas(rep.Recommendations, lang),
		}
	}
	in := &outreach.PartyLetter{Template: LetterTemplate, PartyID: a.PartyID, Fields: fields("en"),
		Attachment: outreach.Attachment{Filename: rep.PDFFilename(), Data: pdf}}
	if rep.Bilingual() {
		in.FieldsCY = fields("cy")
	}
	return in, nil
}

// findingAreas names, in lang, the areas the audit's recommendations fall
// in, in Areas order ("privacy information, lawful basis and
// accountability"), so the letter says what this audit found rather than
// what audits usually find.
func findingAreas(recs []Recommendation, lang string) string {
	seen := map[string]bool{}
	for _, r := range recs {
		seen[r.Area] = true
	}
	var names []string
	for _, t := range Areas {
		if !seen[t.Code] {
			continue
		}
		name := strings.ToLower(t.Label.In(lang))
		if t.Code == "other" {
			// "Other" alone reads as a word missing its noun.
			name = map[string]string{"en": "other matters", "cy": "materion eraill"}[lang]
		}
		names = append(names, name)
	}
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	last, and := names[len(names)-1], " and "
	if lang == "cy" {
		last, and = welshAfterAnd(last)
	}
	return strings.Join(names[:len(names)-1], ", ") + and + last
}

// welshAfterAnd returns word as it follows Welsh "and", with that "and":
// "ac" before a vowel, otherwise "a", which turns a following c, p or t
// into ch, ph or th (the aspirate mutation: "a phroffilio").
func welshAfterAnd(word string) (string, string) {
	if strings.ContainsRune("aeiouwyâêîôûŵŷ", []rune(word)[0]) {
		return word, " ac "
	}
	if len(word) > 1 && strings.ContainsRune("cpt", rune(word[0])) && word[1] != 'h' {
		return word[:1] + "h" + word[1:], " a "
	}
	return word, " a "
}
