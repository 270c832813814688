package vocab

import "strings"

// LetterStates are the states of a letter and of a batch of letters, as
// stored in letters.state and letter_batches.state.
var LetterStates = []Term{
	{Code: "held", Label: Text{"Held for release", "Wedi'u dal i'w rhyddhau"}},
	{Code: "scheduled", Label: Text{"Scheduled", "Wedi'u hamserlennu"}},
	{Code: "released", Label: Text{"Released", "Wedi'u rhyddhau"}},
	{Code: "queued", Label: Text{"Waiting to send", "Yn aros i'w hanfon"}},
	{Code: "sending", Label: Text{"Sending", "Yn cael eu hanfon"}},
	{Code: "sent", Label: Text{"Sent", "Wedi'u hanfon"}},
	{Code: "failed", Label: Text{"Failed", "Wedi methu"}},
	{Code: "cancelled", Label: Text{"Cancelled", "Wedi'u canslo"}},
	{Code: "bounced", Label: Text{"Bounced", "Wedi'u gwrthod"}},
}

// LetterStateLabel is the letter state's English label, or the code.
func LetterStateLabel(code string) string { return label(LetterStates, code) }

// LetterTemplates are the letter templates shipped with the service, by
// their names (templates/letters/<name>.md).
var LetterTemplates = []Term{
	{Code: "audit-follow-up", Label: Text{"Audit follow-up letter", "Llythyr dilynol archwiliad"}},
	{Code: "complaints-follow-up", Label: Text{"Complaints follow-up letter", "Llythyr dilynol cwynion"}},
	{Code: "election-reminder", Label: Text{"Election reminder", "Nodyn atgoffa etholiad"}},
	{Code: "election-reminder-briefing", Label: Text{"Election reminder with a briefing invitation", "Nodyn atgoffa etholiad gyda gwahoddiad i sesiwn friffio"}},
}

// LetterTemplateLabel is a letter template's title: the shipped ones by
// their labels, one staff added by its dashed name in words.
func LetterTemplateLabel(name string) string {
	if t, ok := find(LetterTemplates, name); ok {
		return t.Label.EN
	}
	words := strings.ReplaceAll(strings.ReplaceAll(name, "-", " "), "_", " ")
	if words == "" {
		return name
	}
	return strings.ToUpper(words[:1]) + words[1:]
}
