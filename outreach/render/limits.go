package render

import (
	"errors"
	"fmt"
	"text/template"
	"text/template/parse"
	"unicode/utf8"
)

// Letter templates are edited by staff in the browser and executed by the
// server, so a short template must not be able to make the server produce
// megabytes of output or spin for minutes: `{{range 100000}}` nests, and
// text/template itself puts no bound on either. Three limits apply to every
// render, preview or real letter alike. The byte limit counts every string
// the template's functions make as well as what it writes (see
// boundedFuncs).
const (
	// MaxTextBytes bounds the filled-in Markdown of one letter. The
	// shipped letters are 2 to 3 KB; 100 KB is some thirty pages.
	MaxTextBytes = 100 << 10
	// MaxSteps bounds the loop iterations and template calls of one
	// render, so nested loops and recursive templates stop long before
	// they could exhaust memory or time, even when they write nothing.
	MaxSteps = 10_000
	// MaxPDFPages bounds the PDF copy of one letter.
	MaxPDFPages = 40
)

// LimitError says which limit a template ran into. Its message is written
// for the person editing the template.
type LimitError struct{ Message string }

func (e *LimitError) Error() string { return e.Message }

var (
	errTooLong        = &LimitError{Message: fmt.Sprintf("This template produces more than %d KB of text. A letter must be shorter: check for loops (range) that repeat text and for text built up in variables.", MaxTextBytes>>10)}
	errSubjectTooLong = &LimitError{Message: fmt.Sprintf("This template's subject is longer than %d characters once filled in. Shorten it.", maxSubjectBytes)}
	errTooMany        = &LimitError{Message: fmt.Sprintf("This template repeats itself more than %d times. Remove or shorten its loops (range) and template calls.", MaxSteps)}
	errTooPaged       = &LimitError{Message: fmt.Sprintf("This template produces a PDF of more than %d pages. A letter must be shorter.", MaxPDFPages)}
)

// budget is the bytes one render may produce: what it writes and every
// string a function makes along the way, counted together. Counting only
// the output is not enough, as a template can build a string in a variable
// and never write it: {{$x = printf "%s%s" $x $x}} doubles it each time.
type budget struct {
	used    int
	max     int
	tooLong error
}

// charge counts n bytes produced, failing once the total passes max.
func (b *budget) charge(n int) error {
	if n > b.max-b.used {
		return b.tooLong
	}
	b.used += n
	return nil
}

// fits refuses, before anything is allocated, a function call whose
// output could be larger than what is left of the budget.
func (b *budget) fits(upTo int) error {
	if upTo > b.max-b.used {
		return b.tooLong
	}
	return nil
}

// limitedBuffer is the writer a template executes into: past its budget a
// write fails, and text/template stops at the first failed write.
type limitedBuffer struct {
	buf []byte
	*budget
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if err := b.charge(len(p)); err != nil {
		return 0, err
	}
	b.buf = append(b.buf, p...)
	return len(p), nil
}

// stepFunc is the name of the function the parsed template calls at the
// start of every loop iteration and every template body. It cannot clash
// with a field, as fields are referenced with a dot.
const stepFunc = "__cw_step"

// addStepCalls rewrites every tree of t so that each range body and each
// template body begins with a call to stepFunc. The call writes nothing;
// the function bound at execution (see execute) counts and fails once the
// budget is spent.
func addStepCalls(t *template.Template) error {
	probe, err := template.New("probe").Funcs(template.FuncMap{stepFunc: func() (string, error) { return "", nil }}).Parse("{{" + stepFunc + "}}")
	if err != nil {
		return err
	}
	call := probe.Tree.Root.Nodes[0]
	for _, tt := range t.Templates() {
		if tt.Tree == nil || tt.Tree.Root == nil {
			continue
		}
		root := tt.Tree.Root
		root.Nodes = append([]parse.Node{call.Copy()}, root.Nodes...)
		addStepCallsToRanges(root, call)
	}
	return nil
}

func addStepCallsToRanges(n parse.Node, call parse.Node) {
	switch v := n.(type) {
	case *parse.ListNode:
		if v == nil {
			return
		}
		for _, c := range v.Nodes {
			addStepCallsToRanges(c, call)
		}
	case *parse.RangeNode:
		addStepCallsToRanges(v.List, call)
		addStepCallsToRanges(v.ElseList, call)
		v.List.Nodes = append([]parse.Node{call.Copy()}, v.List.Nodes...)
	case *parse.IfNode:
		addStepCallsToRanges(v.List, call)
		addStepCallsToRanges(v.ElseList, call)
	case *parse.WithNode:
		addStepCallsToRanges(v.List, call)
		addStepCallsToRanges(v.ElseList, call)
	}
}

// execute runs t with a fresh step budget and a fresh byte budget of
// maxBytes (past it: tooLong), which both its output and the strings its
// functions make spend from. The template is cloned so concurrent renders keep separate
// budgets; a clone shares the parsed trees and costs little.
func execute(t *template.Template, data any, maxBytes int, tooLong error, env *citeEnv) ([]byte, error) {
	steps := 0
	c, err := t.Clone()
	if err != nil {
		return nil, err
	}
	b := &budget{max: maxBytes, tooLong: tooLong}
	fm := boundedFuncs(b, env)
	fm[stepFunc] = func() (string, error) {
		steps++
		if steps > MaxSteps {
			return "", errTooMany
		}
		return "", nil
	}
	c.Funcs(fm)
	out := &limitedBuffer{budget: b}
	if err := c.Execute(out, data); err != nil {
		var le *LimitError
		if errors.As(err, &le) {
			return nil, le
		}
		return nil, err
	}
	return out.buf, nil
}

// Characters per line and lines per page of the PDF body (A4, 10.5 pt
// Helvetica, 20 mm margins), rounded so that the estimate is never below
// what maroto lays out.
const (
	pdfLineChars = 110
	pdfPageLines = 60
)

// checkPages estimates the pages the PDF of a letter would run to and
// refuses one past MaxPDFPages before any of it is laid out, as layout is
// the expensive part. Every block and every note starts a line of its own;
// each version has a letterhead.
func checkPages(ps []*prepared) error {
	lines := 0
	for _, p := range ps {
		lines += 6 + 2 + len(p.doc.notes) // letterhead, notes heading and notes
		for _, bl := range p.doc.blocks {
			lines++
			lines += utf8.RuneCountInString(bl.pdf) / pdfLineChars
			if lines > MaxPDFPages*pdfPageLines {
				return errTooPaged
			}
		}
	}
	if lines > MaxPDFPages*pdfPageLines {
		return errTooPaged
	}
	return nil
}
