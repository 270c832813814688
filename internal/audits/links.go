package audits

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/audits/internal/dbsqlc"
	"github.com/campaignwatch/campaignwatch/outreach"
	"github.com/campaignwatch/campaignwatch/outreach/render"
	"github.com/campaignwatch/campaignwatch/reports"
)

// The audit programme's links to the rest of the service: what an
// election reminder says of a party's open recommendations, and which
// recommendations a party's post-election report checks complaints
// against.

// ReminderFields is the outreach.PartyFields hook of the election
// reminder: for each party with open recommendations, the field
// OpenRecommendations as a Markdown list in lang, urgent first. A party
// with none has no entry, so its letter leaves the passage out.
//
// The Welsh list quotes a recommendation's Welsh action only: those
// without one are counted by priority in a Welsh sentence, since an
// English sentence in a Welsh letter is what a Welsh reader must never
// get.
func (s *Service) ReminderFields(ctx context.Context, partyIDs []int64, lang string) (map[int64]map[string]string, error) {
	open, err := s.OpenRecommendations(ctx, partyIDs)
	if err != nil {
		return nil, err
	}
	out := map[int64]map[string]string{}
	for id, recs := range open {
		if v := reminderList(recs, lang); v != "" {
			out[id] = map[string]string{outreach.OpenRecommendationsField: v}
		}
	}
	return out, nil
}

// reminderList writes recs as the reminder's Markdown list in lang.
func reminderList(recs []OpenRecommendation, lang string) string {
	var b strings.Builder
	untranslated := map[string]int{}
	for _, r := range recs {
		action := strings.TrimSpace(r.Action)
		if lang == "cy" {
			action = strings.TrimSpace(r.ActionCY)
			if action == "" {
				untranslated[r.Priority]++
				continue
			}
		}
		fmt.Fprintf(&b, "- %s\n", reminderItem(r, action, lang))
	}
	if n := sumCounts(untranslated); n > 0 {
		var parts []string
		for _, p := range Priorities {
			if c := untranslated[p.Code]; c > 0 {
				parts = append(parts, fmt.Sprintf("%s %d", p.Label.In("cy"), c))
			}
		}
		if b.Len() > 0 {
			b.WriteString("\n")
			fmt.Fprintf(&b, "Mae %d argymhelliad arall ar agor hefyd (blaenoriaeth: %s). Mae'r manylion yn adroddiad yr archwiliad a anfonwyd atoch.\n", n, strings.Join(parts, ", "))
		} else {
			fmt.Fprintf(&b, "Mae %d argymhelliad ar agor (blaenoriaeth: %s). Mae'r manylion yn adroddiad yr archwiliad a anfonwyd atoch.\n", n, strings.Join(parts, ", "))
		}
	}
	return strings.TrimSpace(b.String())
}

// reminderItem is one recommendation of the list: its reference, the
// audit it came from, its priority, area and target date, and the action.
func reminderItem(r OpenRecommendation, action, lang string) string {
	audit := fmt.Sprintf("our %d %s", r.AuditYear, reportPhrase(Types, r.AuditType, "en"))
	detail := fmt.Sprintf("%s priority; %s; target date %s", strings.ToLower(Priorities.Label(r.Priority, "en")),
		strings.ToLower(Areas.Label(r.Area, "en")), vocab.FormatDate(r.TargetOn, "en"))
	if lang == "cy" {
		// "o'n" (from our) takes an h before a vowel: "o'n harchwiliad".
		phrase := reportPhrase(Types, r.AuditType, "cy")
		if strings.ContainsAny(phrase[:1], "aeiouwy") {
			phrase = "h" + phrase
		}
		audit = fmt.Sprintf("%s %d", phrase, r.AuditYear)
		detail = fmt.Sprintf("blaenoriaeth: %s; %s; dyddiad targed: %s", Priorities.Label(r.Priority, "cy"),
			Areas.Label(r.Area, "cy"), vocab.FormatDate(r.TargetOn, "cy"))
		return fmt.Sprintf("%s o'n %s (%s): %s", r.Ref(), audit, render.EscapeMarkdown(detail), render.EscapeMarkdown(action))
	}
	return fmt.Sprintf("%s from %s (%s): %s", r.Ref(), audit, render.EscapeMarkdown(detail), render.EscapeMarkdown(action))
}

// reportPhrase is code's report phrase in lang ("compulsory audit"), or
// its label when it has none.
func reportPhrase(v Vocabulary, code, lang string) string {
	if i := v.Rank(code); i < len(v) {
		if s := v[i].Report.In(lang); s != "" {
			return s
		}
		return v[i].Label.In(lang)
	}
	return code
}

func sumCounts(m map[string]int) int {
	n := 0
	for _, c := range m {
		n += c
	}
	return n
}

// ReportRecommendations is the reports.AuditSource of a party's
// post-election follow-up report: its open recommendations, urgent
// first, each with the provisions whose complaints touch it (its own and
// its area's, AreaProvisions) and, in the social media targeting area,
// the social media advert channel. It reads in the report's transaction
// tx, so the recommendations and the complaints counted against them
// come from one snapshot.
func (s *Service) ReportRecommendations(ctx context.Context, tx pgx.Tx, partyID int64) ([]reports.AuditRecommendation, error) {
	rows, err := dbsqlc.New(tx).OpenRecommendations(ctx, dbsqlc.OpenRecommendationsParams{PartyIds: []int64{partyID}, Today: today()})
	if err != nil {
		return nil, err
	}
	out := make([]reports.AuditRecommendation, 0, len(rows))
	for _, r := range rows {
		provisions := append(slices.Clone(r.Provisions), AreaProvisions(r.Area)...)
		slices.Sort(provisions)
		ar := reports.AuditRecommendation{Ref: "R" + strconv.Itoa(int(r.Number)), AuditYear: auditYear(r.FieldworkFrom, r.AuditCreatedAt),
			Area: Areas.Label(r.Area, "en"), AreaCY: Areas.Label(r.Area, "cy"), Priority: r.Priority, Action: r.Action, ActionCY: r.ActionCy,
			Provisions: slices.Compact(provisions)}
		if r.Area == "social_media_targeting" {
			ar.Channels = []string{SocialMediaChannel}
		}
		out = append(out, ar)
	}
	return out, nil
}
