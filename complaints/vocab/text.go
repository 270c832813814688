package vocab

import "slices"

// The languages labels are given in.
const (
	English = "en"
	Welsh   = "cy"
)

// Text is one label in English and Welsh.
type Text struct {
	EN, CY string
}

// In returns the label in lang ("en" or "cy"), falling back to English
// when there is no Welsh.
func (t Text) In(lang string) string {
	if lang == Welsh && t.CY != "" {
		return t.CY
	}
	return t.EN
}

// Term is one code of a vocabulary with its labels.
type Term struct {
	Code string
	// Label is how staff pages, exports and reports name the term.
	Label Text
	// Report is the wording of follow-up reports to parties, where that
	// differs from Label; empty otherwise.
	Report Text
}

// ReportLabel is the term as follow-up reports word it.
func (t Term) ReportLabel(lang string) string {
	if t.Report.EN != "" {
		return t.Report.In(lang)
	}
	return t.Label.In(lang)
}

func codes(ts []Term) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.Code
	}
	return out
}

func find(ts []Term, code string) (Term, bool) {
	i := slices.IndexFunc(ts, func(t Term) bool { return t.Code == code })
	if i < 0 {
		return Term{}, false
	}
	return ts[i], true
}

// label is code's English label in ts, or the code itself when ts does
// not have it, so an unexpected value still shows something readable.
func label(ts []Term, code string) string {
	if t, ok := find(ts, code); ok {
		return t.Label.EN
	}
	return code
}

func labels(ts []Term, lang string) map[string]string {
	out := make(map[string]string, len(ts))
	for _, t := range ts {
		out[t.Code] = t.Label.In(lang)
	}
	return out
}
