// Package render turns a letter template (Markdown with Go template fields)
// and the values of its fields into what a party receives: a subject, an
// HTML email body with the regulator's letterhead and inline styles, a
// plain-text alternative and a PDF copy.
//
// A template file starts with a header block between two "---" lines:
//
//	---
//	subject: Data protection in the {{.ElectionName}} campaign
//	fields: BriefingDate, BriefingPlace
//	attachment: Report
//	---
//	Dear {{.RecipientName}},
//	...
//
// "fields" declares the template's own fields on top of the common ones;
// "attachment" names a field that must hold a report to attach. Any other
// field a template uses is an error, reported with its line in the file.
package render

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"text/template"
	"time"

	"github.com/campaignwatch/campaignwatch/internal/organisation"
)

// CommonFields are the fields every letter has.
var CommonFields = []string{
	"RecipientName", "RecipientPosition", "PartyName", "ElectionName", "PollingDay",
	"AnnouncementDate", "Reference", "Date", "SignatoryName", "SignatoryTitle", "ContactMailbox",
}

// Template is a parsed, validated letter template.
type Template struct {
	Source     string
	Subject    string
	Extra      []string // template-specific fields
	Attachment string   // a field naming an attached report, if any

	bodyLine    int // line in Source where the body starts
	subjectLine int
	subject     *template.Template
	body        *template.Template
}

// Fields returns every field the template may use.
func (t *Template) Fields() []string { return append(slices.Clone(CommonFields), t.Extra...) }

// LineError is a template error tied to a line of the template file.
type LineError struct {
	Line    int
	Message string
}

func (e *LineError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("line %d: %s", e.Line, e.Message)
	}
	return e.Message
}

var tplErr = regexp.MustCompile(`^template: [^:]+:(\d+)(?::\d+)?: (?:executing "[^"]*" at <[^>]*>: )?(.*)$`)

// lineError maps a text/template error onto a line of the file, offset by
// the line where that part of the template starts.
func lineError(err error, offset int) *LineError {
	msg := err.Error()
	if m := tplErr.FindStringSubmatch(msg); m != nil {
		n, _ := strconv.Atoi(m[1])
		detail := m[2]
		if k := regexp.MustCompile(`map has no entry for key "([^"]+)"`).FindStringSubmatch(detail); k != nil {
			detail = fmt.Sprintf("unknown field %q", k[1])
		}
		return &LineError{Line: offset + n - 1, Message: detail}
	}
	return &LineError{Message: msg}
}

// funcs names the functions a template may call, for parsing. They are
// never run as they are: execute binds fresh ones that spend from the
// render's own byte budget (see boundedFuncs); these have none at all.
var funcs = boundedFuncs(&budget{tooLong: errTooLong})

// Parse reads and checks a template file: the header, the Go template
// syntax of subject and body, and that every field used is known, by
// rendering against sample values. Errors name the line.
func Parse(source string) (*Template, error) {
	source = strings.ReplaceAll(source, "\r\n", "\n")
	lines := strings.Split(source, "\n")
	if len(lines) == 0 || strings.TrimSpace(lines[0]) != "---" {
		return nil, &LineError{Line: 1, Message: `a template starts with a header between two "---" lines`}
	}
	t := &Template{Source: source}
	end := -1
	for i := 1; i < len(lines); i++ {
		l := strings.TrimSpace(lines[i])
		if l == "---" {
			end = i
			break
		}
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		key, val, ok := strings.Cut(l, ":")
		if !ok {
			return nil, &LineError{Line: i + 1, Message: `a header line is "name: value"`}
		}
		val = strings.TrimSpace(val)
		switch strings.TrimSpace(key) {
		case "subject":
			st, err := template.New("subject").Funcs(funcs).Option("missingkey=error").Parse(val)
			if err != nil {
				return nil, lineError(err, i+1)
			}
			if err := addStepCalls(st); err != nil {
				return nil, err
			}
			t.Subject, t.subject, t.subjectLine = val, st, i+1
		case "fields":
			for _, f := range strings.Split(val, ",") {
				f = strings.TrimSpace(f)
				if f == "" {
					continue
				}
				if !validField.MatchString(f) {
					return nil, &LineError{Line: i + 1, Message: fmt.Sprintf("field name %q must start with a capital letter and use only letters and digits", f)}
				}
				if slices.Contains(CommonFields, f) || slices.Contains(t.Extra, f) {
					return nil, &LineError{Line: i + 1, Message: fmt.Sprintf("field %q is declared twice or is a common field", f)}
				}
				t.Extra = append(t.Extra, f)
			}
		case "attachment":
			t.Attachment = val
		default:
			return nil, &LineError{Line: i + 1, Message: fmt.Sprintf("unknown header %q; use subject, fields or attachment", strings.TrimSpace(key))}
		}
	}
	if end < 0 {
		return nil, &LineError{Line: len(lines), Message: `the header has no closing "---" line`}
	}
	if t.subject == nil {
		return nil, &LineError{Line: 1, Message: "the header needs a subject line"}
	}
	if t.Attachment != "" && !slices.Contains(t.Extra, t.Attachment) {
		return nil, &LineError{Line: 1, Message: fmt.Sprintf("the attachment field %q must be declared in fields", t.Attachment)}
	}
	t.bodyLine = end + 2
	body := strings.Join(lines[end+1:], "\n")
	if strings.TrimSpace(body) == "" {
		return nil, &LineError{Line: end + 2, Message: "the letter has no body"}
	}
	bt, err := template.New("body").Funcs(funcs).Option("missingkey=error").Parse(body)
	if err != nil {
		return nil, lineError(err, t.bodyLine)
	}
	if err := addStepCalls(bt); err != nil {
		return nil, err
	}
	t.body = bt
	// Rendering against sample values finds unknown fields, which only
	// show up when the template is executed.
	if _, err := t.Render(t.Sample(), RenderOptions{SkipPDF: true}); err != nil {
		return nil, err
	}
	return t, nil
}

var validField = regexp.MustCompile(`^[A-Z][A-Za-z0-9]*$`)

// Sample returns example values for every field, used to check a template
// and for the editor's preview.
func (t *Template) Sample() map[string]string {
	v := map[string]string{
		"RecipientName":     "Alex Morgan",
		"RecipientPosition": "Data Protection Officer",
		"PartyName":         "Example Party",
		"ElectionName":      "General Election 2029",
		"PollingDay":        "Thursday 3 May 2029",
		"AnnouncementDate":  "22 March 2029",
		"Reference":         "PGA/2029/0001",
		"Date":              "23 March 2029",
		"SignatoryName":     "Sam Example",
		"SignatoryTitle":    "Head of Political Campaigning Oversight",
		"ContactMailbox":    "campaigns@regulator.example.org",
	}
	for _, f := range t.Extra {
		v[f] = "[" + f + "]"
	}
	return v
}

// Letter is a rendered letter.
type Letter struct {
	Subject string
	HTML    string
	Text    string
	PDF     []byte
}

// SHA256 is the hex SHA-256 of everything the recipient receives, in a
// fixed order, so the stored letter can prove what was sent.
func (l *Letter) SHA256() string {
	h := sha256.New()
	for _, part := range [][]byte{[]byte(l.Subject), {0}, []byte(l.Text), {0}, []byte(l.HTML), {0}, l.PDF} {
		h.Write(part)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// RenderOptions adjust Render.
type RenderOptions struct {
	SkipPDF bool
	// Created is the PDF's creation date; fixed so the same letter always
	// renders to the same bytes. Default: the zero time in UTC.
	Created time.Time
	// Lang is the letter's language, "en" (the default) or "cy"; for
	// RenderLetter each Version has its own.
	Lang string
	// Org are the regulator's particulars in force: the letterhead, and
	// the library that {{cite}} resolves keys in. Nil means the defaults.
	Org *organisation.Settings
	// Signature, when it has an image, is printed above the signatory's
	// name in the HTML and PDF.
	Signature *organisation.Signatory
}

// Version is one language version of a letter: a bilingual letter has a
// Welsh and an English one.
type Version struct {
	Template *Template
	Lang     string // "en" or "cy"
	Values   map[string]string
}

// RenderLetter renders one letter from one or more language versions, in
// the order given (Welsh first for a bilingual letter, as the Welsh
// Language Standards expect): one subject, one HTML body, one text and
// one PDF carrying every version.
func RenderLetter(versions []Version, opts RenderOptions) (*Letter, error) {
	if len(versions) == 0 {
		return nil, errors.New("render: a letter needs at least one language version")
	}
	var out *Letter
	for _, v := range versions {
		o := opts
		o.Lang = v.Lang
		l, err := v.Template.Render(v.Values, o)
		if err != nil {
			return nil, err
		}
		if out == nil {
			out = l
			continue
		}
		// Stub: the bilingual layout (one document, one PDF) replaces this.
		out.Subject += " / " + l.Subject
		out.Text += "\n\n" + l.Text
		out.HTML += l.HTML
	}
	return out, nil
}

// Render fills the template with values and produces the letter. A value
// missing for a field the template uses is an error naming the line.
func (t *Template) Render(values map[string]string, opts RenderOptions) (*Letter, error) {
	data := make(map[string]string, len(values))
	allowed := t.Fields()
	for _, f := range allowed {
		if v, ok := values[f]; ok {
			data[f] = v
		}
	}
	sb, err := execute(t.subject, data, maxSubjectBytes, errSubjectTooLong)
	if err != nil {
		return nil, limitOrLineError(err, t.subjectLine)
	}
	subject := strings.Join(strings.Fields(string(sb)), " ")
	if subject == "" {
		return nil, &LineError{Message: "the subject is empty once filled in"}
	}
	body, err := execute(t.body, escapeAll(data), MaxTextBytes, errTooLong)
	if err != nil {
		return nil, limitOrLineError(err, t.bodyLine)
	}
	doc := parseMarkdown(body)
	l := &Letter{Subject: subject, Text: doc.text(), HTML: doc.html(subject, data)}
	if !opts.SkipPDF {
		if err := doc.checkPages(); err != nil {
			return nil, err
		}
		pdf, err := doc.pdf(subject, data, opts.Created)
		if err != nil {
			return nil, fmt.Errorf("render PDF: %w", err)
		}
		l.PDF = pdf
	}
	return l, nil
}

// maxSubjectBytes bounds a subject line once filled in; mail servers
// fold or refuse longer headers.
const maxSubjectBytes = 1000

// limitOrLineError keeps a LimitError as it is, with its message for the
// editor, and ties any other error to its line.
func limitOrLineError(err error, offset int) error {
	var le *LimitError
	if errors.As(err, &le) {
		return le
	}
	return lineError(err, offset)
}

// escapeAll makes values safe to drop into Markdown: characters that would
// start emphasis, links or HTML are backslash-escaped, so a party name can
// never change the letter's structure.
func escapeAll(in map[string]string) map[string]string {
	out := make(map[string]string, len(in))
	for k, v := range in {
		out[k] = mdEscaper.Replace(strings.Join(strings.Fields(v), " "))
	}
	return out
}

var mdEscaper = strings.NewReplacer(`\`, `\\`, "*", `\*`, "_", `\_`, "`", "\\`", "[", `\[`, "]", `\]`, "<", `\<`, ">", `\>`, "#", `\#`, "|", `\|`)
