package render

import (
	"bytes"
	"html"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// md is CommonMark without raw HTML: anything that looks like a tag in a
// template or a field value is dropped, never passed to the mail client.
var md = goldmark.New()

// block is one paragraph-level piece of a letter, in the form the plain
// text and PDF renderers need.
type block struct {
	kind    string // "h1".."h3", "p", "li", "hr"
	marker  string // list marker: "•" or "1."
	text    string
	strong  bool
	quieter bool // block quotes: smaller, indented
}

type document struct {
	source []byte
	blocks []block
}

func parseMarkdown(src []byte) *document {
	d := &document{source: src}
	root := md.Parser().Parse(text.NewReader(src))
	d.walk(root, 0, false)
	return d
}

func (d *document) walk(n ast.Node, depth int, quote bool) {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		switch v := c.(type) {
		case *ast.Heading:
			lvl := min(v.Level, 3)
			d.blocks = append(d.blocks, block{kind: "h" + string(rune('0'+lvl)), text: d.inline(v), strong: true})
		case *ast.Paragraph, *ast.TextBlock:
			d.blocks = append(d.blocks, block{kind: "p", text: d.inline(v), quieter: quote})
		case *ast.ThematicBreak:
			d.blocks = append(d.blocks, block{kind: "hr"})
		case *ast.List:
			i := v.Start
			for item := v.FirstChild(); item != nil; item = item.NextSibling() {
				marker := "•"
				if v.IsOrdered() {
					marker = strings.TrimSpace(strings.Repeat(" ", depth)) + itoa(i) + "."
					i++
				}
				var parts []string
				for p := item.FirstChild(); p != nil; p = p.NextSibling() {
					if _, nested := p.(*ast.List); nested {
						continue
					}
					parts = append(parts, d.inline(p))
				}
				d.blocks = append(d.blocks, block{kind: "li", marker: marker, text: strings.Join(parts, " ")})
				for p := item.FirstChild(); p != nil; p = p.NextSibling() {
					if _, nested := p.(*ast.List); nested {
						d.walk(item, depth+1, quote)
						break
					}
				}
			}
		case *ast.Blockquote:
			d.walk(v, depth, true)
		case *ast.FencedCodeBlock, *ast.CodeBlock:
			var b strings.Builder
			lines := c.Lines()
			for i := 0; i < lines.Len(); i++ {
				seg := lines.At(i)
				b.Write(seg.Value(d.source))
			}
			d.blocks = append(d.blocks, block{kind: "p", text: strings.TrimRight(b.String(), "\n")})
		default:
			d.walk(c, depth, quote)
		}
	}
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b []byte
	for i > 0 {
		b = append([]byte{byte('0' + i%10)}, b...)
		i /= 10
	}
	return string(b)
}

// inline flattens a block's inline content to text: links keep their
// address in brackets so the plain text and PDF lose nothing.
func (d *document) inline(n ast.Node) string {
	var b strings.Builder
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		switch v := c.(type) {
		case *ast.Text:
			b.Write(util.UnescapePunctuations(v.Segment.Value(d.source)))
			switch {
			case v.HardLineBreak():
				b.WriteString("\n")
			case v.SoftLineBreak():
				b.WriteString(" ")
			}
		case *ast.String:
			b.Write(v.Value)
		case *ast.Link:
			label := d.inline(v)
			b.WriteString(label)
			if dest := string(v.Destination); dest != "" && dest != label && "mailto:"+label != dest {
				b.WriteString(" (" + dest + ")")
			}
		case *ast.AutoLink:
			b.Write(v.URL(d.source))
		case *ast.RawHTML:
			// dropped, as in the HTML version
		default:
			b.WriteString(d.inline(c))
		}
	}
	return strings.TrimSpace(b.String())
}

// text is the plain-text alternative: headings underlined, list items
// marked, paragraphs wrapped at 72 columns.
func (d *document) text() string {
	var b strings.Builder
	for i, bl := range d.blocks {
		if i > 0 && !(bl.kind == "li" && d.blocks[i-1].kind == "li") {
			b.WriteString("\n")
		}
		switch bl.kind {
		case "hr":
			b.WriteString(strings.Repeat("-", 40) + "\n")
		case "h1", "h2", "h3":
			b.WriteString(bl.text + "\n" + strings.Repeat("=", min(len([]rune(bl.text)), 72)) + "\n")
		case "li":
			b.WriteString(wrap(bl.text, 72, bl.marker+" ", strings.Repeat(" ", len([]rune(bl.marker))+1)))
		default:
			prefix := ""
			if bl.quieter {
				prefix = "  "
			}
			b.WriteString(wrap(bl.text, 72, prefix, prefix))
		}
	}
	return b.String()
}

func wrap(s string, width int, first, rest string) string {
	var out strings.Builder
	for pi, para := range strings.Split(s, "\n") {
		line := first
		if pi > 0 {
			line = rest
		}
		n := len([]rune(line))
		empty := true
		for _, w := range strings.Fields(para) {
			wl := len([]rune(w))
			if !empty && n+1+wl > width {
				out.WriteString(strings.TrimRight(line, " ") + "\n")
				line, n, empty = rest, len([]rune(rest)), true
			}
			if !empty {
				line += " "
				n++
			}
			line += w
			n += wl
			empty = false
		}
		out.WriteString(strings.TrimRight(line, " ") + "\n")
	}
	return out.String()
}

// Inline styles per element: many mail clients ignore <style> blocks, so
// every element carries its own.
var styleFor = map[string]string{
	"<p>":          `<p style="margin:0 0 14px 0;font-size:16px;line-height:1.5;color:#0b0c0c;">`,
	"<h1>":         `<h1 style="margin:0 0 16px 0;font-size:22px;line-height:1.3;color:#0b0c0c;">`,
	"<h2>":         `<h2 style="margin:24px 0 12px 0;font-size:19px;line-height:1.3;color:#0b0c0c;">`,
	"<h3>":         `<h3 style="margin:20px 0 10px 0;font-size:17px;line-height:1.3;color:#0b0c0c;">`,
	"<ul>":         `<ul style="margin:0 0 14px 0;padding-left:24px;">`,
	"<ol>":         `<ol style="margin:0 0 14px 0;padding-left:24px;">`,
	"<li>":         `<li style="margin:0 0 8px 0;font-size:16px;line-height:1.5;color:#0b0c0c;">`,
	"<blockquote>": `<blockquote style="margin:0 0 14px 0;padding:8px 16px;border-left:4px solid #b1b4b6;color:#383f43;">`,
	"<hr>":         `<hr style="border:0;border-top:1px solid #b1b4b6;margin:20px 0;">`,
	"<strong>":     `<strong style="font-weight:bold;">`,
	"<a ":          `<a style="color:#1d70b8;text-decoration:underline;" `,
}

var styler = func() *strings.Replacer {
	var pairs []string
	for k, v := range styleFor {
		pairs = append(pairs, k, v)
	}
	return strings.NewReplacer(pairs...)
}()

// Letterhead names the sender in the letterhead of every letter.
var Letterhead = struct{ Name, Unit, Address string }{
	Name:    "Data Protection Regulator",
	Unit:    "Political campaigning oversight team",
	Address: "Regulator House, 1 Example Street, Anytown AN1 1AA",
}

func (d *document) html(subject string, _ map[string]string) string {
	var body bytes.Buffer
	_ = md.Convert(d.source, &body)
	var b strings.Builder
	b.Grow(body.Len() + 2048)
	b.WriteString(`<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>`)
	b.WriteString(html.EscapeString(subject))
	b.WriteString(`</title></head><body style="margin:0;padding:0;background:#f3f2f1;">`)
	b.WriteString(`<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f3f2f1;"><tr><td align="center" style="padding:24px 12px;">`)
	b.WriteString(`<table role="presentation" width="640" cellpadding="0" cellspacing="0" style="max-width:640px;width:100%;background:#ffffff;font-family:Arial,Helvetica,sans-serif;">`)
	b.WriteString(`<tr><td style="background:#0b0c0c;padding:18px 28px;border-bottom:6px solid #1d70b8;">`)
	b.WriteString(`<p style="margin:0;font-size:20px;font-weight:bold;color:#ffffff;">` + html.EscapeString(Letterhead.Name) + `</p>`)
	b.WriteString(`<p style="margin:4px 0 0 0;font-size:14px;color:#ffffff;">` + html.EscapeString(Letterhead.Unit) + `</p></td></tr>`)
	b.WriteString(`<tr><td style="padding:28px;">`)
	b.WriteString(styler.Replace(body.String()))
	b.WriteString(`</td></tr><tr><td style="padding:16px 28px;border-top:1px solid #b1b4b6;font-size:12px;line-height:1.4;color:#505a5f;">`)
	b.WriteString(html.EscapeString(Letterhead.Name + ", " + Letterhead.Address))
	b.WriteString(`<br>A copy of this letter is attached as a PDF.</td></tr></table></td></tr></table></body></html>`)
	return b.String()
}
