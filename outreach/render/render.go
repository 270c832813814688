// Package render turns a letter template (Markdown with Go template fields)
// and the values of its fields into what a party receives: a subject, an
// HTML email body with the regulator's letterhead and inline styles, a
// plain-text alternative and a PDF copy. The letterhead and the guidance
// library come from the organisation settings passed in RenderOptions.Org;
// templates cite the law and the guidance with {{law}} and {{cite}} (see
// cite.go). A letter can carry several language versions, Welsh first
// (RenderLetter).
//
// A template file starts with a header block between two "---" lines:
//
//	---
//	subject: Data protection in the {{.ElectionName}} campaign
//	fields: BriefingDate, BriefingPlace
//	attachment: Report
//	markdown: Requests
//	---
//	Dear {{.RecipientName}},
//	...
//
// "fields" declares the template's own fields on top of the common ones;
// "attachment" names a field that must hold a report to attach;
// "markdown" names fields whose values are Markdown (paragraphs, lists)
// made by the service, inserted as they are rather than escaped as a
// value is. Any other field a template uses is an error, reported with its
// line in the file.
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
	// Markdown are fields whose values are Markdown made by the service
	// (a list of requests), not escaped: whoever fills one must escape
	// what it quotes (EscapeMarkdown). Raw HTML in them is dropped, as
	// everywhere in a letter.
	Markdown []string

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
		detail = strings.TrimPrefix(strings.TrimPrefix(detail, "error calling law: "), "error calling cite: ")
		return &LineError{Line: offset + n - 1, Message: detail}
	}
	return &LineError{Message: msg}
}

// funcs names the functions a template may call, for parsing. They are
// never run as they are: execute binds fresh ones that spend from the
// render's own byte budget (see boundedFuncs); these have none at all.
var funcs = boundedFuncs(&budget{tooLong: errTooLong}, nil)

// Parse reads and checks a template file against the default settings
// (organisation.Defaults): see ParseWith.
func Parse(source string) (*Template, error) { return ParseWith(source, nil) }

// ParseWith reads and checks a template file: the header, the Go template
// syntax of subject and body, that every {{law}} and {{cite}} key is known
// to the law and to org's guidance library (nil: the defaults), and that
// every field used is known, by rendering against sample values. Errors
// name the line. A template parsed against one version of the settings
// renders with any other; a key removed from the library since is an
// error when it is rendered.
func ParseWith(source string, org *organisation.Settings) (*Template, error) {
	org = orgOr(org)
	source = strings.ReplaceAll(source, "\r\n", "\n")
	lines := strings.Split(source, "\n")
	if len(lines) == 0 || strings.TrimSpace(lines[0]) != "---" {
		return nil, &LineError{Line: 1, Message: `a template starts with a header between two "---" lines`}
	}
	t := &Template{Source: source}
	end, markdownLine := -1, 0
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
			if err := checkCitations(st, org, i+1); err != nil {
				return nil, err
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
		case "markdown":
			for _, f := range strings.Split(val, ",") {
				if f = strings.TrimSpace(f); f != "" {
					t.Markdown = append(t.Markdown, f)
				}
			}
			markdownLine = i + 1
		default:
			return nil, &LineError{Line: i + 1, Message: fmt.Sprintf("unknown header %q; use subject, fields, attachment or markdown", strings.TrimSpace(key))}
		}
	}
	if end < 0 {
		return nil, &LineError{Line: len(lines), Message: `the header has no closing "---" line`}
	}
	if t.subject == nil {
		return nil, &LineError{Line: 1, Message: "the header needs a subject line"}
	}
	for _, f := range t.Markdown {
		if !slices.Contains(t.Extra, f) {
			return nil, &LineError{Line: markdownLine, Message: fmt.Sprintf("the markdown field %q must be declared in fields", f)}
		}
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
	if err := checkCitations(bt, org, t.bodyLine); err != nil {
		return nil, err
	}
	if err := addStepCalls(bt); err != nil {
		return nil, err
	}
	t.body = bt
	// Rendering against sample values finds unknown fields, which only
	// show up when the template is executed.
	if _, err := t.Render(t.Sample(), RenderOptions{SkipPDF: true, Org: org}); err != nil {
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
	// name in the PDF. The HTML leaves it out: many mail clients block
	// data: images, and an email is easily forwarded and copied, while the
	// PDF is the letter of record.
	Signature *organisation.Signatory
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
// start emphasis, links or HTML are backslash-escaped, and line breaks
// joined, so a party name can never change the letter's structure. The
// fields in markdown keep their Markdown, line endings normalised.
func escapeAll(in map[string]string, markdown []string) map[string]string {
	out := make(map[string]string, len(in))
	for k, v := range in {
		if slices.Contains(markdown, k) {
			out[k] = strings.TrimSpace(strings.ReplaceAll(v, "\r\n", "\n"))
			continue
		}
		out[k] = EscapeMarkdown(v)
	}
	return out
}

// EscapeMarkdown makes s safe to put in a letter's Markdown as text: its
// line breaks are joined and the characters that would start emphasis,
// links, headings, tables or HTML are backslash-escaped. Code that fills a
// markdown field uses it for what it quotes (a party's name, an excerpt).
func EscapeMarkdown(s string) string {
	s = mdEscaper.Replace(strings.Join(strings.Fields(s), " "))
	// A value a template puts at the start of a line must not start a
	// list ("1. ", "- ") or underline a heading ("==="): escape its
	// first marker.
	if m := leadingMarker.FindStringSubmatchIndex(s); m != nil {
		s = s[:m[3]] + `\` + s[m[3]:]
	}
	return s
}

var leadingMarker = regexp.MustCompile(`^(\d{0,9})[.)+=-]`)

var mdEscaper = strings.NewReplacer(`\`, `\\`, "*", `\*`, "_", `\_`, "`", "\\`", "[", `\[`, "]", `\]`, "<", `\<`, ">", `\>`, "#", `\#`, "|", `\|`)
