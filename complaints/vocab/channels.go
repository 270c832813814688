package vocab

import (
	"slices"
	"strings"
)

// The channels a complaint can arrive by, as stored and as named in the API.
const (
	ChannelSMS           = "sms"
	ChannelEmail         = "email"
	ChannelAutomatedCall = "automated_call"
	ChannelLiveCall      = "live_call"
	ChannelBCCBreach     = "bcc_breach"
	ChannelSocialMediaAd = "social_media_ad"
	// ChannelDataBreach is personal data exposed or leaked other than
	// by an email's visible recipients: a group chat showing members'
	// numbers, canvass data published, a marked register lost, a
	// spreadsheet sent to the wrong person.
	ChannelDataBreach = "data_breach"
	ChannelOther      = "other"
)

// Channel is one way a complaint can arrive, with its labels.
type Channel struct {
	Term
	// Choice is the answer on the public form's first question ("What
	// happened?"); the form's catalogues take their channel.<code>
	// entries from it.
	Choice Text
	// Plural names the channel in a sentence about many complaints, as
	// alert and digest emails do ("Complaints about X by text messages").
	Plural Text
	// Inferred says whether triage can find the channel in the text;
	// "other" is only ever what the complainant chose.
	Inferred bool
}

// Channels lists every channel in the order the form, the queue and
// reports show them.
var Channels = []Channel{
	{Term: Term{Code: ChannelSMS, Label: Text{"Text message", "Neges destun"}},
		Choice: Text{"A text message", "Neges destun"}, Plural: Text{"text messages", "negeseuon testun"}, Inferred: true},
	{Term: Term{Code: ChannelEmail, Label: Text{"Email", "E-bost"}},
		Choice: Text{"An email", "Neges e-bost"}, Plural: Text{"emails", "negeseuon e-bost"}, Inferred: true},
	{Term: Term{Code: ChannelAutomatedCall, Label: Text{"Automated call", "Galwad awtomataidd"}},
		Choice:   Text{"A recorded or automated phone call", "Galwad ffôn wedi'i recordio neu awtomatig"},
		Plural:   Text{"automated (recorded) calls", "galwadau awtomataidd (wedi'u recordio)"},
		Inferred: true},
	{Term: Term{Code: ChannelLiveCall, Label: Text{"Live call", "Galwad fyw"}},
		Choice: Text{"A call from a real person", "Galwad gan berson go iawn"}, Plural: Text{"live calls", "galwadau byw"}, Inferred: true},
	{Term: Term{Code: ChannelBCCBreach, Label: Text{"Email addresses exposed", "Cyfeiriadau e-bost wedi'u datgelu"}},
		Choice:   Text{"An email that showed other people's addresses", "Neges e-bost a oedd yn dangos cyfeiriadau pobl eraill"},
		Plural:   Text{"email addresses exposed (CC/BCC)", "cyfeiriadau e-bost wedi'u datgelu (CC/BCC)"},
		Inferred: true},
	{Term: Term{Code: ChannelDataBreach, Label: Text{"Personal data shared or leaked", "Data personol wedi'u rhannu neu eu datgelu"}},
		Choice: Text{"My details were shared or leaked another way",
			"Cafodd fy manylion eu rhannu neu eu datgelu mewn ffordd arall"},
		Plural:   Text{"other personal data breaches", "achosion eraill o dorri diogelwch data personol"},
		Inferred: true},
	{Term: Term{Code: ChannelSocialMediaAd, Label: Text{"Social media advert", "Hysbyseb ar gyfryngau cymdeithasol"}},
		Choice:   Text{"An advert on social media", "Hysbyseb ar gyfryngau cymdeithasol"},
		Plural:   Text{"social media adverts", "hysbysebion ar gyfryngau cymdeithasol"},
		Inferred: true},
	{Term: Term{Code: ChannelOther, Label: Text{"Other", "Arall"}},
		Choice: Text{"Something else", "Rhywbeth arall"}, Plural: Text{"other channels", "sianeli eraill"}},
}

// ChannelCodes returns every channel's code, in order.
func ChannelCodes() []string {
	out := make([]string, len(Channels))
	for i, c := range Channels {
		out[i] = c.Code
	}
	return out
}

// InferredChannelCodes returns the codes of the channels triage can find
// in a complaint's text (every channel but other), in order.
func InferredChannelCodes() []string {
	var out []string
	for _, c := range Channels {
		if c.Inferred {
			out = append(out, c.Code)
		}
	}
	return out
}

// ChannelByCode returns the channel with code.
func ChannelByCode(code string) (Channel, bool) {
	i := slices.IndexFunc(Channels, func(c Channel) bool { return c.Code == code })
	if i < 0 {
		return Channel{}, false
	}
	return Channels[i], true
}

// IsChannel reports whether code is a channel.
func IsChannel(code string) bool {
	_, ok := ChannelByCode(code)
	return ok
}

// ChannelLabel is the channel's English label, or the code itself when it
// is not a channel.
func ChannelLabel(code string) string {
	if c, ok := ChannelByCode(code); ok {
		return c.Label.EN
	}
	return code
}

// ChannelLabels maps each channel's code to its label in lang.
func ChannelLabels(lang string) map[string]string {
	out := make(map[string]string, len(Channels))
	for _, c := range Channels {
		out[c.Code] = c.Label.In(lang)
	}
	return out
}

// ChannelPlural names the channel in a sentence about many complaints
// (English); an unknown code reads with its underscores as spaces.
func ChannelPlural(code string) string {
	if c, ok := ChannelByCode(code); ok {
		return c.Plural.EN
	}
	return strings.ReplaceAll(code, "_", " ")
}
