package render

import (
	"fmt"
	"strings"
	"sync"
	"text/template"
	"text/template/parse"

	"github.com/campaignwatch/campaignwatch/internal/legal"
	"github.com/campaignwatch/campaignwatch/internal/organisation"
)

// Letters cite the law and the regulator's guidance through two template
// functions, so that no template spells a citation or an address out by
// hand and none can print an internal identifier:
//
//	{{law "PECR-22"}}            regulation 22 of the Privacy and Electronic Communications Regulations 2003
//	{{law "UKGDPR"}}             the UK General Data Protection Regulation (UK GDPR)
//	{{cite "guidance.bulk-email"}} [Guidance on sending bulk communications by email](https://…)
//
// law prints legal.Cite in the version's language. cite prints a Markdown
// link to the document of the settings' reference library with that key,
// title and address in the version's language; the HTML shows a link, the
// plain text "Title (address)" and the PDF "Title [1]" with the address in
// a numbered list of notes at the end. Both take the key as a quoted
// literal, so Parse can check every key against the law and the library
// and refuse an unknown one naming its line, whether or not the line is
// reached with sample values.

// citeEnv is what law and cite resolve keys against: the version's
// language and the settings in force. markdown is false for the subject,
// which is plain text: there cite prints "Title (address)".
type citeEnv struct {
	lang     string
	org      *organisation.Settings
	markdown bool
}

// defaultOrg is organisation.Defaults(nil), made once: rendering without
// settings (tests, benchmarks, callers that pass none) must stay cheap.
var defaultOrg = sync.OnceValue(func() *organisation.Settings { return organisation.Defaults(nil) })

// orgOr returns org, or the defaults when it is nil.
func orgOr(org *organisation.Settings) *organisation.Settings {
	if org == nil {
		return defaultOrg()
	}
	return org
}

func (e *citeEnv) law(key string) (string, error) {
	if e == nil {
		return "", fmt.Errorf("law is not available here")
	}
	if !legal.Known(key) {
		return "", &citeError{msg: unknownLaw(key)}
	}
	s, err := legal.Cite(key, e.lang)
	if err != nil {
		return "", err
	}
	if e.markdown {
		return mdEscaper.Replace(s), nil
	}
	return s, nil
}

func (e *citeEnv) cite(key string) (string, error) {
	if e == nil {
		return "", fmt.Errorf("cite is not available here")
	}
	org := orgOr(e.org)
	ref, ok := org.Reference(key)
	if !ok {
		return "", &citeError{msg: unknownGuidance(key, org)}
	}
	title := strings.Join(strings.Fields(ref.TitleIn(e.lang)), " ")
	url := strings.TrimSpace(ref.URLIn(e.lang))
	if !e.markdown {
		return title + " (" + url + ")", nil
	}
	return "[" + mdEscaper.Replace(title) + "](" + linkDestination(url) + ")", nil
}

// linkDestination makes an address safe as a Markdown link destination:
// in angle brackets, which allow parentheses and spaces, with the
// characters that would end it percent-encoded.
func linkDestination(url string) string {
	return "<" + destEscaper.Replace(url) + ">"
}

var destEscaper = strings.NewReplacer("<", "%3C", ">", "%3E", "\n", "", "\r", "", " ", "%20", `\`, "%5C")

// citeError is an unknown key met while executing; its message is for
// the person editing the template, without text/template's wrapping.
type citeError struct{ msg string }

func (e *citeError) Error() string { return e.msg }

func unknownGuidance(key string, org *organisation.Settings) string {
	keys := org.ReferenceKeys()
	if len(keys) == 0 {
		return fmt.Sprintf("no guidance document has the key %q; the library in the settings is empty", key)
	}
	return fmt.Sprintf("no guidance document has the key %q; the library has: %s", key, strings.Join(keys, ", "))
}

func unknownLaw(key string) string {
	var ids []string
	for _, l := range legal.Laws() {
		ids = append(ids, l.ID)
	}
	return fmt.Sprintf("no law or provision has the key %q; the laws are %s, and a provision is written like PECR-22, UKGDPR-14 or UKGDPR-5-1-f (see the list of keys beside the template)", key, strings.Join(ids, ", "))
}

// checkCitations walks the parsed templates and checks every call of law
// and cite: the key must be a quoted literal, and known to the law or to
// org's library. offset is the line of the file where the template's
// first line is.
func checkCitations(t *template.Template, org *organisation.Settings, offset int) error {
	for _, tt := range t.Templates() {
		if tt.Tree == nil || tt.Tree.Root == nil {
			continue
		}
		var err error
		walkCommands(tt.Tree.Root, func(c *parse.CommandNode) bool {
			for i, a := range c.Args {
				id, ok := a.(*parse.IdentifierNode)
				if !ok || (id.Ident != "law" && id.Ident != "cite") {
					continue
				}
				line := offset + lineOf(tt.Tree, c) - 1
				if i != 0 || len(c.Args) != 2 {
					err = &LineError{Line: line, Message: fmt.Sprintf(`%s takes one key in quotes, for example {{%s %q}}`, id.Ident, id.Ident, map[string]string{"law": "PECR-22", "cite": "guidance.bulk-email"}[id.Ident])}
					return false
				}
				s, ok := c.Args[1].(*parse.StringNode)
				if !ok {
					err = &LineError{Line: line, Message: fmt.Sprintf(`%s takes its key in quotes, for example {{%s %q}}, so that the key can be checked when the template is saved`, id.Ident, id.Ident, map[string]string{"law": "PECR-22", "cite": "guidance.bulk-email"}[id.Ident])}
					return false
				}
				switch {
				case id.Ident == "law" && !legal.Known(s.Text):
					err = &LineError{Line: line, Message: unknownLaw(s.Text)}
					return false
				case id.Ident == "cite":
					if _, ok := org.Reference(s.Text); !ok {
						err = &LineError{Line: line, Message: unknownGuidance(s.Text, org)}
						return false
					}
				}
			}
			return true
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// lineOf is the line of n within its template, from 1.
func lineOf(tree *parse.Tree, n parse.Node) int {
	loc, _ := tree.ErrorContext(n)
	// loc is "name:line:col".
	parts := strings.Split(loc, ":")
	if len(parts) >= 3 {
		var line int
		if _, err := fmt.Sscanf(parts[len(parts)-2], "%d", &line); err == nil {
			return line
		}
	}
	return 1
}

// walkCommands calls f on every command of the tree, stopping when f
// returns false.
func walkCommands(n parse.Node, f func(*parse.CommandNode) bool) bool {
	switch v := n.(type) {
	case nil:
		return true
	case *parse.ListNode:
		if v == nil {
			return true
		}
		for _, c := range v.Nodes {
			if !walkCommands(c, f) {
				return false
			}
		}
	case *parse.ActionNode:
		return walkCommands(v.Pipe, f)
	case *parse.PipeNode:
		if v == nil {
			return true
		}
		for _, c := range v.Cmds {
			if !walkCommands(c, f) {
				return false
			}
		}
	case *parse.CommandNode:
		if !f(v) {
			return false
		}
		for _, a := range v.Args {
			if !walkCommands(a, f) {
				return false
			}
		}
	case *parse.IfNode:
		return walkBranch(&v.BranchNode, f)
	case *parse.RangeNode:
		return walkBranch(&v.BranchNode, f)
	case *parse.WithNode:
		return walkBranch(&v.BranchNode, f)
	case *parse.TemplateNode:
		return walkCommands(v.Pipe, f)
	}
	return true
}

func walkBranch(b *parse.BranchNode, f func(*parse.CommandNode) bool) bool {
	if b.Pipe != nil && !walkCommands(b.Pipe, f) {
		return false
	}
	if b.List != nil && !walkCommands(b.List, f) {
		return false
	}
	if b.ElseList != nil && !walkCommands(b.ElseList, f) {
		return false
	}
	return true
}
