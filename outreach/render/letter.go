package render

import (
	"bytes"
	"errors"
	"fmt"
	"html"
	"strings"

	"github.com/campaignwatch/campaignwatch/internal/organisation"
)

// Version is one language version of a letter: a bilingual letter has a
// Welsh and an English one.
type Version struct {
	Template *Template
	Lang     string // "en" or "cy"
	Values   map[string]string
}

// prepared is one language version filled in and parsed, before it is
// laid out as HTML, text and PDF.
type prepared struct {
	lang     string
	subject  string
	doc      *document
	bodyHTML string
	data     map[string]string // the values as given, unescaped
}

// normLang is "cy" for Welsh and "en" for anything else.
func normLang(l string) string {
	if l == "cy" {
		return "cy"
	}
	return "en"
}

// prepare fills the template in for one language version.
func (t *Template) prepare(values map[string]string, lang string, org *organisation.Settings) (*prepared, error) {
	data := make(map[string]string, len(values))
	for _, f := range t.Fields() {
		if v, ok := values[f]; ok {
			data[f] = v
		}
	}
	sb, err := execute(t.subject, data, maxSubjectBytes, errSubjectTooLong, &citeEnv{lang: lang, org: org})
	if err != nil {
		return nil, limitOrLineError(err, t.subjectLine)
	}
	subject := strings.Join(strings.Fields(string(sb)), " ")
	if subject == "" {
		return nil, &LineError{Message: "the subject is empty once filled in"}
	}
	body, err := execute(t.body, escapeAll(data, t.Markdown), MaxTextBytes, errTooLong, &citeEnv{lang: lang, org: org, markdown: true})
	if err != nil {
		return nil, limitOrLineError(err, t.bodyLine)
	}
	doc := parseMarkdown(body)
	var h bytes.Buffer
	if err := md.Convert(body, &h); err != nil {
		return nil, err
	}
	return &prepared{lang: lang, subject: subject, doc: doc, bodyHTML: styler.Replace(h.String()), data: data}, nil
}

// Render fills the template with values and produces the letter in one
// language (opts.Lang). A value missing for a field the template uses is
// an error naming the line.
func (t *Template) Render(values map[string]string, opts RenderOptions) (*Letter, error) {
	return RenderLetter([]Version{{Template: t, Lang: opts.Lang, Values: values}}, opts)
}

// RenderLetter renders one letter from one or more language versions, in
// the order given (Welsh first for a bilingual letter, as the Welsh
// Language Standards expect): one subject ("Welsh subject / English
// subject"), one HTML body with one letterhead and each version in an
// element marked with its language, one plain text with the versions
// separated by a rule, and one PDF in which each version starts on a new
// page with its own letterhead and notes. opts.Lang is ignored: each
// Version has its own.
func RenderLetter(versions []Version, opts RenderOptions) (*Letter, error) {
	if len(versions) == 0 {
		return nil, errors.New("render: a letter needs at least one language version")
	}
	org := orgOr(opts.Org)
	ps := make([]*prepared, 0, len(versions))
	subjects := make([]string, 0, len(versions))
	for _, v := range versions {
		if v.Template == nil {
			return nil, errors.New("render: a language version has no template")
		}
		p, err := v.Template.prepare(v.Values, normLang(v.Lang), org)
		if err != nil {
			return nil, err
		}
		ps = append(ps, p)
		subjects = append(subjects, p.subject)
	}
	subject := strings.Join(subjects, " / ")
	l := &Letter{Subject: subject, Text: letterText(ps), HTML: letterHTML(ps, subject, org)}
	if !opts.SkipPDF {
		if err := checkPages(ps); err != nil {
			return nil, err
		}
		pdf, err := letterPDF(ps, subject, org, opts)
		if err != nil {
			return nil, fmt.Errorf("render PDF: %w", err)
		}
		l.PDF = pdf
	}
	return l, nil
}

// versionRule separates the language versions of the plain text.
var versionRule = "\n" + strings.Repeat("*", 40) + "\n\n"

func letterText(ps []*prepared) string {
	var b strings.Builder
	for i, p := range ps {
		if i > 0 {
			b.WriteString(versionRule)
		}
		b.WriteString(p.doc.text())
	}
	return b.String()
}

// words are the few fixed phrases the letterhead and footer print.
var words = map[string]map[string]string{
	"en": {"phone": "Phone", "email": "Email", "web": "Website", "copy": "A copy of this letter is attached as a PDF.",
		"notes": "Notes", "page": "Page {current} of {total}"},
	"cy": {"phone": "Ffôn", "email": "E-bost", "web": "Gwefan", "copy": "Mae copi o'r llythyr hwn ynghlwm fel PDF.",
		"notes": "Nodiadau", "page": "Tudalen {current} o {total}"},
}

// inLangs joins what f gives in each language of ps, once each: the
// letterhead of a bilingual letter names the regulator in both.
func inLangs(ps []*prepared, f func(lang string) string) string {
	var out []string
	for _, p := range ps {
		s := strings.TrimSpace(f(p.lang))
		if s != "" && !contains(out, s) {
			out = append(out, s)
		}
	}
	return strings.Join(out, " / ")
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// contactLine is the regulator's website, phone and mailbox on one line,
// labelled in lang.
func contactLine(org *organisation.Settings, lang string) string {
	w := words[lang]
	var parts []string
	if org.Website != "" {
		parts = append(parts, w["web"]+": "+org.Website)
	}
	if org.Phone != "" {
		parts = append(parts, w["phone"]+": "+org.Phone)
	}
	if org.ContactMailbox != "" {
		parts = append(parts, w["email"]+": "+org.ContactMailbox)
	}
	return strings.Join(parts, " · ")
}

func letterHTML(ps []*prepared, subject string, org *organisation.Settings) string {
	size := 2048
	for _, p := range ps {
		size += len(p.bodyHTML) + 64
	}
	var b strings.Builder
	b.Grow(size)
	b.WriteString(`<!DOCTYPE html><html lang="` + ps[0].lang + `"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>`)
	b.WriteString(html.EscapeString(subject))
	b.WriteString(`</title></head><body style="margin:0;padding:0;background:#f3f2f1;">`)
	b.WriteString(`<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f3f2f1;"><tr><td align="center" style="padding:24px 12px;">`)
	b.WriteString(`<table role="presentation" width="640" cellpadding="0" cellspacing="0" style="max-width:640px;width:100%;background:#ffffff;font-family:Arial,Helvetica,sans-serif;">`)
	b.WriteString(`<tr><td style="background:#0b0c0c;padding:18px 28px;border-bottom:6px solid #1d70b8;">`)
	b.WriteString(`<p style="margin:0;font-size:20px;font-weight:bold;color:#ffffff;">` + html.EscapeString(inLangs(ps, org.NameIn)) + `</p>`)
	b.WriteString(`<p style="margin:4px 0 0 0;font-size:14px;color:#ffffff;">` + html.EscapeString(inLangs(ps, org.UnitIn)) + `</p></td></tr>`)
	b.WriteString(`<tr><td style="padding:28px;">`)
	for i, p := range ps {
		if i > 0 {
			b.WriteString(`<hr style="border:0;border-top:4px solid #1d70b8;margin:32px 0;">`)
		}
		b.WriteString(`<div lang="` + p.lang + `">`)
		b.WriteString(p.bodyHTML)
		b.WriteString(`</div>`)
	}
	b.WriteString(`</td></tr><tr><td style="padding:16px 28px;border-top:1px solid #b1b4b6;font-size:12px;line-height:1.4;color:#505a5f;">`)
	for i, p := range ps {
		if i > 0 {
			b.WriteString(`<br><br>`)
		}
		b.WriteString(`<span lang="` + p.lang + `">`)
		b.WriteString(html.EscapeString(org.NameIn(p.lang)))
		if a := org.AddressLine(); a != "" {
			b.WriteString(html.EscapeString(", " + a))
		}
		if c := contactLine(org, p.lang); c != "" {
			b.WriteString(`<br>` + html.EscapeString(c))
		}
		b.WriteString(`<br>` + html.EscapeString(words[p.lang]["copy"]) + `</span>`)
	}
	b.WriteString(`</td></tr></table></td></tr></table></body></html>`)
	return b.String()
}
