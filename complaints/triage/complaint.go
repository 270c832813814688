package triage

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/campaignwatch/campaignwatch/complaints/vocab"
)

// Complaint is the triage input: the fields of the policy's Input table,
// with those JSON names. It is triage's own type so the engine does not
// depend on how intake stores complaints.
type Complaint struct {
	// ID is passed through to the result unchanged (any JSON value).
	ID          json.RawMessage `json:"id,omitempty"`
	Channel     string          `json:"channel"`
	Party       string          `json:"party"`
	ReceivedAt  Date            `json:"received_at"`
	Sender      string          `json:"sender"`
	Message     string          `json:"message"`
	Description string          `json:"description"`
	// Consent is yes, no or unsure; empty means unsure.
	Consent           string  `json:"consent"`
	OptedOut          OptBool `json:"opted_out"`
	TPSRegistered     OptBool `json:"tps_registered"`
	SenderIdentified  OptBool `json:"sender_identified"`
	OptOutOffered     OptBool `json:"opt_out_offered"`
	RecipientsVisible OptInt  `json:"recipients_visible"`
	SpecialCategory   OptBool `json:"special_category"`

	// The structured facts of Policy 2. Each is optional and, when given,
	// beats anything read from the text.

	// Member: the complainant is a member or supporter who signed up to
	// hear from the sender (consent = yes unless they later objected).
	Member OptBool `json:"member"`
	// WorkAddress: the message went to a work number or address (a
	// corporate subscriber: PECR regulation 22 does not protect it).
	WorkAddress OptBool `json:"work_address"`
	// AskedToStopOn is when the complainant asked the sender to stop; a
	// day on or before ReceivedAt means they had objected.
	AskedToStopOn Date `json:"asked_to_stop_on"`
	// Contacted is the number or address the sender contacted (the
	// complainant's own; personal data, never in a result).
	Contacted string `json:"contacted"`
	// BreachWhere is where a data_breach happened (vocab.BreachPlaces).
	BreachWhere string `json:"breach_where"`
	// BreachExposed is what a data_breach showed (vocab.ExposedData).
	BreachExposed []string `json:"breach_exposed"`
}

// OptBool is a yes/no answer that may be unknown (null or missing).
type OptBool struct {
	Set, Value bool
}

// Yes and No build known answers; the zero OptBool is unknown.
var (
	Yes = OptBool{Set: true, Value: true}
	No  = OptBool{Set: true, Value: false}
)

// UnmarshalJSON accepts true/false/null and, since forms and spreadsheets
// produce them, "yes"/"no"/"true"/"false"/"unsure"/"".
func (b *OptBool) UnmarshalJSON(data []byte) error {
	s := strings.ToLower(strings.Trim(strings.TrimSpace(string(data)), `"`))
	switch s {
	case "true", "yes", "y", "1":
		*b = Yes
	case "false", "no", "n", "0":
		*b = No
	case "null", "", "unsure", "unknown", "dont know", "don't know":
		*b = OptBool{}
	default:
		return fmt.Errorf("want true, false or null, not %s", data)
	}
	return nil
}

// MarshalJSON writes true, false or null.
func (b OptBool) MarshalJSON() ([]byte, error) {
	if !b.Set {
		return []byte("null"), nil
	}
	return strconv.AppendBool(nil, b.Value), nil
}

func (b OptBool) String() string {
	if !b.Set {
		return "unknown"
	}
	return strconv.FormatBool(b.Value)
}

// OptInt is a count that may be unknown.
type OptInt struct {
	Set   bool
	Value int
}

// Int builds a known count.
func Int(n int) OptInt { return OptInt{Set: true, Value: n} }

// UnmarshalJSON accepts a number, a numeric string or null.
func (n *OptInt) UnmarshalJSON(data []byte) error {
	s := strings.Trim(strings.TrimSpace(string(data)), `"`)
	if s == "null" || s == "" {
		*n = OptInt{}
		return nil
	}
	v, err := strconv.Atoi(strings.ReplaceAll(s, ",", ""))
	if err != nil || v < 0 {
		return fmt.Errorf("want a whole number of at least 0 or null, not %s", data)
	}
	*n = Int(v)
	return nil
}

// MarshalJSON writes the number or null.
func (n OptInt) MarshalJSON() ([]byte, error) {
	if !n.Set {
		return []byte("null"), nil
	}
	return strconv.AppendInt(nil, int64(n.Value), 10), nil
}

// Date is when something was received: an RFC 3339 time or a calendar
// day. Only the day (in UK time) matters to the policy.
type Date struct {
	Time time.Time
	// DayOnly is set when only the day was given.
	DayOnly bool
}

// ParseDate parses RFC 3339 (with or without fractional seconds), a local
// date-time without zone (taken as UK time) or YYYY-MM-DD.
func ParseDate(s string) (Date, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return Date{Time: t}, nil
	}
	if t, err := time.ParseInLocation("2006-01-02T15:04:05", s, vocab.London); err == nil {
		return Date{Time: t}, nil
	}
	if t, err := time.ParseInLocation("2006-01-02", s, vocab.London); err == nil {
		return Date{Time: t, DayOnly: true}, nil
	}
	return Date{}, fmt.Errorf("received_at %q is not an RFC 3339 time or a YYYY-MM-DD date", s)
}

// IsZero reports a missing date.
func (d Date) IsZero() bool { return d.Time.IsZero() }

// Day is the UK calendar day as yyyymmdd, or 0 when unknown.
func (d Date) Day() int {
	if d.Time.IsZero() {
		return 0
	}
	y, m, dd := d.Time.In(vocab.London).Date()
	return y*10000 + int(m)*100 + dd
}

// UnmarshalJSON accepts a string date or null.
func (d *Date) UnmarshalJSON(data []byte) error {
	if bytes.Equal(bytes.TrimSpace(data), []byte("null")) {
		*d = Date{}
		return nil
	}
	var s string
	if err := json.Unmarshal(data, &s); err != nil {
		return fmt.Errorf("received_at must be a string")
	}
	if strings.TrimSpace(s) == "" {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// MarshalJSON writes the date as it was given.
func (d Date) MarshalJSON() ([]byte, error) {
	switch {
	case d.IsZero():
		return []byte("null"), nil
	case d.DayOnly:
		return json.Marshal(d.Time.Format("2006-01-02"))
	default:
		return json.Marshal(d.Time.Format(time.RFC3339))
	}
}

func (d Date) String() string {
	switch {
	case d.IsZero():
		return "unknown"
	case d.DayOnly:
		return d.Time.Format("2006-01-02")
	default:
		return d.Time.In(vocab.London).Format("2006-01-02 15:04")
	}
}

func dayString(day int) string {
	return fmt.Sprintf("%04d-%02d-%02d", day/10000, day/100%100, day%100)
}

// channelAliases maps what people and forms write to channel ids.
var channelAliases = map[string]string{
	vocab.ChannelSMS: vocab.ChannelSMS, "text": vocab.ChannelSMS, "text_message": vocab.ChannelSMS, "texts": vocab.ChannelSMS, "whatsapp": vocab.ChannelSMS,
	vocab.ChannelEmail: vocab.ChannelEmail, "e-mail": vocab.ChannelEmail, "e_mail": vocab.ChannelEmail,
	vocab.ChannelAutomatedCall: vocab.ChannelAutomatedCall, "robocall": vocab.ChannelAutomatedCall, "recorded_call": vocab.ChannelAutomatedCall,
	vocab.ChannelLiveCall: vocab.ChannelLiveCall, "call": vocab.ChannelLiveCall, "phone": vocab.ChannelLiveCall, "phone_call": vocab.ChannelLiveCall,
	vocab.ChannelBCCBreach: vocab.ChannelBCCBreach, "bcc": vocab.ChannelBCCBreach,
	vocab.ChannelDataBreach: vocab.ChannelDataBreach, "breach": vocab.ChannelDataBreach, "data_leak": vocab.ChannelDataBreach, "leak": vocab.ChannelDataBreach,
	vocab.ChannelSocialMediaAd: vocab.ChannelSocialMediaAd, "social_media": vocab.ChannelSocialMediaAd, "ad": vocab.ChannelSocialMediaAd, "advert": vocab.ChannelSocialMediaAd,
	// Other is no channel triage can act on, as is none at all.
	vocab.ChannelOther: "", "": "",
}

// statedChannel returns the channel index the complainant chose, or -1
// for other/missing/unrecognised.
func statedChannel(s string) int {
	if c, ok := channelAliases[s]; ok {
		if c == "" {
			return -1
		}
		return channelIndex(c)
	}
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.ReplaceAll(strings.ReplaceAll(s, " ", "_"), "-", "_")
	if c, ok := channelAliases[s]; ok && c != "" {
		return channelIndex(c)
	}
	return -1
}

func normConsent(s string) string {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "yes", "y", "true":
		return "yes"
	case "no", "n", "false":
		return "no"
	default:
		return "unsure"
	}
}
