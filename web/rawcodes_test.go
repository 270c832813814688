package web_test

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/campaignwatch/campaignwatch/complaints"
	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/audits"
	"github.com/campaignwatch/campaignwatch/internal/staff"
	"github.com/campaignwatch/campaignwatch/outreach"
)

// rawCodes are the patterns of text no person should read on a staff
// page, built from the vocabularies themselves so a new code is covered
// as soon as it exists: every code that is not itself a word (one with an
// underscore, an abbreviation such as "sms", a nation written in lower
// case), the staff roles' codes, JSON, and "field = value".
func rawCodes() []*regexp.Regexp {
	seen := map[string]bool{}
	var out []*regexp.Regexp
	add := func(code string) {
		if code != "" && !seen[code] {
			seen[code] = true
			out = append(out, regexp.MustCompile(`\b`+regexp.QuoteMeta(code)+`\b`))
		}
	}
	addCoded := func(codes ...string) {
		for _, c := range codes {
			if strings.Contains(c, "_") {
				add(c)
			}
		}
	}
	addCoded(vocab.PriorityCodes()...)
	addCoded(vocab.StatusCodes()...)
	addCoded(vocab.OutcomeCodes()...)
	for _, c := range vocab.Channels {
		// "email" and "other" are words; "sms" and "live_call" are not.
		if strings.Contains(c.Code, "_") || !strings.Contains(strings.ToLower(c.Label.EN), c.Code) {
			add(c.Code)
		}
	}
	for _, n := range vocab.Nations {
		add(n.Code) // "england": a nation is written with a capital
	}
	for _, t := range vocab.LetterStates {
		addCoded(t.Code)
	}
	for _, r := range complaints.ReferralChoices() {
		addCoded(r.ID)
	}
	for _, v := range []audits.Vocabulary{audits.Types, audits.States, audits.Assurance, audits.Areas,
		audits.Responses, audits.Statuses, audits.Conclusions, audits.Scopes} {
		addCoded(v.Codes()...)
	}
	for p := range outreach.PhaseNames {
		addCoded(string(p))
	}
	for _, t := range outreach.ElectionTypes {
		addCoded(t.ID)
	}
	for _, r := range staff.Roles {
		addCoded(string(r))
	}
	out = append(out, regexp.MustCompile(regexp.QuoteMeta(`{"`)), regexp.MustCompile(` = `))
	return out
}

// rawCodesIn lists the raw codes found in text, each with its context.
func rawCodesIn(text string, pats []*regexp.Regexp) []string {
	var found []string
	for _, p := range pats {
		for _, loc := range p.FindAllStringIndex(text, 3) {
			from, to := max(loc[0]-30, 0), min(loc[1]+30, len(text))
			found = append(found, fmt.Sprintf("%s in %q", p.String(), text[from:to]))
		}
	}
	return found
}
