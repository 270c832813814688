package complaintform

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/web/internal/i18n"
	"github.com/campaignwatch/campaignwatch/web/internal/i18n/i18ntest"
)

func TestCataloguesHaveTheSameKeys(t *testing.T) {
	i18ntest.RequireBothLanguages(t, catalogue)
}

// Every literal key a template asks for ({{t .Lang "key"}}) and every key
// the Go code builds from fixed parts exists in the catalogues.
func TestEveryUsedMessageKeyExists(t *testing.T) {
	i18ntest.RequireTemplateKeys(t, pagesFS, "pages", catalogue)

	// Keys passed to translate as string literals in the form's Go code.
	goKey := regexp.MustCompile(`translate\(lang, "([a-z_.]+)"`)
	for _, f := range []string{"steps.go", "answers.go", "evidence.go", "send.go", "view.go", "parties.go"} {
		b, err := os.ReadFile(filepath.Join(".", f))
		require.NoError(t, err)
		for _, m := range goKey.FindAllStringSubmatch(string(b), -1) {
			if strings.HasSuffix(m[1], ".") {
				continue // built with a suffix; checked below
			}
			require.True(t, hasMessage(m[1]), "%s uses missing key %q", f, m[1])
		}
	}
	// Keys built from the channel and its kind.
	for _, c := range channelOrder {
		kind := channelKind(c)
		d := &complaintDraft{Channel: c}
		keys := []string{"channel." + c, "sender.heading." + kind, "sender.label." + kind, "sender.hint." + kind,
			"sender.date_label." + kind, "message.heading." + kind, "message.label." + c, "message.hint." + kind}
		if d.asks("consent") {
			keys = append(keys, "permission.consent_label."+kind, "permission.opted_out_label."+kind)
		}
		if d.asks("sender_identified") {
			keys = append(keys, "permission.identified_label."+kind)
		}
		if d.asks("opt_out_offered") {
			keys = append(keys, "permission.opt_out_offered_label."+kind)
		}
		ck := contactKind(c)
		if d.asksStep(stepContacted) {
			keys = append(keys, "contacted.heading."+ck, "contacted.privacy."+ck)
		}
		if d.asks("contacted") {
			keys = append(keys, "contacted.label."+kind, "contacted.hint."+ck, "check.contacted."+ck)
		}
		if d.asks("work_address") {
			keys = append(keys, "contacted.work_label."+ck, "contacted.work_hint."+ck, "check.work_address."+ck)
		}
		for _, k := range keys {
			require.True(t, hasMessage(k), "missing key %q", k)
		}
	}
	for i := 1; i <= 12; i++ {
		require.True(t, hasMessage(fmt.Sprintf("month.%d", i)), "month.%d", i)
	}
	// Every error the form itself raises has its own wording.
	for _, k := range []string{"channel.required", "received_at.required", "received_at.invalid", "received_at.future",
		"received_time.invalid", "consent.required", "party.required", "evidence.type", "evidence.too_large",
		"evidence.too_many", "evidence.empty", "evidence.required", "email.invalid", "phone.invalid", "postcode.invalid",
		"breach_where.required", "recipients_visible.breach_invalid", "breach_exposed.invalid", "contacted.too_long",
		"work_address.invalid", "member.invalid", "asked_to_stop_on.missing_day", "asked_to_stop_on.missing_month",
		"asked_to_stop_on.missing_year", "asked_to_stop_on.missing_day_month", "asked_to_stop_on.missing_day_year",
		"asked_to_stop_on.missing_month_year", "asked_to_stop_on.year_digits", "asked_to_stop_on.invalid",
		"asked_to_stop_on.future", "asked_to_stop_on.too_old"} {
		require.True(t, hasMessage("err."+k), "missing err.%s", k)
	}
}

func itoa(i int) string {
	return strings.TrimLeft(string([]byte{byte('0' + i/10), byte('0' + i%10)}), "0")
}

func TestFieldMessageFallsBackToCatalogue(t *testing.T) {
	require.Equal(t, "Dewiswch beth ddigwyddodd", fieldMessage(i18n.Welsh, "channel", "required", "Select"))
	require.Equal(t, "Atebwch y cwestiwn hwn", fieldMessage(i18n.Welsh, "sender", "required", "English words"))
	require.Equal(t, "The validator's own words", fieldMessage(i18n.English, "sender", "odd_code", "The validator's own words"))
	require.Equal(t, "Gwiriwch yr ateb hwn", fieldMessage(i18n.Welsh, "sender", "odd_code", "English words"))
}
