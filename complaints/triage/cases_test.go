package triage

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/internal/demo"
)

// labelled is one hand-written complaint with the triage the policy
// requires for it.
type labelled struct {
	name       string
	c          Complaint
	provisions []string
	guidance   []string
	priority   string
	score      int      // checked when non-zero (band edges, adders, cap)
	channels   []string // checked when non-nil
	party      string   // checked when non-empty
	sender     string   // checked when non-empty
	rationale  string   // a substring one rationale line must contain
}

func none() []string         { return []string{} }
func l(s ...string) []string { return s }

func day(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// Outside any election unless a case says otherwise.
var quiet = day("2024-03-10")

// testContext is the demo party registry, the 2024 general election and
// some senders with recent complaints.
func testContext() *Context {
	var parties []Party
	for _, p := range demo.Parties {
		parties = append(parties, Party{Name: p.Name, ShortName: p.ShortName, Aliases: p.Aliases, Nations: p.Nations})
	}
	ge := Election{
		Name:        "UK Parliamentary general election 2024",
		AnnouncedOn: time.Date(2024, 5, 22, 0, 0, 0, 0, time.UTC),
		PollingDay:  time.Date(2024, 7, 4, 0, 0, 0, 0, time.UTC),
		Nations:     []string{"england", "scotland", "wales", "northern_ireland"},
	}
	counts := SenderCounts{
		"+447700900111":             12,
		"+447700900222":             150,
		"news@labour.example.org":   9,
		"vote for change uk":        10,
		"cafe politique":            100,
		"alerts@greens.example.org": 150,
	}
	return NewContext([]Election{ge}, parties, counts)
}

var cases = []labelled{
	// R1: text or email without consent.
	{name: "r1_sms_no_consent", c: Complaint{Channel: "sms", Party: "Labour", ReceivedAt: quiet, Consent: "no", SenderIdentified: Yes, OptOutOffered: Yes,
		Message:     "Hi, it's Sam from your local Labour team. Vote for a fairer deal! Reply STOP to opt out",
		Description: "They texted me out of the blue. I have never signed up to anything from them."},
		provisions: l("PECR-22"), guidance: l("G1", "G4"), priority: "low", score: 30, channels: l("sms"), party: "Labour Party"},
	{name: "r1_email_consent_missing_is_unsure", c: Complaint{Channel: "email", Party: "Conservatives", ReceivedAt: quiet, SenderIdentified: Yes, OptOutOffered: Yes,
		Message:     "Dear friend, we need your help to keep our area moving forward.",
		Description: "An email turned up in my inbox from the Conservatives. I don't remember ever agreeing to hear from them."},
		provisions: l("PECR-22"), guidance: l("G1", "G4"), priority: "low", score: 30, rationale: "consent = unsure"},
	{name: "r1_email_consent_yes_nothing_applies", c: Complaint{Channel: "email", Party: "Green Party", ReceivedAt: quiet, Consent: "yes", SenderIdentified: Yes, OptOutOffered: Yes,
		Description: "I signed up to their newsletter but the emails are far too frequent."},
		provisions: none(), guidance: none(), priority: "low", score: 10},
	{name: "r1_channel_missing_text_message_inferred", c: Complaint{Party: "Green Party", ReceivedAt: quiet, Consent: "no",
		Description: "I got a text message from the Green Party asking me to vote for them."},
		provisions: l("PECR-22"), guidance: l("G1", "G4"), priority: "low", score: 30, channels: l("sms")},
	{name: "r1_whatsapp_is_sms", c: Complaint{Channel: "other", Party: "Alba", ReceivedAt: quiet, Consent: "no",
		Description: "They sent me a WhatsApp about the council by-election, I've no idea who gave them my number"},
		provisions: l("PECR-22", "UKGDPR-14"), guidance: l("G1", "G2", "G3", "G4"), priority: "low", score: 30, channels: l("sms")},
	{name: "r1_inflection_texting", c: Complaint{Channel: "other", Party: "Labour", ReceivedAt: quiet, Consent: "no",
		Description: "Labour keep texting me every evening"},
		provisions: l("PECR-22"), guidance: l("G1", "G4"), priority: "low", score: 30, channels: l("sms")},
	{name: "r1_inflection_emailed", c: Complaint{Channel: "", Party: "Greens", ReceivedAt: quiet, Consent: "no",
		Description: "The Green Party emailed me twice this week."},
		provisions: l("PECR-22"), guidance: l("G1", "G4"), priority: "low", score: 30, channels: l("email"), party: "Green Party of England and Wales"},
	{name: "r1_instagram_direct_message_is_electronic_mail", c: Complaint{Channel: "other", Party: "Reform", ReceivedAt: quiet, Consent: "no",
		Description: "They sent me a direct message on Instagram asking for my vote."},
		provisions: l("PECR-22"), guidance: l("G1", "G4"), priority: "low", channels: l("sms"), party: "Reform UK"},
	{name: "r1_imprint_is_not_an_advert", c: Complaint{Channel: "sms", Party: "Labour", ReceivedAt: quiet, Consent: "no", SenderIdentified: Yes, OptOutOffered: Yes,
		Message: "Vote Smith on Thursday. Promoted by J Smith on behalf of Labour, 1 High St"},
		provisions: l("PECR-22"), guidance: l("G1", "G4"), priority: "low", score: 30, channels: l("sms")},
	{name: "r1_stated_sms_weak_email_cue_not_added", c: Complaint{Channel: "sms", Party: "Lib Dems", ReceivedAt: quiet, Consent: "no",
		Message: "Check your email for our local manifesto!"},
		provisions: l("PECR-22"), guidance: l("G1", "G4"), priority: "low", channels: l("sms")},
	{name: "r1_stated_email_facebook_mention_not_added", c: Complaint{Channel: "email", Party: "SNP", ReceivedAt: quiet, Consent: "no",
		Description: "It was the same message they had posted on Facebook."},
		provisions: l("PECR-22"), guidance: l("G1", "G4"), priority: "low", channels: l("email")},

	// R2: sender hidden or no opt-out.
	{name: "r2_sms_no_opt_out_edge_35", c: Complaint{Channel: "sms", Party: "Reform UK", ReceivedAt: quiet, Consent: "no", SenderIdentified: Yes, OptOutOffered: No,
		Message: "Reform UK: time for real change. Vote on 2 May."},
		provisions: l("PECR-22", "PECR-23"), guidance: l("G1", "G4"), priority: "medium", score: 35},
	{name: "r2_email_sender_hidden", c: Complaint{Channel: "email", ReceivedAt: quiet, Consent: "unsure", SenderIdentified: No, OptOutOffered: Yes,
		Description: "An email urging me to vote against the bypass, from an address with no name on it."},
		provisions: l("PECR-22", "PECR-23"), guidance: l("G1", "G4"), priority: "medium", score: 35},
	{name: "r2_anonymous_cue_when_field_unknown", c: Complaint{Channel: "sms", ReceivedAt: quiet, Consent: "no", OptOutOffered: Yes,
		Message:     "Stop the bypass - vote on Thursday",
		Description: "The text didn't say who it was from."},
		provisions: l("PECR-22", "PECR-23"), guidance: l("G1", "G4"), priority: "medium", score: 35, rationale: "sender_identified = false, read from the description"},
	{name: "r2_consent_yes_no_opt_out_only_minor_base", c: Complaint{Channel: "sms", Party: "SDLP", ReceivedAt: quiet, Consent: "yes", SenderIdentified: Yes, OptOutOffered: No},
		provisions: l("PECR-23"), guidance: l("G1"), priority: "low", score: 20},
	{name: "r2_no_opt_out_cue", c: Complaint{Channel: "sms", Party: "UUP", ReceivedAt: quiet, Consent: "yes", SenderIdentified: Yes,
		Description: "I did sign up once, but there was no way to opt out of these texts."},
		provisions: l("PECR-23"), guidance: l("G1"), priority: "low", score: 20},
	{name: "r2_field_true_beats_cue", c: Complaint{Channel: "sms", Party: "UUP", ReceivedAt: quiet, Consent: "yes", SenderIdentified: Yes, OptOutOffered: Yes,
		Description: "I thought there was no way to opt out, then I found the link."},
		provisions: none(), guidance: none(), priority: "low", score: 10},

	// R3: automated calls.
	{name: "r3_robocall_stated_edge_55", c: Complaint{Channel: "automated_call", Party: "Reform UK", ReceivedAt: quiet, Consent: "no", SenderIdentified: Yes,
		Message: "This is a recorded message from Reform UK about the future of your town."},
		provisions: l("PECR-19"), guidance: l("G1", "G4"), priority: "high", score: 55},
	{name: "r3_press_1_inferred", c: Complaint{Channel: "other", Party: "Conservatives", ReceivedAt: quiet, Consent: "unsure",
		Description: "My phone rang and a voice said press 1 to hear from your local Conservative candidate."},
		provisions: l("PECR-19"), guidance: l("G1", "G4"), priority: "high", score: 55, channels: l("automated_call")},
	{name: "r3_inflection_robocalled", c: Complaint{Channel: "", Party: "SNP", ReceivedAt: quiet, Consent: "no",
		Description: "I've been robocalled three times this week by the SNP."},
		provisions: l("PECR-19"), guidance: l("G1", "G4"), priority: "high", channels: l("automated_call"), party: "Scottish National Party"},
	{name: "r3_consent_yes_nothing", c: Complaint{Channel: "automated_call", Party: "DUP", ReceivedAt: quiet, Consent: "yes", SenderIdentified: Yes},
		provisions: none(), guidance: none(), priority: "low", score: 10},
	{name: "r3_after_stop_edge_70", c: Complaint{Channel: "automated_call", Party: "UKIP", ReceivedAt: quiet, Consent: "no", OptedOut: Yes, SenderIdentified: Yes},
		provisions: l("PECR-19", "UKGDPR-21"), guidance: l("G1", "G4"), priority: "high", score: 70},
	{name: "r3_after_stop_in_election_edge_80", c: Complaint{Channel: "automated_call", Party: "UKIP", ReceivedAt: day("2024-06-20"), Consent: "no", OptedOut: Yes, SenderIdentified: Yes},
		provisions: l("PECR-19", "UKGDPR-21"), guidance: l("G1", "G4"), priority: "urgent", score: 80},
	{name: "r3_pre_recorded_hyphen", c: Complaint{Channel: "other", Party: "Labour", ReceivedAt: quiet, Consent: "no",
		Description: "It was a pre-recorded message from Labour at 8pm."},
		provisions: l("PECR-19"), guidance: l("G1", "G4"), priority: "high", channels: l("automated_call")},
	{name: "r3_computer_voice", c: Complaint{Channel: "other", Party: "Plaid", ReceivedAt: quiet, Consent: "unsure",
		Description: "A computerised voice asked me who I would vote for."},
		provisions: l("PECR-19"), guidance: l("G1", "G4"), priority: "high", channels: l("automated_call")},
	{name: "r3_no_one_on_the_line", c: Complaint{Channel: "other", Party: "Alliance", ReceivedAt: quiet,
		Description: "The phone rang and no one was on the line, just a message about the Alliance Party"},
		provisions: l("PECR-19"), guidance: l("G1", "G4"), priority: "high", channels: l("automated_call"), party: "Alliance Party of Northern Ireland"},
	{name: "r3_added_to_stated_live_call", c: Complaint{Channel: "live_call", Party: "TUV", ReceivedAt: quiet, Consent: "no", TPSRegistered: No,
		Description: "When I answered it turned out to be a recorded message."},
		provisions: l("PECR-19"), guidance: l("G1", "G4"), priority: "high", score: 55, channels: l("automated_call"), rationale: "shows automated_call instead"},
	{name: "r3_r1_two_strong_channels", c: Complaint{Channel: "other", Party: "Reform UK", ReceivedAt: quiet, Consent: "no",
		Description: "First I got a text message, then a robot call the next day."},
		provisions: l("PECR-19", "PECR-22"), guidance: l("G1", "G4"), priority: "high", score: 55, channels: l("sms", "automated_call")},

	// Negation.
	{name: "neg_wasnt_a_recording_is_live", c: Complaint{Channel: "other", Party: "Lib Dems", ReceivedAt: quiet,
		Description: "A volunteer phoned me. It wasn't a recording, it was a real person."},
		provisions: none(), guidance: none(), priority: "low", score: 10, channels: l("live_call"), rationale: "is negated"},
	{name: "neg_not_a_robot_tps_cue", c: Complaint{Channel: "other", Party: "Lib Dems", ReceivedAt: quiet, Consent: "no",
		Description: "Someone called me from the Lib Dems - not a robot, an actual volunteer. My number is registered with the TPS."},
		provisions: l("PECR-21"), guidance: l("G1", "G4"), priority: "medium", score: 40, channels: l("live_call"), party: "Liberal Democrats"},
	{name: "neg_not_on_tps", c: Complaint{Channel: "live_call", Party: "Reform", ReceivedAt: quiet, Consent: "no",
		Description: "I'm not on the TPS but they rang me four times."},
		provisions: none(), guidance: none(), priority: "low", score: 10},
	{name: "neg_didnt_get_a_text_it_was_a_call", c: Complaint{Channel: "other", Party: "Conservatives", ReceivedAt: quiet, Consent: "no",
		Description: "I didn't get a text, they phoned me at home and the caller would not say who he was from."},
		provisions: l("PECR-24"), guidance: l("G1"), priority: "low", score: 20, channels: l("live_call")},
	{name: "neg_withheld_negated", c: Complaint{Channel: "live_call", Party: "Labour", ReceivedAt: quiet, Consent: "yes", TPSRegistered: No, Sender: "01632 960001",
		Description: "The number wasn't withheld, it showed as 01632 960001."},
		provisions: none(), guidance: none(), priority: "low", score: 10},
	{name: "neg_never_agreed_to_be_called_still_a_call", c: Complaint{Channel: "other", Party: "Labour", ReceivedAt: quiet, Consent: "no", TPSRegistered: Yes,
		Description: "I never agreed to be called by anyone."},
		provisions: l("PECR-21"), guidance: l("G1", "G4"), priority: "medium", channels: l("live_call")},
	{name: "neg_clause_boundary_stops_negation", c: Complaint{Channel: "other", Party: "Labour", ReceivedAt: quiet, Consent: "no",
		Description: "No, it was a recorded message."},
		provisions: l("PECR-19"), guidance: l("G1", "G4"), priority: "high", channels: l("automated_call")},

	// R4: live call to a TPS number.
	{name: "r4_live_tps_field", c: Complaint{Channel: "live_call", Party: "Labour", ReceivedAt: quiet, Consent: "no", TPSRegistered: Yes, SenderIdentified: Yes},
		provisions: l("PECR-21"), guidance: l("G1", "G4"), priority: "medium", score: 40},
	{name: "r4_tps_but_consent_yes", c: Complaint{Channel: "live_call", Party: "Labour", ReceivedAt: quiet, Consent: "yes", TPSRegistered: Yes, SenderIdentified: Yes},
		provisions: none(), guidance: none(), priority: "low", score: 10},
	{name: "r4_canvasser_on_the_phone", c: Complaint{Channel: "other", Party: "Plaid Cymru", ReceivedAt: quiet, Consent: "unsure", TPSRegistered: Yes,
		Description: "A canvasser on the phone from Plaid Cymru kept me talking for ten minutes."},
		provisions: l("PECR-21"), guidance: l("G1", "G4"), priority: "medium", score: 40, channels: l("live_call")},
	{name: "r4_cold_called_inflection", c: Complaint{Channel: "other", Party: "Reform UK", ReceivedAt: quiet, Consent: "no", TPSRegistered: Yes,
		Description: "I was cold called by Reform UK on Sunday morning."},
		provisions: l("PECR-21"), guidance: l("G1", "G4"), priority: "medium", score: 40, channels: l("live_call")},
	{name: "r4_calling_inflection", c: Complaint{Channel: "other", Party: "Reform UK", ReceivedAt: quiet, Consent: "no", TPSRegistered: Yes,
		Description: "They keep calling my landline."},
		provisions: l("PECR-21"), guidance: l("G1", "G4"), priority: "medium", score: 40, channels: l("live_call")},

	// R5: live call after stop.
	{name: "r5_after_stop_field_edge_55", c: Complaint{Channel: "live_call", Party: "Conservatives", ReceivedAt: quiet, Consent: "yes", TPSRegistered: No, OptedOut: Yes},
		provisions: l("PECR-21", "UKGDPR-21"), guidance: l("G1"), priority: "high", score: 55},
	{name: "r5_told_them_not_to_cue", c: Complaint{Channel: "live_call", Party: "Conservatives", ReceivedAt: quiet, TPSRegistered: No,
		Description: "I told them not to ring me again last month and they rang again yesterday."},
		provisions: l("PECR-21", "UKGDPR-21"), guidance: l("G1"), priority: "high", score: 55, rationale: "opted_out = true, read from the description"},
	{name: "r4_r5_r7_in_election", c: Complaint{Channel: "live_call", Party: "Tories", ReceivedAt: day("2024-06-01"), Consent: "no", TPSRegistered: Yes, OptedOut: Yes},
		provisions: l("PECR-21", "UKGDPR-21"), guidance: l("G1", "G4"), priority: "high", score: 65, party: "Conservative and Unionist Party"},

	// R6: caller not identified.
	{name: "r6_withheld_sender", c: Complaint{Channel: "live_call", Party: "Labour", ReceivedAt: quiet, Consent: "unsure", TPSRegistered: No, Sender: "Withheld"},
		provisions: l("PECR-24"), guidance: l("G1"), priority: "low", score: 20, rationale: "withheld"},
	{name: "r6_unidentified_field", c: Complaint{Channel: "live_call", Party: "Labour", ReceivedAt: quiet, Consent: "unsure", TPSRegistered: No, SenderIdentified: No},
		provisions: l("PECR-24"), guidance: l("G1"), priority: "low", score: 20},
	{name: "r6_automated_withheld_cue", c: Complaint{Channel: "automated_call", Party: "Green", ReceivedAt: quiet, Consent: "no",
		Description: "The number was withheld and it was a recorded message."},
		provisions: l("PECR-19", "PECR-24"), guidance: l("G1", "G4"), priority: "high", score: 60},
	{name: "r6_tps_and_unidentified", c: Complaint{Channel: "live_call", Party: "Green", ReceivedAt: quiet, Consent: "no", TPSRegistered: Yes, SenderIdentified: No},
		provisions: l("PECR-21", "PECR-24"), guidance: l("G1", "G4"), priority: "medium", score: 45},

	// R7: the right to object.
	{name: "r7_email_after_unsubscribe", c: Complaint{Channel: "email", Party: "Labour", ReceivedAt: quiet, Consent: "no", OptedOut: Yes, SenderIdentified: Yes, OptOutOffered: Yes},
		provisions: l("PECR-22", "UKGDPR-21"), guidance: l("G1", "G4"), priority: "medium", score: 45},
	{name: "r7_replied_stop_cue", c: Complaint{Channel: "sms", Party: "Labour", ReceivedAt: quiet, Consent: "unsure", SenderIdentified: Yes, OptOutOffered: Yes,
		Message:     "Labour: polls open 7am-10pm. Reply STOP to opt out",
		Description: "I replied STOP twice and the texts keep coming."},
		provisions: l("PECR-22", "UKGDPR-21"), guidance: l("G1", "G4"), priority: "medium", score: 45},
	{name: "r7_reply_stop_in_message_is_not_an_objection", c: Complaint{Channel: "sms", Party: "Labour", ReceivedAt: quiet, Consent: "no", SenderIdentified: Yes, OptOutOffered: Yes,
		Message: "Labour: polls open 7am-10pm. Reply STOP to opt out"},
		provisions: l("PECR-22"), guidance: l("G1", "G4"), priority: "low", score: 30},
	{name: "r7_social_ad_after_objection", c: Complaint{Channel: "social_media_ad", Party: "Conservatives", ReceivedAt: quiet, OptedOut: Yes,
		Description: "I objected to their targeting months ago and their sponsored posts still appear."},
		provisions: l("UKGDPR-5-1-a", "UKGDPR-14", "UKGDPR-21"), guidance: l("G1", "G2"), priority: "medium", score: 40},
	{name: "r7_not_for_breach_only", c: Complaint{Channel: "bcc_breach", Party: "Labour", ReceivedAt: quiet, Consent: "yes", OptedOut: Yes, RecipientsVisible: Int(5)},
		provisions: l("UKGDPR-5-1-f", "UKGDPR-9", "UKGDPR-32", "UKGDPR-33"), guidance: l("G5", "BCC"), priority: "high", score: 70},

	// R8–R10: exposed recipients.
	{name: "r8_r9_bcc_small_list", c: Complaint{Channel: "bcc_breach", Party: "Green Party", ReceivedAt: quiet, RecipientsVisible: Int(8)},
		provisions: l("UKGDPR-5-1-f", "UKGDPR-9", "UKGDPR-32", "UKGDPR-33"), guidance: l("G5", "BCC"), priority: "high", score: 55},
	{name: "r8_bcc_10_recipients", c: Complaint{Channel: "bcc_breach", Party: "Green Party", ReceivedAt: quiet, RecipientsVisible: Int(40)},
		provisions: l("UKGDPR-5-1-f", "UKGDPR-9", "UKGDPR-32", "UKGDPR-33"), guidance: l("G5", "BCC"), priority: "high", score: 65},
	{name: "r10_bcc_100_recipients_edge_75", c: Complaint{Channel: "bcc_breach", Party: "Green Party", ReceivedAt: quiet, RecipientsVisible: Int(150)},
		provisions: l("UKGDPR-5-1-f", "UKGDPR-9", "UKGDPR-32", "UKGDPR-33", "UKGDPR-34"), guidance: l("G5", "BCC"), priority: "urgent", score: 75},
	{name: "r10_bcc_99_recipients_edge_65", c: Complaint{Channel: "bcc_breach", Party: "Green Party", ReceivedAt: quiet, RecipientsVisible: Int(99)},
		provisions: l("UKGDPR-5-1-f", "UKGDPR-9", "UKGDPR-32", "UKGDPR-33"), guidance: l("G5", "BCC"), priority: "high", score: 65},
	{name: "r10_bcc_1000_recipients", c: Complaint{Channel: "bcc_breach", Party: "Green Party", ReceivedAt: quiet, RecipientsVisible: Int(1200)},
		provisions: l("UKGDPR-5-1-f", "UKGDPR-9", "UKGDPR-32", "UKGDPR-33", "UKGDPR-34"), guidance: l("G5", "BCC"), priority: "urgent", score: 85},
	{name: "r10_bcc_special_category", c: Complaint{Channel: "bcc_breach", Party: "Labour", ReceivedAt: quiet, RecipientsVisible: Int(20), SpecialCategory: Yes},
		provisions: l("UKGDPR-5-1-f", "UKGDPR-9", "UKGDPR-32", "UKGDPR-33", "UKGDPR-34"), guidance: l("G5", "BCC"), priority: "high", score: 65},
	{name: "r8_added_to_stated_email_cc_field", c: Complaint{Channel: "email", Party: "Lib Dems", ReceivedAt: quiet, Consent: "yes", RecipientsVisible: Int(60),
		Description: "Their newsletter went out with everyone's addresses in the CC field, I could see about 60 other people."},
		provisions: l("UKGDPR-5-1-f", "UKGDPR-9", "UKGDPR-32", "UKGDPR-33"), guidance: l("G5", "BCC"), priority: "high", score: 65, channels: l("email", "bcc_breach")},
	{name: "r8_did_not_use_bcc_inferred", c: Complaint{Channel: "other", Party: "SNP", ReceivedAt: quiet,
		Description: "They sent the email to all of us and did not use BCC, so the whole branch list was exposed."},
		provisions: l("UKGDPR-5-1-f", "UKGDPR-9", "UKGDPR-32", "UKGDPR-33"), guidance: l("G5", "BCC"), priority: "high", score: 55, channels: l("bcc_breach")},
	{name: "r10_reply_all_hundreds", c: Complaint{Channel: "other", Party: "Reform UK", ReceivedAt: quiet,
		Description: "Someone hit reply all and we could all see hundreds of addresses."},
		provisions: l("UKGDPR-5-1-f", "UKGDPR-9", "UKGDPR-32", "UKGDPR-33", "UKGDPR-34"), guidance: l("G5", "BCC"), priority: "urgent", score: 75, channels: l("bcc_breach"),
		rationale: `recipients_visible = 200, read from the description: "hundreds of addresses"`},
	{name: "r8_ccd_inflection", c: Complaint{Channel: "other", Party: "Labour", ReceivedAt: quiet,
		Description: "The candidate CC'd the entire mailing list."},
		provisions: l("UKGDPR-5-1-f", "UKGDPR-9", "UKGDPR-32", "UKGDPR-33"), guidance: l("G5", "BCC"), priority: "high", channels: l("bcc_breach")},
	{name: "r10_special_content_cue", c: Complaint{Channel: "other", Party: "Labour", ReceivedAt: quiet,
		Description: "An email about the hospital campaign was sent with everyone's addresses in the CC line. It was our patient support group list."},
		provisions: l("UKGDPR-5-1-f", "UKGDPR-9", "UKGDPR-32", "UKGDPR-33", "UKGDPR-34"), guidance: l("G5", "BCC"), priority: "high", score: 55},
	{name: "r8_no_political_sender_edge_50", c: Complaint{Channel: "bcc_breach", ReceivedAt: quiet, RecipientsVisible: Int(30),
		Description: "The email showed everyone's email addresses, about 30 of us."},
		provisions: l("UKGDPR-5-1-f", "UKGDPR-32", "UKGDPR-33"), guidance: l("BCC"), priority: "medium", score: 50},
	{name: "r9_political_from_text", c: Complaint{Channel: "bcc_breach", ReceivedAt: quiet,
		Description: "Our local candidate sent a campaign update with all the addresses visible."},
		provisions: l("UKGDPR-5-1-f", "UKGDPR-9", "UKGDPR-32", "UKGDPR-33"), guidance: l("G5", "BCC"), priority: "high", score: 55, rationale: "a political sender"},

	// R11, R12: social media adverts.
	{name: "r11_sponsored_post", c: Complaint{Channel: "social_media_ad", Party: "Conservatives", ReceivedAt: quiet,
		Description: "A sponsored post from the Conservatives kept appearing on Instagram."},
		provisions: l("UKGDPR-5-1-a", "UKGDPR-14"), guidance: l("G2"), priority: "low", score: 25},
	{name: "r11_advert_on_facebook_inferred", c: Complaint{Channel: "other", Party: "Reform UK", ReceivedAt: quiet,
		Description: "I keep seeing an advert on Facebook from Reform UK about my area."},
		provisions: l("UKGDPR-5-1-a", "UKGDPR-14"), guidance: l("G2"), priority: "low", score: 25, channels: l("social_media_ad")},
	{name: "r11_tiktok_weak_cue_inferred", c: Complaint{Channel: "", Party: "Green Party", ReceivedAt: quiet,
		Description: "TikTok keeps showing me Green Party videos paid for by the party."},
		provisions: l("UKGDPR-5-1-a", "UKGDPR-14"), guidance: l("G2"), priority: "low", score: 25, channels: l("social_media_ad")},
	{name: "r12_custom_audience", c: Complaint{Channel: "social_media_ad", Party: "Labour", ReceivedAt: quiet,
		Description: "The ad was shown to me because they uploaded my email address to Facebook as a custom audience."},
		provisions: l("UKGDPR-5-1-a", "UKGDPR-14", "UKGDPR-26"), guidance: l("G2", "G3"), priority: "low", score: 25},
	{name: "r12_matched_my_email", c: Complaint{Channel: "other", Party: "Labour", ReceivedAt: quiet,
		Description: "Labour's promoted post on Instagram appeared after I only gave my email to the local branch; they must have matched my email."},
		provisions: l("UKGDPR-5-1-a", "UKGDPR-14", "UKGDPR-26"), guidance: l("G2", "G3"), priority: "low", channels: l("social_media_ad")},
	{name: "r12_lookalike_in_election_edge_35", c: Complaint{Channel: "social_media_ad", Party: "Lib Dems", ReceivedAt: day("2024-06-15"),
		Description: "They used a lookalike audience built from their supporter list."},
		provisions: l("UKGDPR-5-1-a", "UKGDPR-14", "UKGDPR-26"), guidance: l("G2", "G3"), priority: "medium", score: 35},

	// R13: sensitive traits.
	{name: "r13_ethnicity_guessed_from_surname", c: Complaint{Channel: "sms", Party: "Conservatives", ReceivedAt: quiet, Consent: "no", SenderIdentified: Yes, OptOutOffered: Yes,
		Description: "They sent me a text in Urdu because they guessed from my surname that I'm Pakistani."},
		provisions: l("PECR-22", "UKGDPR-9", "UKGDPR-35"), guidance: l("G1", "G4", "G5"), priority: "medium", score: 45},
	{name: "r13_special_category_field_outside_bcc", c: Complaint{Channel: "email", Party: "Labour", ReceivedAt: quiet, Consent: "yes", SenderIdentified: Yes, OptOutOffered: Yes, SpecialCategory: Yes,
		Description: "The email referred to my diabetes."},
		provisions: l("UKGDPR-9", "UKGDPR-35"), guidance: l("G5"), priority: "low", score: 25},
	{name: "r13_religion_targeted_ad", c: Complaint{Channel: "social_media_ad", Party: "Reform UK", ReceivedAt: quiet,
		Description: "An ad aimed at Muslims showed up in my feed; they must think I'm Muslim because of my name."},
		provisions: l("UKGDPR-5-1-a", "UKGDPR-9", "UKGDPR-14", "UKGDPR-35"), guidance: l("G2", "G5"), priority: "medium", score: 40},
	{name: "r13_trait_without_reliance_does_not_fire", c: Complaint{Channel: "email", Party: "Labour", ReceivedAt: quiet, Consent: "yes", SenderIdentified: Yes, OptOutOffered: Yes,
		Description: "Nothing in it was about my health or religion, I just want fewer emails."},
		provisions: none(), guidance: none(), priority: "low", score: 10},
	{name: "r13_assumed_gay", c: Complaint{Channel: "live_call", Party: "Labour", ReceivedAt: quiet, Consent: "yes", TPSRegistered: No, SenderIdentified: Yes,
		Description: "The caller said they were contacting LGBT voters and assumed I'm gay."},
		provisions: l("UKGDPR-9", "UKGDPR-35"), guidance: l("G5"), priority: "low", score: 25},
	{name: "r13_not_because_negated", c: Complaint{Channel: "email", Party: "Labour", ReceivedAt: quiet, Consent: "yes", SenderIdentified: Yes, OptOutOffered: Yes,
		Description: "I'm Catholic, but it's not because of that I think; they target everyone."},
		provisions: l("UKGDPR-9", "UKGDPR-35"), guidance: l("G5"), priority: "low", score: 25},

	// R14: tracking.
	{name: "r14_pixel_with_ad", c: Complaint{Channel: "social_media_ad", Party: "Conservatives", ReceivedAt: quiet,
		Description: "After I visited their website their ads followed me around Facebook, I think it's a tracking pixel."},
		provisions: l("PECR-6", "UKGDPR-5-1-a", "UKGDPR-14"), guidance: l("G2"), priority: "low", score: 25},
	{name: "r14_cookies_only_minor_base", c: Complaint{Channel: "other", Party: "Labour", ReceivedAt: quiet,
		Description: "Their site dropped cookies without asking."},
		provisions: l("PECR-6"), guidance: l("G2"), priority: "low", score: 20, channels: none()},
	{name: "r14_negation_does_not_cancel_tracking", c: Complaint{Channel: "other", Party: "Labour", ReceivedAt: quiet,
		Description: "I didn't accept any cookies but the party's pixel still tracked me."},
		provisions: l("PECR-6"), guidance: l("G2"), priority: "low", score: 20},

	// R15: data source.
	{name: "r15_never_gave_them_my_number", c: Complaint{Channel: "sms", Party: "Labour", ReceivedAt: quiet, Consent: "no", SenderIdentified: Yes, OptOutOffered: Yes,
		Description: "I never gave them my number, how did they get it?"},
		provisions: l("PECR-22", "UKGDPR-14"), guidance: l("G1", "G2", "G3", "G4"), priority: "low", score: 30},
	{name: "r15_data_broker_live_call", c: Complaint{Channel: "live_call", Party: "Reform UK", ReceivedAt: quiet, TPSRegistered: No, SenderIdentified: Yes,
		Description: "The caller admitted they bought my details from a data broker."},
		provisions: l("UKGDPR-14"), guidance: l("G2", "G3"), priority: "low", score: 20},
	{name: "r15_dont_know_how_not_negated", c: Complaint{Channel: "email", Party: "SNP", ReceivedAt: quiet, Consent: "no", SenderIdentified: Yes, OptOutOffered: Yes,
		Description: "I don't know how they got my email address."},
		provisions: l("PECR-22", "UKGDPR-14"), guidance: l("G1", "G2", "G3", "G4"), priority: "low", score: 30},
	{name: "r15_third_party_everything_urgent", c: Complaint{Channel: "sms", Party: "Reform UK", ReceivedAt: day("2024-06-10"), Consent: "no", OptedOut: Yes, SenderIdentified: Yes, OptOutOffered: No,
		Sender:      "07700 900222",
		Description: "They must have got my number from a third party."},
		provisions: l("PECR-22", "PECR-23", "UKGDPR-14", "UKGDPR-21"), guidance: l("G1", "G2", "G3", "G4"), priority: "urgent", score: 80, sender: "+447700900222"},

	// R16: surveys that campaign.
	{name: "r16_survey_live_call", c: Complaint{Channel: "live_call", Party: "Labour", ReceivedAt: quiet, TPSRegistered: No, SenderIdentified: Yes,
		Description: "They said it was a quick survey but then asked if I'd vote Labour."},
		provisions: none(), guidance: l("G1"), priority: "low", score: 10, rationale: "a survey that campaigns is direct marketing"},
	{name: "r16_poll_robocall", c: Complaint{Channel: "automated_call", Party: "Scottish Greens", ReceivedAt: quiet, Consent: "no", SenderIdentified: Yes,
		Message: "This is a short poll from the Scottish Greens. Press 1 if you support more cycle lanes."},
		provisions: l("PECR-19"), guidance: l("G1", "G4"), priority: "high", score: 55, party: "Scottish Green Party"},
	{name: "r16_not_for_social_ads", c: Complaint{Channel: "social_media_ad", Party: "Labour", ReceivedAt: quiet,
		Description: "An advert asked me to take their survey."},
		provisions: l("UKGDPR-5-1-a", "UKGDPR-14"), guidance: l("G2"), priority: "low", score: 25},
	{name: "r16_research_text", c: Complaint{Channel: "sms", Party: "Lib Dems", ReceivedAt: quiet, Consent: "no", SenderIdentified: Yes, OptOutOffered: Yes,
		Message: "Quick research question from your Lib Dem team: who will you vote for?"},
		provisions: l("PECR-22"), guidance: l("G1", "G4"), priority: "low", score: 30, rationale: "R16"},

	// Score adders and bands.
	{name: "election_announcement_day_inclusive", c: Complaint{Channel: "sms", Party: "Labour", ReceivedAt: day("2024-05-22"), Consent: "no", SenderIdentified: Yes, OptOutOffered: Yes},
		provisions: l("PECR-22"), guidance: l("G1", "G4"), priority: "medium", score: 40, rationale: "UK Parliamentary general election 2024"},
	{name: "election_polling_day_inclusive_rfc3339", c: Complaint{Channel: "sms", Party: "Labour", ReceivedAt: day("2024-07-04T21:30:00+01:00"), Consent: "no", SenderIdentified: Yes, OptOutOffered: Yes},
		provisions: l("PECR-22"), guidance: l("G1", "G4"), priority: "medium", score: 40},
	{name: "election_day_after_polling_edge_30", c: Complaint{Channel: "sms", Party: "Labour", ReceivedAt: day("2024-07-05"), Consent: "no", SenderIdentified: Yes, OptOutOffered: Yes},
		provisions: l("PECR-22"), guidance: l("G1", "G4"), priority: "low", score: 30},
	{name: "election_utc_late_evening_is_next_uk_day", c: Complaint{Channel: "sms", Party: "Labour", ReceivedAt: day("2024-05-21T23:30:00Z"), Consent: "no", SenderIdentified: Yes, OptOutOffered: Yes},
		provisions: l("PECR-22"), guidance: l("G1", "G4"), priority: "medium", score: 40},
	{name: "same_sender_10_uk_number", c: Complaint{Channel: "sms", Party: "Labour", ReceivedAt: quiet, Consent: "no", SenderIdentified: Yes, OptOutOffered: Yes, Sender: "07700 900111"},
		provisions: l("PECR-22"), guidance: l("G1", "G4"), priority: "medium", score: 40, sender: "+447700900111"},
	{name: "same_sender_100_with_trunk_zero_edge_50", c: Complaint{Channel: "sms", Party: "Labour", ReceivedAt: quiet, Consent: "no", SenderIdentified: Yes, OptOutOffered: Yes, Sender: "+44 (0)7700 900222"},
		provisions: l("PECR-22"), guidance: l("G1", "G4"), priority: "medium", score: 50, sender: "+447700900222"},
	{name: "same_sender_0044_prefix", c: Complaint{Channel: "sms", Party: "Labour", ReceivedAt: quiet, Consent: "no", SenderIdentified: Yes, OptOutOffered: Yes, Sender: "0044 7700 900111"},
		provisions: l("PECR-22"), guidance: l("G1", "G4"), priority: "medium", score: 40, sender: "+447700900111"},
	{name: "same_sender_9_email_no_adder", c: Complaint{Channel: "email", Party: "Labour", ReceivedAt: quiet, Consent: "no", SenderIdentified: Yes, OptOutOffered: Yes, Sender: "  News@Labour.Example.org "},
		provisions: l("PECR-22"), guidance: l("G1", "G4"), priority: "low", score: 30, sender: "news@labour.example.org"},
	{name: "same_sender_advertiser_folded", c: Complaint{Channel: "social_media_ad", Party: "Reform UK", ReceivedAt: quiet, Sender: "Vote-For-Change  UK!"},
		provisions: l("UKGDPR-5-1-a", "UKGDPR-14"), guidance: l("G2"), priority: "medium", score: 35, sender: "vote for change uk"},
	{name: "same_sender_advertiser_diacritics", c: Complaint{Channel: "social_media_ad", Party: "Green", ReceivedAt: quiet, Sender: "Café Politique"},
		provisions: l("UKGDPR-5-1-a", "UKGDPR-14"), guidance: l("G2"), priority: "medium", score: 45, sender: "cafe politique"},
	{name: "same_sender_display_name_email_edge_50", c: Complaint{Channel: "email", Party: "Greens", ReceivedAt: quiet, Consent: "no", SenderIdentified: Yes, OptOutOffered: Yes, Sender: "Green Alerts <ALERTS@greens.example.org>"},
		provisions: l("PECR-22"), guidance: l("G1", "G4"), priority: "medium", score: 50, sender: "alerts@greens.example.org"},
	{name: "same_sender_london_landline", c: Complaint{Channel: "live_call", Party: "Labour", ReceivedAt: quiet, Consent: "yes", SenderIdentified: Yes, TPSRegistered: No, Sender: "(020) 7946 0000"},
		provisions: none(), guidance: none(), priority: "low", score: 10, sender: "+442079460000"},
	{name: "same_sender_short_code", c: Complaint{Channel: "sms", Party: "Labour", ReceivedAt: quiet, Consent: "yes", SenderIdentified: Yes, OptOutOffered: Yes, Sender: "60777"},
		provisions: none(), guidance: none(), priority: "low", score: 10, sender: "60777"},
	{name: "cap_at_100", c: Complaint{Channel: "bcc_breach", Party: "Labour Party", ReceivedAt: day("2024-06-28"), OptedOut: Yes, SpecialCategory: Yes,
		RecipientsVisible: Int(5000), Sender: "alerts@greens.example.org"},
		provisions: l("UKGDPR-5-1-f", "UKGDPR-9", "UKGDPR-32", "UKGDPR-33", "UKGDPR-34"), guidance: l("G5", "BCC"), priority: "urgent", score: 100, rationale: "capped at 100"},
	{name: "other_no_cues_nothing", c: Complaint{Channel: "other", Party: "Labour", ReceivedAt: quiet,
		Description: "They put a leaflet through my door with my name on it."},
		provisions: none(), guidance: none(), priority: "low", score: 10, channels: none()},

	// Party names, short names and aliases.
	{name: "party_the_tories", c: Complaint{Channel: "sms", Party: "the Tories", ReceivedAt: quiet, Consent: "yes"},
		provisions: none(), guidance: none(), priority: "low", party: "Conservative and Unionist Party"},
	{name: "party_sinn_fein_without_accent", c: Complaint{Channel: "sms", Party: "SINN FEIN", ReceivedAt: quiet, Consent: "yes"},
		provisions: none(), guidance: none(), priority: "low", party: "Sinn Féin"},
	{name: "party_plaid_alias", c: Complaint{Channel: "sms", Party: "plaid", ReceivedAt: quiet, Consent: "yes"},
		provisions: none(), guidance: none(), priority: "low", party: "Plaid Cymru – The Party of Wales"},
	{name: "party_name_inside_longer_text", c: Complaint{Channel: "sms", Party: "Labour candidate for Leeds North", ReceivedAt: quiet, Consent: "yes"},
		provisions: none(), guidance: none(), priority: "low", party: "Labour Party"},
	{name: "party_libdem_singular", c: Complaint{Channel: "sms", Party: "libdem", ReceivedAt: quiet, Consent: "yes"},
		provisions: none(), guidance: none(), priority: "low", party: "Liberal Democrats"},
	{name: "party_punctuated_snp", c: Complaint{Channel: "sms", Party: "S.N.P.", ReceivedAt: quiet, Consent: "yes"},
		provisions: none(), guidance: none(), priority: "low", party: "Scottish National Party"},

	// Look-alike wordings from the public-words set (testdata/public_words.jsonl):
	// the complainant's own acts and other senses of a cue word are not
	// channel evidence (the rulebook's "except" phrases).
	{name: "except_call_in_message_is_not_a_call", c: Complaint{Channel: "other", Party: "reform", ReceivedAt: quiet, Consent: "no", SenderIdentified: No, OptOutOffered: No,
		Message:     "Vote Reform! Call 0800 123 4567 to volunteer or donate.",
		Description: "Text out of the blue. No name of who sent it and no opt out."},
		provisions: l("PECR-22", "PECR-23"), guidance: l("G1", "G4"), priority: "medium", score: 35, channels: l("sms")},
	{name: "except_group_called_is_a_name_not_a_call", c: Complaint{Channel: "other", ReceivedAt: quiet, Consent: "no", SenderIdentified: No,
		Description: "An email from some outfit called Britain Forward. Doesn't say who is actually behind it."},
		provisions: l("PECR-22", "PECR-23"), guidance: l("G1", "G4"), priority: "medium", score: 35, channels: l("email")},
	{name: "except_i_recorded_the_call_is_a_live_call", c: Complaint{Channel: "other", Party: "Greens", ReceivedAt: quiet, TPSRegistered: Yes,
		Description: "I recorded the call on my phone so I have proof. The Green lady rang me even though I'm on the TPS."},
		provisions: l("PECR-21"), guidance: l("G1", "G4"), priority: "medium", score: 40, channels: l("live_call")},
	{name: "except_automated_text_is_sms", c: Complaint{Channel: "other", Party: "the greens", ReceivedAt: quiet, Consent: "no",
		Description: "Obviously an automated text sent to thousands of people."},
		provisions: l("PECR-22"), guidance: l("G1", "G4"), priority: "low", score: 30, channels: l("sms")},
	{name: "except_ccd_my_mp_is_not_exposure", c: Complaint{Channel: "email", Party: "Greens", ReceivedAt: quiet, Consent: "no",
		Description: "Unsolicited email from the Greens. I have cc'd my MP on this complaint as well."},
		provisions: l("PECR-22"), guidance: l("G1", "G4"), priority: "low", score: 30, channels: l("email")},
	{name: "except_i_rang_their_office_with_weak_text_cue", c: Complaint{Channel: "other", Party: "the greens", ReceivedAt: quiet, Consent: "no", OptedOut: Yes,
		Description: "Got a message on my phone from the Greens. I rang their office weeks ago asking to be removed."},
		provisions: l("PECR-22", "UKGDPR-21"), guidance: l("G1", "G4"), priority: "medium", score: 45, channels: l("sms")},
	{name: "except_they_had_my_email_is_not_an_email", c: Complaint{Channel: "other", Party: "SNP", ReceivedAt: quiet,
		Description: "Facebook advert from the SNP addressed to me by name. They had my email from a petition years ago."},
		provisions: l("UKGDPR-5-1-a", "UKGDPR-14", "UKGDPR-26"), guidance: l("G2", "G3"), priority: "low", score: 25, channels: l("social_media_ad")},
	{name: "data_source_needs_an_object_permission_is_consent", c: Complaint{Channel: "other", Party: "SNP", ReceivedAt: quiet, Consent: "no",
		Description: "Random WhatsApp from the SNP. Never given them my permission to message me."},
		provisions: l("PECR-22"), guidance: l("G1", "G4"), priority: "low", score: 30},
	{name: "data_source_with_words_between", c: Complaint{Channel: "other", Party: "the greens", ReceivedAt: quiet, Consent: "no",
		Description: "Yet another text from the greens!!! how do they even have my number"},
		provisions: l("PECR-22", "UKGDPR-14"), guidance: l("G1", "G2", "G3", "G4"), priority: "low", score: 30, channels: l("sms")},
	{name: "text_then_rang_me_gives_both_channels", c: Complaint{Channel: "other", Party: "lib dems", ReceivedAt: quiet, Consent: "no",
		Description: "They sent me a text, then rang me an hour later when I didn't reply. I'm TPS registered."},
		provisions: l("PECR-21", "PECR-22"), guidance: l("G1", "G4"), priority: "medium", score: 40, channels: l("sms", "live_call")},
	{name: "facebook_ad_linked_from_a_text_gives_both_channels", c: Complaint{Channel: "other", Party: "the Tories", ReceivedAt: quiet, Consent: "no",
		Description: "Got a text with a link to their Facebook ad. Didn't ask for either."},
		provisions: l("PECR-22", "UKGDPR-5-1-a", "UKGDPR-14"), guidance: l("G1", "G2", "G4"), priority: "low", score: 30, channels: l("sms", "social_media_ad")},
	{name: "no_caller_id_is_a_call_and_unidentified", c: Complaint{Channel: "other", Party: "Labour", ReceivedAt: quiet, TPSRegistered: No,
		Description: "No caller ID. When I picked up it was a Labour canvasser asking about my voting intentions."},
		provisions: l("PECR-24"), guidance: l("G1"), priority: "low", score: 20, channels: l("live_call")},

	// Policy 2: several channels, the complainant's own acts, forgiving
	// cues, facts read from text, data breaches, R17–R21.
	{name: "p2_text_then_a_bloke_rang_both_channels_primary_live", c: Complaint{Channel: "other", Party: "Lib Dems", ReceivedAt: quiet, Consent: "no",
		Description: "They texted me on Monday, then a bloke rang on Thursday. I'm on the TPS."},
		provisions: l("PECR-21", "PECR-22"), guidance: l("G1", "G4"), priority: "medium", score: 40, channels: l("sms", "live_call"), rationale: "Primary channel live_call"},
	{name: "p2_i_texted_stop_is_an_objection_not_a_text", c: Complaint{Channel: "other", Party: "Tories", ReceivedAt: quiet,
		Description: "I texted STOP and since then they've rung me twice."},
		provisions: l("PECR-21", "UKGDPR-21"), guidance: l("G1"), priority: "high", score: 55, channels: l("live_call"),
		rationale: `opted_out = true, read from the description: "texted STOP"`},
	{name: "p2_i_emailed_them_to_unsubscribe", c: Complaint{Channel: "other", Party: "Lib Dems", ReceivedAt: quiet,
		Description: "The Lib Dems keep texting me. I emailed them to unsubscribe in April."},
		provisions: l("PECR-22", "UKGDPR-21"), guidance: l("G1", "G4"), priority: "medium", score: 45, channels: l("sms")},
	{name: "p2_forwarded_to_7726_is_sms", c: Complaint{Channel: "other", Party: "Reform", ReceivedAt: quiet, Consent: "no",
		Description: "Forwarded it to 7726 straight away."},
		provisions: l("PECR-22"), guidance: l("G1", "G4"), priority: "low", score: 30, channels: l("sms")},
	{name: "p2_dotted_cc_and_count_in_words", c: Complaint{Channel: "other", Party: "DUP", ReceivedAt: quiet,
		Description: "Branch email to helpers - the C.C. had about sixty of us."},
		provisions: l("UKGDPR-5-1-f", "UKGDPR-9", "UKGDPR-32", "UKGDPR-33"), guidance: l("G5", "BCC"), priority: "high", score: 65, channels: l("bcc_breach"),
		rationale: `read from the description: "sixty of us"`},
	{name: "p2_to_colon_and_thousands_separator", c: Complaint{Channel: "other", Party: "Alba", ReceivedAt: quiet,
		Description: "Everyone was in the To: line. Over 2,000 people."},
		provisions: l("UKGDPR-5-1-f", "UKGDPR-9", "UKGDPR-32", "UKGDPR-33", "UKGDPR-34"), guidance: l("G5", "BCC"), priority: "urgent", score: 85, channels: l("bcc_breach")},
	{name: "p2_answer_beats_the_count_in_text", c: Complaint{Channel: "bcc_breach", Party: "Alba", ReceivedAt: quiet, RecipientsVisible: Int(12),
		Description: "Over 2,000 people in the CC line."},
		provisions: l("UKGDPR-5-1-f", "UKGDPR-9", "UKGDPR-32", "UKGDPR-33"), guidance: l("G5", "BCC"), priority: "high", score: 65},
	{name: "p2_whatsapp_group_is_a_data_breach_not_a_text", c: Complaint{Channel: "other", Party: "Reform", ReceivedAt: quiet,
		Description: "They added me to a WhatsApp group, 200 in the group and everyone's numbers on show."},
		provisions: l("UKGDPR-5-1-f", "UKGDPR-9", "UKGDPR-32", "UKGDPR-33", "UKGDPR-34"), guidance: l("G5", "BCC"), priority: "urgent", score: 75, channels: l("data_breach")},
	{name: "p2_data_breach_answers_beat_text", c: Complaint{Channel: "data_breach", ReceivedAt: quiet, BreachWhere: "paper_record", BreachExposed: []string{"voting_intention", "home_address"},
		Description: "A sheet was left in the street."},
		provisions: l("UKGDPR-5-1-f", "UKGDPR-9", "UKGDPR-32", "UKGDPR-33"), guidance: l("G5", "BCC"), priority: "high", score: 55,
		rationale: "breach_exposed includes voting_intention"},
	{name: "p2_data_breach_sensitive_is_art_34", c: Complaint{Channel: "data_breach", ReceivedAt: quiet, BreachExposed: []string{"sensitive"}},
		provisions: l("UKGDPR-5-1-f", "UKGDPR-9", "UKGDPR-32", "UKGDPR-33", "UKGDPR-34"), guidance: l("G5", "BCC"), priority: "high", score: 55},
	{name: "p2_stated_email_carrying_a_spreadsheet_is_a_breach", c: Complaint{Channel: "email", Party: "Greens", ReceivedAt: quiet, Consent: "no",
		Description: "An email with an attachment meant for someone else: a spreadsheet of supporters' numbers."},
		provisions: l("UKGDPR-5-1-f", "UKGDPR-9", "UKGDPR-32", "UKGDPR-33"), guidance: l("G5", "BCC"), priority: "high", score: 55, channels: l("data_breach"),
		rationale: "shows data_breach instead"},
	{name: "p2_member_who_signed_up_has_consented", c: Complaint{Channel: "sms", Party: "Greens", ReceivedAt: quiet, SenderIdentified: Yes, OptOutOffered: Yes,
		Description: "I'm a member and signed up for texts, there are just too many."},
		provisions: none(), guidance: none(), priority: "low", score: 10, rationale: `Consent = yes, read from the description: "I'm a member"`},
	{name: "p2_member_answer_then_stop_engages_reg_22", c: Complaint{Channel: "sms", Party: "Labour", ReceivedAt: quiet, Member: Yes, SenderIdentified: Yes, OptOutOffered: Yes,
		Description: "I replied STOP last month and they're still texting."},
		provisions: l("PECR-22", "UKGDPR-21"), guidance: l("G1", "G4"), priority: "medium", score: 45, rationale: "withdrawn by an objection"},
	{name: "p2_asked_to_stop_before_received", c: Complaint{Channel: "email", Party: "Labour", ReceivedAt: day("2024-03-10"), Consent: "no", AskedToStopOn: day("2024-02-01"), SenderIdentified: Yes, OptOutOffered: Yes},
		provisions: l("PECR-22", "UKGDPR-21"), guidance: l("G1", "G4"), priority: "medium", score: 45, rationale: "asked to stop on 2024-02-01, on or before the day received"},
	{name: "p2_asked_to_stop_after_received_is_no_objection", c: Complaint{Channel: "email", Party: "Labour", ReceivedAt: day("2024-03-10"), Consent: "no", OptedOut: Yes, AskedToStopOn: day("2024-03-20"), SenderIdentified: Yes, OptOutOffered: Yes},
		provisions: l("PECR-22"), guidance: l("G1", "G4"), priority: "low", score: 30},
	{name: "p2_work_address_answer_no_reg_22", c: Complaint{Channel: "email", Party: "Tories", ReceivedAt: quiet, Consent: "no", WorkAddress: Yes, SenderIdentified: Yes, OptOutOffered: No},
		provisions: l("PECR-23"), guidance: l("G1"), priority: "low", score: 20, rationale: "R19"},
	{name: "p2_company_mobile_from_text", c: Complaint{Channel: "sms", Party: "Greens", ReceivedAt: quiet, Consent: "no", SenderIdentified: Yes, OptOutOffered: Yes,
		Description: "This came to my company mobile."},
		provisions: none(), guidance: l("G1"), priority: "low", score: 10},
	{name: "p2_genuine_research_no_pecr", c: Complaint{Channel: "live_call", ReceivedAt: quiet, TPSRegistered: Yes, SenderIdentified: Yes,
		Description: "A polling company rang with a survey about local services. No party mentioned, they asked for my postcode and age."},
		provisions: l("UKGDPR-13"), guidance: l("G2"), priority: "low", score: 20, rationale: "R20"},
	{name: "p2_push_poll_stays_marketing", c: Complaint{Channel: "live_call", ReceivedAt: quiet, TPSRegistered: Yes, SenderIdentified: Yes,
		Description: "A 'poll' from a research company: would I still vote Labour if I knew they had failed the town?"},
		provisions: l("PECR-21"), guidance: l("G1", "G4"), priority: "medium", score: 40},
	{name: "p2_child_adds_ten", c: Complaint{Channel: "sms", Party: "Reform", ReceivedAt: quiet, Consent: "no", SenderIdentified: Yes, OptOutOffered: Yes,
		Description: "My daughter is 15 and got this text."},
		provisions: l("PECR-22"), guidance: l("G1", "G4"), priority: "medium", score: 40, rationale: "R21"},
	{name: "p2_welsh_mutated_text_and_call", c: Complaint{Channel: "other", Party: "Llafur", ReceivedAt: quiet, Consent: "no",
		Description: "Ges i neges destun gan Lafur, wedyn ffoniodd dyn o'r blaid. Dw i ar y Gwasanaeth Dewis Ffôn."},
		provisions: l("PECR-21", "PECR-22"), guidance: l("G1", "G4"), priority: "medium", score: 40, channels: l("sms", "live_call")},
	{name: "p2_welsh_accents_folded", c: Complaint{Channel: "other", Party: "Plaid", ReceivedAt: quiet, Consent: "no", TPSRegistered: Yes,
		Description: "Ffoniwyd fi ar fy ffôn symudol gan wirfoddolwr."},
		provisions: l("PECR-21"), guidance: l("G1", "G4"), priority: "medium", score: 40, channels: l("live_call")},
	{name: "p2_welsh_objection_and_count", c: Complaint{Channel: "other", Party: "Plaid Cymru", ReceivedAt: quiet,
		Description: "Roedd cyfeiriadau pawb yn y maes At – dros 300 ohonom ni."},
		provisions: l("UKGDPR-5-1-f", "UKGDPR-9", "UKGDPR-32", "UKGDPR-33", "UKGDPR-34"), guidance: l("G5", "BCC"), priority: "urgent", score: 75, channels: l("bcc_breach")},
	{name: "p2_ex_directory_is_not_tps", c: Complaint{Channel: "live_call", Party: "Labour", ReceivedAt: quiet, Consent: "no", SenderIdentified: Yes,
		Description: "I'm ex-directory, how did they get my number?"},
		provisions: l("UKGDPR-14"), guidance: l("G2", "G3"), priority: "low", score: 20},
	{name: "p2_referral_actions_point_to_the_body", c: Complaint{Channel: "other", ReceivedAt: quiet,
		Description: "I was turned away at the polling station because I did not have voter ID"},
		provisions: none(), guidance: none(), priority: "low", score: 10, rationale: "referral electoral_registration"},
	{name: "p2_negation_inside_a_gap", c: Complaint{Channel: "other", Party: "Reform", ReceivedAt: quiet, Consent: "no",
		Description: "They didn't call me, they sent an email."},
		provisions: l("PECR-22"), guidance: l("G1", "G4"), priority: "low", score: 30, channels: l("email")},
	{name: "p2_message_saying_reply_stop_is_no_objection", c: Complaint{Channel: "sms", Party: "Greens", ReceivedAt: quiet, Consent: "no", SenderIdentified: Yes, OptOutOffered: Yes,
		Description: "The text said reply STOP to opt out, I never agreed to it."},
		provisions: l("PECR-22"), guidance: l("G1", "G4"), priority: "low", score: 30},
	{name: "p2_member_of_the_public_is_not_consent", c: Complaint{Channel: "sms", Party: "Greens", ReceivedAt: quiet, SenderIdentified: Yes, OptOutOffered: Yes,
		Description: "As a member of the public I find these texts intrusive."},
		provisions: l("PECR-22"), guidance: l("G1", "G4"), priority: "low", score: 30},
	{name: "p2_contact_about_a_postal_vote_is_not_referred", c: Complaint{Channel: "other", Party: "Labour", ReceivedAt: quiet,
		Description: "Labour keep contacting me about my postal vote."},
		provisions: none(), guidance: none(), priority: "low", score: 10, channels: none()},
	{name: "p2_i_said_stop_then_they_rang_again", c: Complaint{Channel: "other", Party: "Labour", ReceivedAt: quiet,
		Description: "They rang, I said stop, they rang again."},
		provisions: l("PECR-21", "UKGDPR-21"), guidance: l("G1"), priority: "high", score: 55, channels: l("live_call")},
	{name: "p2_welsh_group_chat_numbers_visible", c: Complaint{Channel: "other", ReceivedAt: quiet,
		Description: "Roedd rhifau ffôn tua 300 o bobl i'w gweld yn y grŵp WhatsApp."},
		provisions: l("UKGDPR-5-1-f", "UKGDPR-32", "UKGDPR-33", "UKGDPR-34"), guidance: l("BCC"), priority: "high", score: 60, channels: l("data_breach")},
	{name: "p2_scam_needs_an_ask", c: Complaint{Channel: "sms", Party: "Labour", ReceivedAt: quiet, Consent: "no",
		Description: "This text pretending to be Labour asked for my bank details."},
		provisions: none(), guidance: none(), priority: "low", score: 10, rationale: "referral action_fraud"},
	{name: "p2_calling_it_a_scam_is_not_fraud", c: Complaint{Channel: "sms", Party: "Labour", ReceivedAt: quiet, Consent: "no",
		Description: "Their campaign text is a scam to get votes."},
		provisions: l("PECR-22"), guidance: l("G1", "G4"), priority: "low", score: 30},
}

func TestLabelledCases(t *testing.T) {
	rb, err := DefaultRulebook()
	require.NoError(t, err)
	e, err := NewEngine(rb)
	require.NoError(t, err)
	ctx := testContext()
	require.GreaterOrEqual(t, len(cases), 80, "labelled cases")
	seen := map[string]bool{}
	for _, tc := range cases {
		require.False(t, seen[tc.name], "duplicate case name %s", tc.name)
		seen[tc.name] = true
		t.Run(tc.name, func(t *testing.T) {
			r := e.Triage(&tc.c, ctx)
			why := "\n" + strings.Join(r.Rationale, "\n")
			assert.True(t, equal(r.Provisions, tc.provisions), "provisions %v, want %v%s", r.Provisions, tc.provisions, why)
			assert.True(t, equal(r.Guidance, tc.guidance), "guidance %v, want %v%s", r.Guidance, tc.guidance, why)
			assert.Equal(t, tc.priority, r.Priority, "priority (score %d)%s", r.Score, why)
			if tc.score != 0 {
				assert.Equal(t, tc.score, r.Score, "score%s", why)
			}
			if tc.channels != nil {
				assert.True(t, equal(slices.Sorted(slices.Values(r.Channels)), slices.Sorted(slices.Values(tc.channels))), "channels %v, want %v%s", r.Channels, tc.channels, why)
			}
			if tc.party != "" {
				assert.Equal(t, tc.party, r.Party, "party")
			}
			if tc.sender != "" {
				assert.Equal(t, tc.sender, r.SenderKey, "sender key")
			}
			if tc.rationale != "" {
				assert.Contains(t, why, tc.rationale, "no rationale line contains it")
			}
			assert.Equal(t, rb.Version, r.RulebookVersion, "rulebook version")
			assert.NotEmpty(t, r.RulebookHash, "rulebook hash")
			assert.NotEmpty(t, r.Actions, "actions")
		})
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
