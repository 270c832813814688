package triage

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/legal"
)

//go:embed rulebook/rulebook.yaml
var defaultRulebook []byte

// DefaultRulebookYAML returns the embedded default rulebook file.
func DefaultRulebookYAML() []byte { return bytes.Clone(defaultRulebook) }

// Rulebook is the triage policy as data. It is decoded strictly from YAML
// and validated by LoadRulebook; an Engine is compiled from it.
type Rulebook struct {
	Version           string        `yaml:"version"`
	Title             string        `yaml:"title"`
	Provisions        []Provision   `yaml:"provisions"`
	Guidance          []Guidance    `yaml:"guidance"`
	Text              TextSettings  `yaml:"text"`
	Channels          []ChannelCues `yaml:"channels"`
	Suppress          []Suppression `yaml:"suppress"`
	MarketingChannels []string      `yaml:"marketing_channels"`
	Cues              []CueGroup    `yaml:"cues"`
	Rules             []Rule        `yaml:"rules"`
	Score             Score         `yaml:"score"`
	Bands             []Band        `yaml:"bands"`
	// Actions are the recommended actions for each priority band.
	Actions map[string][]string `yaml:"actions"`
	// Referrals are the bodies an out-of-scope complaint is pointed to
	// (R22), in the order they are tried.
	Referrals []Referral `yaml:"referrals"`
	// Counts says how numbers of people are read from free text
	// ("over 2,000 people", "about sixty addresses").
	Counts Counts `yaml:"counts"`
	// Consent says how consent is read when the answer is missing.
	Consent ConsentFacts `yaml:"consent"`

	// Hash is the SHA-256 of the file's bytes (hex, first 16 characters),
	// recorded with every result so a result can be traced to the exact
	// file even when someone forgot to change Version.
	Hash string `yaml:"-"`
	// Source says where the rulebook came from: "embedded" or a path.
	Source string `yaml:"-"`
}

// Referral is where an out-of-scope complaint is sent: a body that can
// help (or none, when what happened is lawful), with the line the
// complainant reads, in English and Welsh.
type Referral struct {
	// ID is fixed: results, filters and exports store it.
	ID string `yaml:"id"`
	// Body names who can help; empty when no body can ("no_body").
	Body Bilingual `yaml:"body"`
	// URL is the body's web address; empty when there is no body.
	URL string `yaml:"url"`
	// Text tells the complainant what to do, in their language.
	Text Bilingual `yaml:"text"`
	// When is the condition under which a complaint is out of scope for
	// this referral.
	When *Cond `yaml:"when"`
}

// Bilingual is a text in English and Welsh.
type Bilingual struct {
	EN string `yaml:"en"`
	CY string `yaml:"cy"`
}

// In returns the text in lang ("cy" for Welsh), English otherwise.
func (b Bilingual) In(lang string) string {
	if lang == "cy" && b.CY != "" {
		return b.CY
	}
	return b.EN
}

// OutOfScopeScore is the score of an out-of-scope complaint: the lowest
// base ("nothing else applies"), with no adders.
func (rb *Rulebook) OutOfScopeScore() int {
	low := -1
	for _, b := range rb.Score.Bases {
		if low < 0 || b.Points < low {
			low = b.Points
		}
	}
	return max(low, 0)
}

// Referral returns the rulebook's referral with id.
func (rb *Rulebook) Referral(id string) (Referral, bool) {
	for _, r := range rb.Referrals {
		if r.ID == id {
			return r, true
		}
	}
	return Referral{}, false
}

// Counts reads how many people were exposed from free text, for the
// channels listed, when recipients_visible was not answered.
type Counts struct {
	// Channels are the channels a count read from text is used for.
	Channels []string `yaml:"channels"`
	// Numbers maps number words to their values ("sixty": 60,
	// "hundreds": 200); 100, 1000 and 1000000 multiply a number before
	// them ("two hundred").
	Numbers map[string]int `yaml:"numbers"`
	// Nouns are the phrases that make a number a count of people or
	// addresses ("people", "addresses", "in the group", "of us").
	Nouns []string `yaml:"nouns"`
	// Within is how many words may stand between the number and the noun.
	Within int `yaml:"within"`
	// Quantifiers are words that make a number a count even without a
	// noun after it ("well over a hundred"), unless a unit follows.
	Quantifiers []string `yaml:"quantifiers"`
	// Units are words after a number that make it no count ("about 10
	// minutes", "over 2 years").
	Units []string `yaml:"units"`
}

// ConsentFacts reads consent when the complainant did not answer it: a
// member or supporter who signed up consented, unless they later objected.
type ConsentFacts struct {
	// YesCue is the cue group whose match means consent = yes.
	YesCue string `yaml:"yes_cue"`
	// WithdrawnCue is the cue group of an objection (a later objection
	// withdraws consent); the opted_out answer counts too.
	WithdrawnCue string `yaml:"withdrawn_cue"`
}

// Provision is a legal provision with its fixed identifier.
type Provision struct {
	ID       string `yaml:"id"`
	Title    string `yaml:"title"`
	Citation string `yaml:"citation"`
}

// Guidance is a guidance point (G1–G5, BCC).
type Guidance struct {
	ID   string `yaml:"id"`
	Text string `yaml:"text"`
}

// TextSettings control cue matching.
type TextSettings struct {
	Negation Negation `yaml:"negation"`
	// Gap is the most words "..." in a cue phrase may stand for.
	Gap int `yaml:"gap"`
	// WordSets are named lists of words a phrase can use as "@name" (the
	// sender acting: "they", "a man", "the candidate" ...).
	WordSets map[string][]string `yaml:"word_sets"`
}

// Negation says which words cancel a cue that follows them closely.
type Negation struct {
	// Window is how many words before a cue are searched for a negation
	// word; the search stops at a clause boundary.
	Window     int      `yaml:"window"`
	Words      []string `yaml:"words"`
	Boundaries []string `yaml:"boundaries"`
}

// ChannelCues are the text cues that point to one channel.
type ChannelCues struct {
	ID     string   `yaml:"id"`
	Strong []string `yaml:"strong"`
	Weak   []string `yaml:"weak"`
	// Firm cues are strong cues that hold even when a suppression would
	// drop the channel ("an actual person rang back").
	Firm []string `yaml:"firm"`
	// Together lists sets of cue groups (from cues) that are strong
	// evidence of the channel when every group of a set matches: a data
	// breach told by what happened, "a list of members" and "left on a
	// train".
	Together [][]string `yaml:"together"`
	// Except lists look-alike wordings that cancel a cue starting inside
	// them ("I recorded the call" is not a recorded message).
	Except []string `yaml:"except"`
}

// Suppression stops Channel being inferred when any of By has evidence.
type Suppression struct {
	Channel string   `yaml:"channel"`
	By      []string `yaml:"by"`
	// Stated drops Channel even when the complainant chose it: an email
	// that only carried someone else's data is the breach's vehicle.
	Stated bool `yaml:"stated"`
}

// CueGroup is a named list of phrases rules can test.
type CueGroup struct {
	ID string `yaml:"id"`
	// Negatable groups are cancelled by a nearby negation word.
	Negatable bool `yaml:"negatable"`
	// Source limits the group to "message", "description" or (default)
	// "both".
	Source  string   `yaml:"source"`
	Phrases []string `yaml:"phrases"`
	// Except lists wordings that cancel a cue starting inside them.
	Except []string `yaml:"except"`
	// Together lists sets of cue groups, each listed earlier in the file,
	// that count as a match of this group when every group of a set
	// matches: an offer ("press 2 to be removed") and the complainant
	// taking it ("I pressed 2") together are an objection.
	Together [][]string `yaml:"together"`
}

// Rule is one row of the policy's rule table.
type Rule struct {
	ID         string   `yaml:"id"`
	Title      string   `yaml:"title"`
	When       *Cond    `yaml:"when"`
	Provisions []string `yaml:"provisions"`
	Guidance   []string `yaml:"guidance"`
	// Note is added to the rationale when the rule fires.
	Note    string   `yaml:"note"`
	Actions []string `yaml:"actions"`
}

// Cond is a condition: exactly one of its kinds is set.
type Cond struct {
	All []Cond `yaml:"all"`
	Any []Cond `yaml:"any"`
	Not *Cond  `yaml:"not"`
	// Channel holds when the complaint concerns any of these channels;
	// the single word "marketing" means the rulebook's marketing channels.
	Channel StringList `yaml:"channel"`
	// Field compares a complaint field: Is (booleans), In/NotIn (consent)
	// or Gte (recipients_visible). When the field is unknown (null),
	// ElseCue, if set, decides instead.
	Field   string   `yaml:"field"`
	Is      *bool    `yaml:"is"`
	In      []string `yaml:"in"`
	NotIn   []string `yaml:"not_in"`
	Gte     *int     `yaml:"gte"`
	ElseCue string   `yaml:"else_cue"`
	// Cue holds when the cue group matched the text.
	Cue string `yaml:"cue"`
	// Provision holds when an earlier rule engaged any of these (scores).
	Provision []string `yaml:"provision"`
	// Political holds when a party is named or the text names a party,
	// campaign or candidate (the political_actor cue group).
	Political *bool `yaml:"political"`
	// Sender: "withheld" holds when the sender is a withheld number.
	Sender     string `yaml:"sender"`
	InElection *bool  `yaml:"in_election"`
	Always     *bool  `yaml:"always"`
	// Rule holds when that rule's condition holds (the rule need not come
	// first: it is evaluated when needed).
	Rule string `yaml:"rule"`
}

// StringList decodes from a YAML scalar or sequence.
type StringList []string

// UnmarshalYAML accepts "word" as well as [a, b].
func (l *StringList) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		*l = StringList{n.Value}
		return nil
	}
	var s []string
	if err := n.Decode(&s); err != nil {
		return err
	}
	*l = s
	return nil
}

// Score is how points are added up.
type Score struct {
	Cap    int     `yaml:"cap"`
	Bases  []Base  `yaml:"bases"`
	Adders []Adder `yaml:"adders"`
}

// Base is a starting score; the highest applying base is used.
type Base struct {
	ID     string `yaml:"id"`
	Label  string `yaml:"label"`
	Points int    `yaml:"points"`
	When   *Cond  `yaml:"when"`
	// Channels are the channels this base credits: a complaint's primary
	// channel is the one credited with the highest base that applies.
	// "all" credits every channel.
	Channels StringList `yaml:"channels"`
}

// Adder adds points: either Points when When holds, or the highest of
// Tiers that Value reaches.
type Adder struct {
	ID     string `yaml:"id"`
	Label  string `yaml:"label"`
	Points int    `yaml:"points"`
	When   *Cond  `yaml:"when"`
	// UnlessBase skips the adder when one of these bases was chosen.
	UnlessBase []string `yaml:"unless_base"`
	// Value is recipients_visible or same_sender_count.
	Value string `yaml:"value"`
	Tiers []Tier `yaml:"tiers"`
}

// Tier is one step of a tiered adder.
type Tier struct {
	Gte    int `yaml:"gte"`
	Points int `yaml:"points"`
}

// Band maps a score range (inclusive) to a priority.
type Band struct {
	Priority string `yaml:"priority"`
	Min      int    `yaml:"min"`
	Max      int    `yaml:"max"`
}

// LoadError is a rulebook that cannot be used, with the line at fault.
type LoadError struct {
	Source string
	Line   int
	Msg    string
}

func (e *LoadError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("rulebook %s, line %d: %s", e.Source, e.Line, e.Msg)
	}
	return fmt.Sprintf("rulebook %s: %s", e.Source, e.Msg)
}

// LoadRulebookEnv loads the file named by the RULEBOOK variable, or the
// embedded default when it is empty.
func LoadRulebookEnv(getenv func(string) string) (*Rulebook, error) {
	if p := strings.TrimSpace(getenv("RULEBOOK")); p != "" {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("RULEBOOK: %w", err)
		}
		return ParseRulebook(b, p)
	}
	return DefaultRulebook()
}

// DefaultRulebook parses the embedded rulebook.
func DefaultRulebook() (*Rulebook, error) { return ParseRulebook(defaultRulebook, "embedded") }

// ParseRulebook decodes and validates a rulebook. Unknown keys, unknown
// provision or guidance ids, bad cue phrases, duplicate ids, and bands that
// overlap or leave gaps are errors naming the line.
func ParseRulebook(b []byte, source string) (*Rulebook, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(b, &root); err != nil {
		return nil, yamlError(source, err)
	}
	if len(root.Content) == 0 {
		return nil, &LoadError{Source: source, Msg: "the file is empty"}
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	rb := &Rulebook{}
	if err := dec.Decode(rb); err != nil {
		return nil, yamlError(source, err)
	}
	sum := sha256.Sum256(b)
	rb.Hash = hex.EncodeToString(sum[:])[:16]
	rb.Source = source
	v := &validator{src: source, root: root.Content[0]}
	rb.validate(v)
	if v.err != nil {
		return nil, v.err
	}
	return rb, nil
}

// yamlError turns the YAML library's "yaml: line N: msg" into a LoadError.
func yamlError(source string, err error) error {
	var te *yaml.TypeError
	msg := err.Error()
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msg = te.Errors[0]
	}
	msg = strings.TrimPrefix(msg, "yaml: ")
	line := 0
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if i := strings.Index(rest, ":"); i > 0 {
			if n, err := strconv.Atoi(rest[:i]); err == nil {
				line, msg = n, strings.TrimSpace(rest[i+1:])
			}
		}
	}
	return &LoadError{Source: source, Line: line, Msg: msg}
}

// validator collects the first error and finds lines in the YAML tree.
type validator struct {
	src  string
	root *yaml.Node
	err  error
}

// failf records an error at the node found by path (map keys and sequence
// indexes); when the path runs out, the deepest node found gives the line.
func (v *validator) failf(path []any, format string, args ...any) {
	if v.err != nil {
		return
	}
	v.err = &LoadError{Source: v.src, Line: v.line(path), Msg: fmt.Sprintf(format, args...)}
}

func (v *validator) line(path []any) int {
	n := v.root
	for _, p := range path {
		var next *yaml.Node
		switch p := p.(type) {
		case string:
			if n.Kind == yaml.MappingNode {
				for i := 0; i+1 < len(n.Content); i += 2 {
					if n.Content[i].Value == p {
						next = n.Content[i+1]
					}
				}
			}
		case int:
			if n.Kind == yaml.SequenceNode && p < len(n.Content) {
				next = n.Content[p]
			}
		}
		if next == nil {
			break
		}
		n = next
	}
	return n.Line
}

func p(parts ...any) []any { return parts }

// inferredChannels are the channels triage can find in a complaint's
// text, in the policy's order; a rulebook's channel bitmasks index them.
var inferredChannels = vocab.InferredChannelCodes()

// Fields is every complaint field a rule can test.
var ruleFields = map[string]string{
	"consent": "enum", "opted_out": "bool", "tps_registered": "bool", "sender_identified": "bool",
	"opt_out_offered": "bool", "special_category": "bool", "recipients_visible": "int",
	"member": "bool", "work_address": "bool", "breach_exposed": "set", "breach_where": "set",
}

func channelIndex(id string) int {
	for i, c := range inferredChannels {
		if c == id {
			return i
		}
	}
	return -1
}

func (rb *Rulebook) validate(v *validator) {
	if strings.TrimSpace(rb.Version) == "" {
		v.failf(p("version"), "version is required")
	}
	provs := map[string]bool{}
	for i, pr := range rb.Provisions {
		switch {
		case pr.ID == "":
			v.failf(p("provisions", i), "provision %d has no id", i+1)
		case provs[pr.ID]:
			v.failf(p("provisions", i, "id"), "duplicate provision id %q", pr.ID)
		case pr.Title == "" || pr.Citation == "":
			v.failf(p("provisions", i), "provision %s needs a title and a citation", pr.ID)
		case !legal.Known(pr.ID):
			// Letters and reports cite provisions in words from the legal
			// reference; an id it lacks would reach a party as a code.
			v.failf(p("provisions", i, "id"), "provision %q is not in the legal reference (internal/legal), so letters and reports could not cite it in words", pr.ID)
		}
		provs[pr.ID] = true
	}
	if len(provs) > 64 {
		v.failf(p("provisions"), "at most 64 provisions are supported")
	}
	guid := map[string]bool{}
	for i, g := range rb.Guidance {
		if g.ID == "" || guid[g.ID] {
			v.failf(p("guidance", i, "id"), "guidance id %q is empty or repeated", g.ID)
		}
		guid[g.ID] = true
	}
	if len(guid) > 32 {
		v.failf(p("guidance"), "at most 32 guidance points are supported")
	}
	if rb.Text.Negation.Window < 0 || rb.Text.Negation.Window > 10 {
		v.failf(p("text", "negation", "window"), "negation window must be between 0 and 10 words")
	}
	if rb.Text.Gap < 0 || rb.Text.Gap > 10 {
		v.failf(p("text", "gap"), "gap must be between 0 and 10 words")
	}
	for i, w := range rb.Text.Negation.Words {
		if ws := splitWords(w); len(ws) != 1 {
			v.failf(p("text", "negation", "words", i), "negation word %q must be one word", w)
		}
	}
	for i, w := range rb.Text.Negation.Boundaries {
		if ws := splitWords(w); len(ws) != 1 {
			v.failf(p("text", "negation", "boundaries", i), "boundary word %q must be one word", w)
		}
	}
	seenCh := map[string]bool{}
	for i, c := range rb.Channels {
		if channelIndex(c.ID) < 0 {
			v.failf(p("channels", i, "id"), "unknown channel %q (want one of %s)", c.ID, strings.Join(inferredChannels, ", "))
		}
		if seenCh[c.ID] {
			v.failf(p("channels", i, "id"), "duplicate channel %q", c.ID)
		}
		seenCh[c.ID] = true
		for j, ph := range c.Strong {
			if err := rb.checkPhrase(ph); err != nil {
				v.failf(p("channels", i, "strong", j), "bad cue %q: %v", ph, err)
			}
		}
		for j, ph := range c.Weak {
			if err := rb.checkPhrase(ph); err != nil {
				v.failf(p("channels", i, "weak", j), "bad cue %q: %v", ph, err)
			}
		}
		for j, ph := range c.Firm {
			if err := rb.checkPhrase(ph); err != nil {
				v.failf(p("channels", i, "firm", j), "bad cue %q: %v", ph, err)
			}
		}
		for j, ph := range c.Except {
			if err := rb.checkPhrase(ph); err != nil {
				v.failf(p("channels", i, "except", j), "bad exception %q: %v", ph, err)
			}
		}
	}
	for i, s := range rb.Suppress {
		if channelIndex(s.Channel) < 0 {
			v.failf(p("suppress", i, "channel"), "unknown channel %q", s.Channel)
		}
		for j, b := range s.By {
			if channelIndex(b) < 0 {
				v.failf(p("suppress", i, "by", j), "unknown channel %q", b)
			}
		}
	}
	for i, c := range rb.MarketingChannels {
		if channelIndex(c) < 0 {
			v.failf(p("marketing_channels", i), "unknown channel %q", c)
		}
	}
	cues := map[string]bool{}
	for i, g := range rb.Cues {
		if g.ID == "" || cues[g.ID] {
			v.failf(p("cues", i, "id"), "cue group id %q is empty or repeated", g.ID)
		}
		cues[g.ID] = true
		switch g.Source {
		case "", "both", "message", "description":
		default:
			v.failf(p("cues", i, "source"), "source must be message, description or both, not %q", g.Source)
		}
		if len(g.Phrases) == 0 && len(g.Together) == 0 {
			v.failf(p("cues", i), "cue group %s has no phrases", g.ID)
		}
		for j, set := range g.Together {
			if len(set) < 2 {
				v.failf(p("cues", i, "together", j), "cue group %s: a together set needs at least two cue groups", g.ID)
			}
			for k, id := range set {
				// Only groups listed earlier: they are settled first.
				if !cues[id] || id == g.ID {
					v.failf(p("cues", i, "together", j, k), "cue group %s: %q is not a cue group listed before it", g.ID, id)
				}
			}
		}
		seen := map[string]bool{}
		for j, ph := range g.Phrases {
			if err := rb.checkPhrase(ph); err != nil {
				v.failf(p("cues", i, "phrases", j), "bad cue %q: %v", ph, err)
			}
			if seen[strings.ToLower(ph)] {
				v.failf(p("cues", i, "phrases", j), "cue %q is listed twice in %s", ph, g.ID)
			}
			seen[strings.ToLower(ph)] = true
		}
		for j, ph := range g.Except {
			if err := rb.checkPhrase(ph); err != nil {
				v.failf(p("cues", i, "except", j), "bad exception %q: %v", ph, err)
			}
		}
	}
	ruleIDs := map[string]bool{}
	for _, r := range rb.Rules {
		ruleIDs[r.ID] = true
	}
	refs := condRefs{provs: provs, cues: cues, rules: ruleIDs}
	for i, c := range rb.Channels {
		for j, set := range c.Together {
			if len(set) < 2 {
				v.failf(p("channels", i, "together", j), "channel %s: a together set needs at least two cue groups", c.ID)
			}
			for k, id := range set {
				if !cues[id] {
					v.failf(p("channels", i, "together", j, k), "channel %s: unknown cue group %q", c.ID, id)
				}
			}
		}
	}
	seenRules := map[string]bool{}
	if len(rb.Rules) == 0 {
		v.failf(p("rules"), "there are no rules")
	}
	for i, r := range rb.Rules {
		if r.ID == "" {
			v.failf(p("rules", i), "rule %d has no id", i+1)
		}
		if seenRules[r.ID] {
			v.failf(p("rules", i, "id"), "duplicate rule id %q", r.ID)
		}
		seenRules[r.ID] = true
		for j, pr := range r.Provisions {
			if !provs[pr] {
				v.failf(p("rules", i, "provisions", j), "rule %s: unknown provision id %q", r.ID, pr)
			}
		}
		for j, g := range r.Guidance {
			if !guid[g] {
				v.failf(p("rules", i, "guidance", j), "rule %s: unknown guidance id %q", r.ID, g)
			}
		}
		if r.When == nil {
			v.failf(p("rules", i), "rule %s has no when", r.ID)
			continue
		}
		refs.check(v, r.When, p("rules", i, "when"), false)
	}
	if rb.Score.Cap <= 0 {
		v.failf(p("score", "cap"), "score cap must be positive")
	}
	bases := map[string]bool{}
	if len(rb.Score.Bases) == 0 {
		v.failf(p("score", "bases"), "there are no base scores")
	}
	for i, b := range rb.Score.Bases {
		if b.ID == "" || bases[b.ID] {
			v.failf(p("score", "bases", i, "id"), "base id %q is empty or repeated", b.ID)
		}
		bases[b.ID] = true
		for j, ch := range b.Channels {
			if ch != "all" && channelIndex(ch) < 0 {
				v.failf(p("score", "bases", i, "channels", j), "base %s: unknown channel %q", b.ID, ch)
			}
		}
		if b.When == nil {
			v.failf(p("score", "bases", i), "base %s has no when", b.ID)
			continue
		}
		refs.check(v, b.When, p("score", "bases", i, "when"), true)
	}
	adders := map[string]bool{}
	for i, a := range rb.Score.Adders {
		if a.ID == "" || adders[a.ID] {
			v.failf(p("score", "adders", i, "id"), "adder id %q is empty or repeated", a.ID)
		}
		adders[a.ID] = true
		for j, ub := range a.UnlessBase {
			if !bases[ub] {
				v.failf(p("score", "adders", i, "unless_base", j), "adder %s: unknown base %q", a.ID, ub)
			}
		}
		switch {
		case a.Value != "" && a.When == nil:
			if a.Value != "recipients_visible" && a.Value != "same_sender_count" {
				v.failf(p("score", "adders", i, "value"), "adder %s: value must be recipients_visible or same_sender_count", a.ID)
			}
			if len(a.Tiers) == 0 {
				v.failf(p("score", "adders", i), "adder %s: a value needs tiers", a.ID)
			}
			for j := 1; j < len(a.Tiers); j++ {
				if a.Tiers[j].Gte <= a.Tiers[j-1].Gte {
					v.failf(p("score", "adders", i, "tiers", j), "adder %s: tiers must be in increasing order", a.ID)
				}
			}
		case a.Value == "" && a.When != nil && len(a.Tiers) == 0:
			refs.check(v, a.When, p("score", "adders", i, "when"), true)
		default:
			v.failf(p("score", "adders", i), "adder %s needs either points with when, or value with tiers", a.ID)
		}
	}
	rb.validateBands(v)
	rb.validateReferrals(v, refs)
	rb.validateText(v, cues)
	rb.validateRuleRefs(v)
	prios := map[string]bool{}
	for _, b := range rb.Bands {
		prios[b.Priority] = true
	}
	for k := range rb.Actions {
		if !prios[k] {
			v.failf(p("actions", k), "actions for %q, which is not a band", k)
		}
	}
}

// referralID is the shape of a referral id: stored, filtered on and
// exported, so lower-case words joined by underscores.
var referralID = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

func (rb *Rulebook) validateReferrals(v *validator, refs condRefs) {
	seen := map[string]bool{}
	for i, r := range rb.Referrals {
		switch {
		case !referralID.MatchString(r.ID):
			v.failf(p("referrals", i, "id"), "referral id %q must be lower-case letters, digits and underscores", r.ID)
		case seen[r.ID]:
			v.failf(p("referrals", i, "id"), "duplicate referral id %q", r.ID)
		}
		seen[r.ID] = true
		if strings.TrimSpace(r.Text.EN) == "" || strings.TrimSpace(r.Text.CY) == "" {
			v.failf(p("referrals", i, "text"), "referral %s needs its text in English (en) and Welsh (cy)", r.ID)
		}
		if (r.Body.EN == "") != (r.Body.CY == "") {
			v.failf(p("referrals", i, "body"), "referral %s names its body in one language only", r.ID)
		}
		if r.Body.EN != "" {
			if u, err := url.Parse(r.URL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
				v.failf(p("referrals", i, "url"), "referral %s: url %q is not a web address", r.ID, r.URL)
			}
		} else if r.URL != "" {
			v.failf(p("referrals", i, "url"), "referral %s has a url but no body", r.ID)
		}
		if r.When == nil {
			v.failf(p("referrals", i), "referral %s has no when", r.ID)
			continue
		}
		refs.check(v, r.When, p("referrals", i, "when"), false)
	}
}

func (rb *Rulebook) validateBands(v *validator) {
	if len(rb.Bands) == 0 {
		v.failf(p("bands"), "there are no bands")
		return
	}
	seen := map[string]bool{}
	for i, b := range rb.Bands {
		if b.Priority == "" || seen[b.Priority] {
			v.failf(p("bands", i, "priority"), "band priority %q is empty or repeated", b.Priority)
		}
		seen[b.Priority] = true
		if b.Min > b.Max {
			v.failf(p("bands", i), "band %s: min %d is above max %d", b.Priority, b.Min, b.Max)
		}
		if i == 0 {
			if b.Min != 0 {
				v.failf(p("bands", i, "min"), "the first band must start at 0, not %d (bands are listed from lowest)", b.Min)
			}
			continue
		}
		prev := rb.Bands[i-1]
		switch {
		case b.Min <= prev.Max:
			v.failf(p("bands", i, "min"), "band %s (from %d) overlaps band %s (to %d)", b.Priority, b.Min, prev.Priority, prev.Max)
		case b.Min > prev.Max+1:
			v.failf(p("bands", i, "min"), "gap between band %s (to %d) and band %s (from %d): scores %d–%d have no band", prev.Priority, prev.Max, b.Priority, b.Min, prev.Max+1, b.Min-1)
		}
	}
	if last := rb.Bands[len(rb.Bands)-1]; last.Max < rb.Score.Cap {
		v.failf(p("bands", len(rb.Bands)-1, "max"), "the last band ends at %d, below the score cap %d", last.Max, rb.Score.Cap)
	}
}

type condRefs struct{ provs, cues, rules map[string]bool }

// check validates a condition; provisionOK allows "provision" (only
// meaningful after the rules have run, i.e. in scores).
func (r condRefs) check(v *validator, c *Cond, path []any, provisionOK bool) {
	kinds := 0
	count := func(b bool) {
		if b {
			kinds++
		}
	}
	count(len(c.All) > 0)
	count(len(c.Any) > 0)
	count(c.Not != nil)
	count(len(c.Channel) > 0)
	count(c.Field != "")
	count(c.Cue != "")
	count(len(c.Provision) > 0)
	count(c.Political != nil)
	count(c.Sender != "")
	count(c.InElection != nil)
	count(c.Always != nil)
	count(c.Rule != "")
	if kinds != 1 {
		v.failf(path, "a condition needs exactly one of all, any, not, channel, field, cue, provision, political, sender, in_election, always, rule (found %d)", kinds)
		return
	}
	with := func(k any) []any { return append(append([]any{}, path...), k) }
	for i := range c.All {
		r.check(v, &c.All[i], append(with("all"), i), provisionOK)
	}
	for i := range c.Any {
		r.check(v, &c.Any[i], append(with("any"), i), provisionOK)
	}
	if c.Not != nil {
		r.check(v, c.Not, with("not"), provisionOK)
	}
	if len(c.Channel) == 1 && c.Channel[0] == "marketing" {
		// the rulebook's marketing channels
	} else {
		for i, ch := range c.Channel {
			if channelIndex(ch) < 0 {
				v.failf(append(with("channel"), i), "unknown channel %q", ch)
			}
		}
	}
	if c.Rule != "" && !r.rules[c.Rule] {
		v.failf(with("rule"), "unknown rule %q", c.Rule)
	}
	if c.Cue != "" && !r.cues[c.Cue] {
		v.failf(with("cue"), "unknown cue group %q", c.Cue)
	}
	if c.ElseCue != "" {
		if c.Field == "" {
			v.failf(with("else_cue"), "else_cue only goes with field")
		} else if !r.cues[c.ElseCue] {
			v.failf(with("else_cue"), "unknown cue group %q", c.ElseCue)
		}
	}
	for i, pr := range c.Provision {
		if !r.provs[pr] {
			v.failf(append(with("provision"), i), "unknown provision id %q", pr)
		}
	}
	if len(c.Provision) > 0 && !provisionOK {
		v.failf(with("provision"), "provision conditions are only allowed in scores")
	}
	if c.Sender != "" && c.Sender != "withheld" {
		v.failf(with("sender"), "sender can only be withheld")
	}
	if c.Field != "" {
		kind, ok := ruleFields[c.Field]
		if !ok {
			v.failf(with("field"), "unknown field %q", c.Field)
			return
		}
		switch kind {
		case "bool":
			if c.Is == nil || len(c.In) > 0 || len(c.NotIn) > 0 || c.Gte != nil {
				v.failf(path, "field %s needs is: true or is: false", c.Field)
			}
		case "int":
			if c.Gte == nil || c.Is != nil || len(c.In) > 0 || len(c.NotIn) > 0 {
				v.failf(path, "field %s needs gte", c.Field)
			}
		case "set":
			if len(c.In) == 0 || len(c.NotIn) > 0 || c.Is != nil || c.Gte != nil || c.ElseCue != "" {
				v.failf(path, "field %s needs in (and no else_cue)", c.Field)
			}
			codes := vocab.ExposedDataCodes()
			if c.Field == "breach_where" {
				codes = vocab.BreachPlaceCodes()
			}
			for _, s := range c.In {
				if !slices.Contains(codes, s) {
					v.failf(path, "%s values are %s, not %q", c.Field, strings.Join(codes, ", "), s)
				}
			}
		case "enum":
			if (len(c.In) > 0) == (len(c.NotIn) > 0) || c.Is != nil || c.Gte != nil {
				v.failf(path, "field %s needs in or not_in", c.Field)
			}
			for _, s := range append(append([]string{}, c.In...), c.NotIn...) {
				if s != "yes" && s != "no" && s != "unsure" {
					v.failf(path, "consent values are yes, no and unsure, not %q", s)
				}
			}
		}
	}
}

// checkPhrase reports what is wrong with a cue phrase; "@name" must be
// one of the rulebook's word sets.
func (rb *Rulebook) checkPhrase(ph string) error {
	parts := strings.Fields(ph)
	if len(parts) == 0 {
		return errors.New("the cue is empty")
	}
	words := 0
	for i, part := range parts {
		if part == "..." {
			if i == 0 || i == len(parts)-1 || parts[i-1] == "..." {
				return errors.New(`"..." must stand between two words`)
			}
			continue
		}
		if strings.Contains(part, "...") {
			return errors.New(`"..." must be a word of its own`)
		}
		if strings.Contains(part, "|") || strings.HasPrefix(part, "@") {
			for _, alt := range strings.Split(part, "|") {
				if name, ok := strings.CutPrefix(alt, "@"); ok {
					if _, known := rb.Text.WordSets[name]; !known {
						return fmt.Errorf("%q is not a word set (text.word_sets)", alt)
					}
					continue
				}
				if n := len(splitWords(trimMark(alt))); n != 1 {
					return fmt.Errorf("each alternative in %q must be one word, not %q", part, alt)
				}
			}
			words++
			continue
		}
		if len(splitWords(trimMark(part))) == 0 {
			return fmt.Errorf("%q has no letters or digits", part)
		}
		words++
	}
	if words == 0 {
		return errors.New("the cue has no words")
	}
	return nil
}

// trimMark removes a word's "=" (exact) or "~" (Welsh mutations) mark.
func trimMark(w string) string {
	if strings.HasPrefix(w, "=") || strings.HasPrefix(w, "~") {
		return w[1:]
	}
	return w
}

// setName is the shape of a word set's name.
var setName = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// validateText checks the word sets, the counts and the consent facts.
func (rb *Rulebook) validateText(v *validator, cues map[string]bool) {
	for name, words := range rb.Text.WordSets {
		if !setName.MatchString(name) {
			v.failf(p("text", "word_sets", name), "word set name %q must be lower-case letters, digits and underscores", name)
		}
		if len(words) == 0 {
			v.failf(p("text", "word_sets", name), "word set %s is empty", name)
		}
		for i, w := range words {
			if strings.HasPrefix(w, "@") || len(splitWords(trimMark(w))) != 1 {
				v.failf(p("text", "word_sets", name, i), "word set %s: %q must be one word (a set cannot name a set)", name, w)
			}
		}
	}
	c := rb.Counts
	for i, ch := range c.Channels {
		if channelIndex(ch) < 0 {
			v.failf(p("counts", "channels", i), "unknown channel %q", ch)
		}
	}
	for w, n := range c.Numbers {
		if strings.HasPrefix(w, "@") || len(splitWords(trimMark(w))) != 1 {
			v.failf(p("counts", "numbers", w), "number word %q must be one word", w)
		}
		if n <= 0 {
			v.failf(p("counts", "numbers", w), "number word %q must have a value above 0, not %d", w, n)
		}
	}
	for i, ph := range c.Nouns {
		if err := rb.checkPhrase(ph); err != nil {
			v.failf(p("counts", "nouns", i), "bad count noun %q: %v", ph, err)
		}
	}
	for key, words := range map[string][]string{"quantifiers": c.Quantifiers, "units": c.Units} {
		for i, w := range words {
			if strings.HasPrefix(w, "@") || len(splitWords(trimMark(w))) != 1 {
				v.failf(p("counts", key, i), "counts %s: %q must be one word", key, w)
			}
		}
	}
	if c.Within < 0 || c.Within > 5 {
		v.failf(p("counts", "within"), "counts within must be between 0 and 5 words")
	}
	if (len(c.Nouns) > 0) != (len(c.Channels) > 0) {
		v.failf(p("counts"), "counts need both nouns and channels")
	}
	if id := rb.Consent.YesCue; id != "" && !cues[id] {
		v.failf(p("consent", "yes_cue"), "unknown cue group %q", id)
	}
	if id := rb.Consent.WithdrawnCue; id != "" && !cues[id] {
		v.failf(p("consent", "withdrawn_cue"), "unknown cue group %q", id)
	}
}

// validateRuleRefs checks that "rule:" conditions never lead back to the
// rule itself (unknown rules are reported where they are named).
func (rb *Rulebook) validateRuleRefs(v *validator) {
	byID := map[string]int{}
	for i, r := range rb.Rules {
		byID[r.ID] = i
	}
	var refs func(c *Cond, out []string) []string
	refs = func(c *Cond, out []string) []string {
		if c == nil {
			return out
		}
		if c.Rule != "" {
			out = append(out, c.Rule)
		}
		for i := range c.All {
			out = refs(&c.All[i], out)
		}
		for i := range c.Any {
			out = refs(&c.Any[i], out)
		}
		return refs(c.Not, out)
	}
	for i, r := range rb.Rules {
		seen := map[string]bool{}
		queue := refs(r.When, nil)
		for len(queue) > 0 {
			id := queue[0]
			queue = queue[1:]
			if id == r.ID {
				v.failf(p("rules", i, "when"), "rule %s depends on itself (through rule conditions)", r.ID)
				return
			}
			j, ok := byID[id]
			if !ok || seen[id] {
				continue
			}
			seen[id] = true
			queue = refs(rb.Rules[j].When, queue)
		}
	}
}
