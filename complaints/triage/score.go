package triage

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// Targets are the accuracy the policy requires of the labelled cases
// ("How accuracy is judged").
var Targets = struct {
	Primary, Provisions, Band float64 // percentages, at least
	Forbidden                 int     // cases, at most
}{Primary: 95, Provisions: 90, Band: 90, Forbidden: 0}

// LabelledCase is one line of a labelled cases file: a complaint in the
// public's own words with the triage the policy requires for it.
type LabelledCase struct {
	ID   string `json:"id"`
	Lang string `json:"lang"`
	// Complaint is a Complaint as JSON.
	Complaint json.RawMessage `json:"complaint"`
	// ExpectChannel lists the acceptable primary channels; when missing,
	// any of ExpectChannels is acceptable.
	ExpectChannel []string `json:"expect_channel"`
	// ExpectChannels is every channel the text reports.
	ExpectChannels    []string `json:"expect_channels"`
	ExpectProvisions  []string `json:"expect_provisions"`
	ForbidProvisions  []string `json:"forbid_provisions"`
	ExpectPriority    string   `json:"expect_priority"`
	PriorityTolerance int      `json:"priority_tolerance"`
	// ExpectReferral makes the case out of scope with this referral.
	ExpectReferral string       `json:"expect_referral"`
	Why            string       `json:"why"`
	Context        *CaseContext `json:"context"`
}

// CaseContext is what a case needs besides the complaint: registered
// elections and counts of recent complaints by sender.
type CaseContext struct {
	Elections []struct {
		Name       string `json:"name"`
		Announced  string `json:"announced"`
		PollingDay string `json:"polling_day"`
	} `json:"elections"`
	SenderCounts map[string]int `json:"sender_counts"`
}

// providedBy names the channels that alone can engage a provision: a
// result with one of these provisions, when none of its channels is among
// the case's channels, has a forbidden provision.
var providedBy = map[string][]string{
	"PECR-22":      {"sms", "email"},
	"PECR-23":      {"sms", "email"},
	"PECR-19":      {"automated_call"},
	"PECR-21":      {"live_call"},
	"PECR-24":      {"automated_call", "live_call"},
	"UKGDPR-5-1-f": {"bcc_breach", "data_breach"},
	"UKGDPR-32":    {"bcc_breach", "data_breach"},
	"UKGDPR-33":    {"bcc_breach", "data_breach"},
	"UKGDPR-34":    {"bcc_breach", "data_breach"},
	"UKGDPR-5-1-a": {"social_media_ad"},
	"UKGDPR-26":    {"social_media_ad"},
}

// Scorecard is how well the engine triaged a labelled cases file.
type Scorecard struct {
	Cases int
	// Primary, Provisions and Band are percentages of the cases: primary
	// channel right, every required provision present, band right (within
	// the case's tolerance).
	Primary, Provisions, Band float64
	// Forbidden counts cases with a forbidden provision.
	Forbidden int
	// Referral is the percentage of cases whose referral (none for an
	// in-scope case) is right.
	Referral float64
	// ChannelRecall is the percentage of the channels the cases report
	// that triage found.
	ChannelRecall float64
	// Failures are the cases that missed anything, in file order.
	Failures []CaseFailure
}

// CaseFailure is a labelled case triaged wrongly.
type CaseFailure struct {
	ID        string
	Problems  []string
	Rationale []string
}

// Met reports whether every target is met.
func (s *Scorecard) Met() bool {
	return s.Cases > 0 && s.Primary >= Targets.Primary && s.Provisions >= Targets.Provisions &&
		s.Forbidden <= Targets.Forbidden && s.Band >= Targets.Band
}

// ReadCases reads a labelled cases file, one JSON object per line (blank
// lines skipped). An error names the line.
func ReadCases(r io.Reader) ([]LabelledCase, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), maxLine)
	var out []LabelledCase
	ids := map[string]int{}
	for n := 1; sc.Scan(); n++ {
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		var lc LabelledCase
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&lc); err != nil {
			return nil, fmt.Errorf("line %d is not a labelled case: %v", n, err)
		}
		var c Complaint
		if err := json.Unmarshal(lc.Complaint, &c); err != nil {
			return nil, fmt.Errorf("line %d: the complaint cannot be read: %v", n, err)
		}
		switch {
		case lc.ID == "":
			return nil, fmt.Errorf("line %d has no id", n)
		case ids[lc.ID] > 0:
			return nil, fmt.Errorf("line %d repeats the id %q of line %d", n, lc.ID, ids[lc.ID])
		case !slices.Contains([]string{"low", "medium", "high", "urgent"}, lc.ExpectPriority):
			return nil, fmt.Errorf("line %d (%s): expect_priority must be low, medium, high or urgent, not %q", n, lc.ID, lc.ExpectPriority)
		case lc.PriorityTolerance < 0 || lc.PriorityTolerance > 1:
			return nil, fmt.Errorf("line %d (%s): priority_tolerance must be 0 or 1", n, lc.ID)
		}
		if lc.Context != nil {
			for _, el := range lc.Context.Elections {
				if _, err := time.Parse("2006-01-02", el.Announced); err != nil {
					return nil, fmt.Errorf("line %d (%s): election announced date %q is not YYYY-MM-DD", n, lc.ID, el.Announced)
				}
				if _, err := time.Parse("2006-01-02", el.PollingDay); err != nil {
					return nil, fmt.Errorf("line %d (%s): election polling day %q is not YYYY-MM-DD", n, lc.ID, el.PollingDay)
				}
			}
		}
		ids[lc.ID] = n
		out = append(out, lc)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, errors.New("the file has no cases")
	}
	return out, nil
}

// caseContext is the context a case runs with: its own elections and
// counts when it has them, with the base context's parties.
func caseContext(lc *LabelledCase, base *Context) *Context {
	if lc.Context == nil {
		return base
	}
	var els []Election
	for _, el := range lc.Context.Elections {
		a, _ := time.Parse("2006-01-02", el.Announced)
		p, _ := time.Parse("2006-01-02", el.PollingDay)
		els = append(els, Election{Name: el.Name, AnnouncedOn: a, PollingDay: p})
	}
	var parties []Party
	if base != nil {
		parties = base.Parties
	}
	return NewContext(els, parties, SenderCounts(lc.Context.SenderCounts))
}

var bandRank = map[string]int{"low": 0, "medium": 1, "high": 2, "urgent": 3}

// Score triages every case with base as the context (nil for none) and
// judges the results.
func (e *Engine) Score(cases []LabelledCase, base *Context) *Scorecard {
	s := &Scorecard{Cases: len(cases)}
	var primary, provs, band, referral, chWant, chFound int
	for i := range cases {
		lc := &cases[i]
		var c Complaint
		_ = json.Unmarshal(lc.Complaint, &c) // checked by ReadCases
		r := e.Triage(&c, caseContext(lc, base))
		var problems []string

		want := lc.ExpectChannel
		if len(want) == 0 {
			want = lc.ExpectChannels
		}
		if len(want) == 0 {
			want = []string{"other"}
		}
		if slices.Contains(want, r.Channel) {
			primary++
		} else {
			problems = append(problems, fmt.Sprintf("primary channel %s, want %s", r.Channel, strings.Join(want, " or ")))
		}
		for _, ch := range lc.ExpectChannels {
			chWant++
			if slices.Contains(r.Channels, ch) {
				chFound++
			}
		}

		var missing []string
		for _, p := range lc.ExpectProvisions {
			if !slices.Contains(r.Provisions, p) {
				missing = append(missing, p)
			}
		}
		if len(missing) == 0 {
			provs++
		} else {
			problems = append(problems, "missing "+strings.Join(missing, ", "))
		}
		var forbidden []string
		for _, p := range r.Provisions {
			chans, byChannel := providedBy[p]
			if slices.Contains(lc.ForbidProvisions, p) || lc.ExpectReferral != "" ||
				byChannel && !slices.ContainsFunc(chans, func(c string) bool { return slices.Contains(lc.ExpectChannels, c) }) {
				forbidden = append(forbidden, p)
			}
		}
		if len(forbidden) > 0 {
			s.Forbidden++
			problems = append(problems, "forbidden "+strings.Join(forbidden, ", "))
		}

		got, ok := bandRank[r.Priority]
		if d := got - bandRank[lc.ExpectPriority]; ok && d <= lc.PriorityTolerance && -d <= lc.PriorityTolerance {
			band++
		} else {
			problems = append(problems, fmt.Sprintf("band %s (score %d), want %s", r.Priority, r.Score, lc.ExpectPriority))
		}

		if r.Referral == lc.ExpectReferral {
			referral++
		} else {
			problems = append(problems, fmt.Sprintf("referral %q, want %q", r.Referral, lc.ExpectReferral))
		}
		if len(problems) > 0 {
			s.Failures = append(s.Failures, CaseFailure{ID: lc.ID, Problems: problems, Rationale: r.Rationale})
		}
	}
	pct := func(n, of int) float64 {
		if of == 0 {
			return 100
		}
		return 100 * float64(n) / float64(of)
	}
	s.Primary, s.Provisions, s.Band = pct(primary, len(cases)), pct(provs, len(cases)), pct(band, len(cases))
	s.Referral, s.ChannelRecall = pct(referral, len(cases)), pct(chFound, chWant)
	return s
}

// Summary states the four figures, with the targets, and the two others,
// in plain sentences.
func (s *Scorecard) Summary() []string {
	verdict := func(ok bool) string {
		if ok {
			return "target met"
		}
		return "TARGET MISSED"
	}
	return []string{
		fmt.Sprintf("%d labelled cases.", s.Cases),
		fmt.Sprintf("Primary channel right: %.1f%% (target at least %.0f%%: %s).", s.Primary, Targets.Primary, verdict(s.Primary >= Targets.Primary)),
		fmt.Sprintf("Every required provision present: %.1f%% (target at least %.0f%%: %s).", s.Provisions, Targets.Provisions, verdict(s.Provisions >= Targets.Provisions)),
		fmt.Sprintf("Cases with a forbidden provision: %d (target %d: %s).", s.Forbidden, Targets.Forbidden, verdict(s.Forbidden <= Targets.Forbidden)),
		fmt.Sprintf("Priority band right: %.1f%% (target at least %.0f%%: %s).", s.Band, Targets.Band, verdict(s.Band >= Targets.Band)),
		fmt.Sprintf("Referral right (none for an in-scope case): %.1f%%.", s.Referral),
		fmt.Sprintf("Channels reported that triage found: %.1f%%.", s.ChannelRecall),
	}
}

// WriteReport writes the summary and then each failing case with what was
// wrong and the rationale.
func (s *Scorecard) WriteReport(w io.Writer) error {
	var b strings.Builder
	for _, line := range s.Summary() {
		b.WriteString(line)
		b.WriteByte('\n')
	}
	if len(s.Failures) > 0 {
		fmt.Fprintf(&b, "\n%d case(s) not right:\n", len(s.Failures))
	}
	for _, f := range s.Failures {
		fmt.Fprintf(&b, "- %s: %s.\n", f.ID, strings.Join(f.Problems, "; "))
		for _, r := range f.Rationale {
			fmt.Fprintf(&b, "    %s\n", r)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
