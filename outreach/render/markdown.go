package render

import (
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
	text    string // links as "Title (address)"
	pdf     string // links as "Title [1]", the address in the notes
	strong  bool
	quieter bool // block quotes: smaller, indented
}

type document struct {
	source []byte
	blocks []block
	// notes are the addresses the PDF's "[n]" markers refer to, in
	// order: notes[0] is [1]. An address linked twice has one note.
	notes []string
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
			t, p := d.inline(v)
			d.blocks = append(d.blocks, block{kind: "h" + string(rune('0'+lvl)), text: t, pdf: p, strong: true})
		case *ast.Paragraph, *ast.TextBlock:
			t, p := d.inline(v)
			d.blocks = append(d.blocks, block{kind: "p", text: t, pdf: p, quieter: quote})
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
				var parts, pdfParts []string
				for p := item.FirstChild(); p != nil; p = p.NextSibling() {
					if _, nested := p.(*ast.List); nested {
						continue
					}
					t, pp := d.inline(p)
					parts, pdfParts = append(parts, t), append(pdfParts, pp)
				}
				d.blocks = append(d.blocks, block{kind: "li", marker: marker, text: strings.Join(parts, " "), pdf: strings.Join(pdfParts, " ")})
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
			code := strings.TrimRight(b.String(), "\n")
			d.blocks = append(d.blocks, block{kind: "p", text: code, pdf: code})
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

// inline flattens a block's inline content to text, twice: for the plain
// text, where a link keeps its address in brackets so nothing is lost, and
// for the PDF, where a link is followed by a numbered marker ("[1]") and
// its address goes to the notes at the end. Links whose label is their
// address (or their mail address) print once, with no note.
func (d *document) inline(n ast.Node) (plain, pdf string) {
	var b, p strings.Builder
	d.inlineTo(n, &b, &p)
	return strings.TrimSpace(b.String()), strings.TrimSpace(p.String())
}

func (d *document) inlineTo(n ast.Node, b, p *strings.Builder) {
	both := func(s string) { b.WriteString(s); p.WriteString(s) }
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		switch v := c.(type) {
		case *ast.Text:
			both(string(util.UnescapePunctuations(v.Segment.Value(d.source))))
			switch {
			case v.HardLineBreak():
				both("\n")
			case v.SoftLineBreak():
				both(" ")
			}
		case *ast.String:
			both(string(v.Value))
		case *ast.Link:
			label, pdfLabel := d.inline(v)
			b.WriteString(label)
			p.WriteString(pdfLabel)
			if dest := string(v.Destination); dest != "" && dest != label && "mailto:"+label != dest {
				b.WriteString(" (" + dest + ")")
				p.WriteString(" [" + itoa(d.note(dest)) + "]")
			}
		case *ast.AutoLink:
			both(string(v.URL(d.source)))
		case *ast.RawHTML:
			// dropped, as in the HTML version
		default:
			d.inlineTo(c, b, p)
		}
	}
}

// note returns the number of the note for dest, adding it if new.
func (d *document) note(dest string) int {
	for i, n := range d.notes {
		if n == dest {
			return i + 1
		}
	}
	d.notes = append(d.notes, dest)
	return len(d.notes)
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
