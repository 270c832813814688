package web

// DateQuestions are the call form's dates as the shared date input of
// form_parts.html ("audit-date") draws them, each with its hint and the
// error it has, so the elections form keeps no copy of the pattern.
func (p electionsPage) DateQuestions() []auditDate {
	hints := map[string]string{
		"announced_on":   "Leave empty for today. For example, 7 5 2029",
		"regulated_from": "Leave empty if the law sets no regulated period for this election. For example, 7 5 2029",
	}
	out := make([]auditDate, 0, len(p.DateFields))
	for _, d := range p.DateFields {
		q := auditDate{Field: d.Field, Label: d.Label, Hint: "For example, 7 5 2029",
			Error: p.Errors.For(d.Field), Parts: p.Form.Date(d.Field)}
		if h, ok := hints[d.Field]; ok {
			q.Label += " (optional)"
			q.Hint = h
		}
		out = append(out, q)
	}
	return out
}
