package render

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/internal/organisation"
)

// shippedNames are the letter templates shipped with the service, each in
// templates/letters (English) and templates/letters/cy (Welsh).
var shippedNames = []string{"election-reminder", "election-reminder-briefing", "complaints-follow-up", "audit-follow-up"}

// proofOrg is the default settings with every guidance address replaced
// by one no constant holds, so a link in a letter can only have come from
// the settings.
func proofOrg() *organisation.Settings {
	org := organisation.Defaults(nil)
	for i, r := range org.References {
		slug := strings.TrimPrefix(r.Key, "guidance.")
		org.References[i].URL = "https://settings-proof.test/en/" + slug
		org.References[i].URLCY = "https://settings-proof.test/cy/" + slug
	}
	return org
}

func loadShipped(t *testing.T, name, lang string, org *organisation.Settings) *Template {
	t.Helper()
	p := "../../templates/letters/" + name + ".md"
	if lang == "cy" {
		p = "../../templates/letters/cy/" + name + ".md"
	}
	b, err := os.ReadFile(p)
	require.NoError(t, err)
	tpl, err := ParseWith(string(b), org)
	require.NoError(t, err, "%s (%s)", name, lang)
	return tpl
}

// shippedValues are realistic values in lang for every field of tpl.
func shippedValues(tpl *Template, lang string) map[string]string {
	v := tpl.Sample()
	extra := map[string]string{
		"BriefingDate": "Tuesday 10 April 2029", "BriefingPlace": "Regulator House, Anytown",
		"ComplaintCount": "63", "ReplyBy": "4 June 2029", "Report": "Complaints about Example Party, General Election 2029",
		"ComplaintSummary": "Most of the 63 complaints were about text messages sent without consent.",
		"Requests":         "1. Stop sending texts to people who have not consented.\n2. Add an opt-out to every message.\n3. Review how you obtained the numbers you text.\n4. Tell people where their numbers came from.",
		"AuditYear":        "2026", "AuditType": "compulsory audit", "Assurance": "a limited level of assurance",
		"Conclusion":      "has completed every action agreed after the audit.",
		"Recommendations": "14", "FindingAreas": "privacy information, lawful basis and accountability",
		"SummaryReport": "“Audits of political parties: summary report” (https://regulator.example.org/audits), which we published in November 2026",
	}
	if lang == "cy" {
		v["PollingDay"], v["AnnouncementDate"], v["Date"] = "Dydd Iau 3 Mai 2029", "22 Mawrth 2029", "23 Mawrth 2029"
		v["SignatoryTitle"] = "Pennaeth Goruchwylio Ymgyrchu Gwleidyddol"
		extra["BriefingDate"], extra["ReplyBy"] = "Dydd Mawrth 10 Ebrill 2029", "4 Mehefin 2029"
		extra["ComplaintSummary"] = "Roedd y rhan fwyaf o'r 63 o gwynion yn ymwneud â negeseuon testun a anfonwyd heb ganiatâd."
		extra["AuditType"], extra["Assurance"] = "archwiliad gorfodol", "lefel gyfyngedig o sicrwydd"
		extra["Conclusion"] = "wedi cwblhau pob cam a gytunwyd ar ôl yr archwiliad."
		extra["FindingAreas"] = "gwybodaeth preifatrwydd, sail gyfreithlon ac atebolrwydd"
		extra["SummaryReport"] = "“Archwiliadau o bleidiau gwleidyddol: adroddiad cryno” (https://regulator.example.org/audits), a gyhoeddwyd ym mis Tachwedd 2026"
	}
	for _, f := range tpl.Extra {
		v[f] = extra[f]
	}
	return v
}

var (
	// internalID matches what a party must never read: the service's
	// provision and law keys, the guidance point codes, the library's
	// keys and template syntax.
	internalID = regexp.MustCompile(`PECR-|UKGDPR|DPA-2018|\bG[1-5]\b|guidance\.[a-z]|\{\{|\}\}`)
	lawNames   = map[string][]string{
		"en": {"the UK General Data Protection Regulation (UK GDPR)", "the Data Protection Act 2018", "the Privacy and Electronic Communications Regulations 2003 (PECR)"},
		"cy": {"Rheoliad Cyffredinol y DU ar Ddiogelu Data (GDPR y DU)", "Deddf Diogelu Data 2018", "Rheoliadau Preifatrwydd a Chyfathrebu Electronig 2003 (PECR)"},
	}
	firstWords = map[string]string{"en": "Dear Alex Morgan,", "cy": "Annwyl Alex Morgan,"}
)

// oneLine joins wrapped lines, so a phrase split by the plain text's or
// the PDF's line breaks is found.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func TestShippedTemplatesCiteTheLawAndGuidanceFromSettingsInEveryLanguage(t *testing.T) {
	org := proofOrg()
	for _, name := range shippedNames {
		tpls := map[string]*Template{"en": loadShipped(t, name, "en", org), "cy": loadShipped(t, name, "cy", org)}
		require.ElementsMatch(t, tpls["en"].Extra, tpls["cy"].Extra, "%s: both languages have the same fields", name)
		require.Equal(t, tpls["en"].Attachment, tpls["cy"].Attachment, name)
		for _, langs := range [][]string{{"en"}, {"cy"}, {"cy", "en"}} {
			var vs []Version
			for _, l := range langs {
				vs = append(vs, Version{Template: tpls[l], Lang: l, Values: shippedValues(tpls[l], l)})
			}
			l, err := RenderLetter(vs, RenderOptions{Org: org})
			require.NoError(t, err, "%s %v", name, langs)
			pdf := pdfToText(t, l.PDF)
			forms := map[string]string{"subject": l.Subject, "html": l.HTML, "text": l.Text, "pdf": pdf}
			for form, s := range forms {
				require.False(t, internalID.MatchString(s), "%s %v %s shows an internal id: %q", name, langs, form, internalID.FindString(s))
			}
			for _, lang := range langs {
				cites := func(s string) bool {
					for _, n := range lawNames[lang] {
						if strings.Contains(oneLine(s), n) {
							return true
						}
					}
					return false
				}
				for _, form := range []string{"html", "text", "pdf"} {
					require.True(t, cites(forms[form]), "%s %v %s names no law in %s", name, langs, form, lang)
				}
				require.Contains(t, l.HTML, `href="https://settings-proof.test/`+lang+`/`, "%s %v", name, langs)
				require.Regexp(t, `\(https://settings-proof\.test/`+lang+`/[a-z-]+\)`, oneLine(l.Text), "%s %v", name, langs)
				require.Regexp(t, `\[1\] https://settings-proof\.test/`+lang+`/[a-z-]+`, pdf, "%s %v: the PDF's notes", name, langs)
				require.Contains(t, pdf, map[string]string{"en": "Notes", "cy": "Nodiadau"}[lang])
				require.Contains(t, oneLine(pdf), firstWords[lang], "%s %v", name, langs)
			}
			if len(langs) == 2 {
				// Welsh first, in every form; the English starts a new
				// page of the PDF.
				require.Regexp(t, `^<!DOCTYPE html><html lang="cy">`, l.HTML)
				require.Less(t, strings.Index(l.HTML, `<div lang="cy">`), strings.Index(l.HTML, `<div lang="en">`))
				require.Less(t, strings.Index(l.Text, "Annwyl"), strings.Index(l.Text, "Dear"))
				require.Contains(t, l.Subject, " / ")
				require.True(t, strings.HasPrefix(l.Subject, vsSubject(t, vs[0])), l.Subject)
				pages := strings.Split(pdf, "\f")
				for _, p := range pages {
					require.False(t, strings.Contains(p, "Annwyl") && strings.Contains(p, "Dear "), "%s: a page mixes the two versions", name)
				}
				require.Less(t, strings.Index(pdf, "Annwyl"), strings.Index(pdf, "Dear "))
			}
		}
	}
}

func vsSubject(t *testing.T, v Version) string {
	t.Helper()
	l, err := v.Template.Render(v.Values, RenderOptions{SkipPDF: true, Lang: v.Lang, Org: proofOrg()})
	require.NoError(t, err)
	return l.Subject
}

func TestShippedTemplatesKeepTheirPromises(t *testing.T) {
	org := proofOrg()
	render := func(name, lang string) (string, string) {
		tpl := loadShipped(t, name, lang, org)
		l, err := tpl.Render(shippedValues(tpl, lang), RenderOptions{Org: org, Lang: lang})
		require.NoError(t, err)
		return oneLine(l.Text), pdfToText(t, l.PDF)
	}
	text, _ := render("election-reminder", "en")
	// The two points of the 2024 letter.
	require.Contains(t, text, "information you collect from them directly (Article 13 of the UK GDPR)")
	require.Contains(t, text, "such as data brokers, other organisations or online platforms (Article 14 of the UK GDPR)")
	require.Contains(t, text, "the person who represents Example Party on data protection. Please pass this letter on")
	require.Contains(t, text, "regulation 22 of the Privacy and Electronic Communications Regulations 2003")
	require.Contains(t, text, "Guidance on sending bulk communications by email (https://settings-proof.test/en/bulk-email)")

	// The briefing letter says where the guidance is.
	text, _ = render("election-reminder-briefing", "en")
	require.Contains(t, text, "Below you will find where to read our guidance")
	require.Contains(t, text, "Where to read our guidance")
	require.Contains(t, text, "Guidance for the use of personal data in political campaigning (https://settings-proof.test/en/political-campaigning)")

	// The follow-up letter asks for a reply by a date, and says nothing
	// of outcome categories or investigations.
	text, _ = render("complaints-follow-up", "en")
	require.Contains(t, text, "Please reply by 4 June 2029")
	tpl := loadShipped(t, "complaints-follow-up", "en", org)
	l, err := tpl.Render(shippedValues(tpl, "en"), RenderOptions{Org: org, SkipPDF: true})
	require.NoError(t, err)
	require.Regexp(t, `<ol[^>]*>\s*<li[^>]*>Stop sending texts`, l.HTML, "the requests are a list")
	require.Contains(t, l.Text, "\n2. Add an opt-out to every message.\n")
	require.NotRegexp(t, `(?i)investigat|referred|outcome`, text)
	text, _ = render("complaints-follow-up", "cy")
	require.Contains(t, text, "Ymatebwch erbyn 4 Mehefin 2029")

	// Welsh needs ŵ, which Helvetica lacks: the PDF carries it.
	text, pdf := render("election-reminder", "cy")
	require.Contains(t, text, "Gwnewch yn siŵr")
	require.Contains(t, oneLine(pdf), "Gwnewch yn siŵr")
	require.Contains(t, oneLine(pdf), "Erthygl 13 o GDPR y DU")
	require.Contains(t, oneLine(pdf), "rheoliad 22 o Reoliadau Preifatrwydd a Chyfathrebu Electronig 2003")
}
