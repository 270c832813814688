package triage

import (
	"fmt"
	"maps"
	"math/bits"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Election is a registered election as triage needs it.
type Election struct {
	Name        string
	AnnouncedOn time.Time // a calendar day
	PollingDay  time.Time // a calendar day
	Nations     []string
}

// SenderCounter gives the number of other complaints about the same
// normalised sender in the 7 days before a moment.
type SenderCounter interface {
	RecentComplaints(senderKey string, before time.Time) int
}

// SenderCounts is a fixed SenderCounter (sender key → count), for tests
// and for callers that computed the counts up front.
type SenderCounts map[string]int

// RecentComplaints returns the stored count, whatever the moment.
func (c SenderCounts) RecentComplaints(key string, _ time.Time) int { return c[key] }

// Context is what the engine knows besides the complaint. Build it with
// NewContext (or as a literal) and do not change it while it is in use;
// one Context serves any number of concurrent Triage calls.
type Context struct {
	Elections  []Election
	Parties    []Party
	SameSender SenderCounter

	once  sync.Once
	index *partyIndex
	days  [][2]int // announced, polling as yyyymmdd
}

// NewContext builds a ready Context.
func NewContext(elections []Election, parties []Party, counter SenderCounter) *Context {
	c := &Context{Elections: elections, Parties: parties, SameSender: counter}
	c.prepare()
	return c
}

func (c *Context) prepare() {
	c.once.Do(func() {
		c.index = newPartyIndex(c.Parties)
		for _, e := range c.Elections {
			c.days = append(c.days, [2]int{civilDay(e.AnnouncedOn), civilDay(e.PollingDay)})
		}
	})
}

// civilDay is the calendar day of a date value as yyyymmdd. Dates from the
// database arrive as midnight UTC, so the day is taken as written.
func civilDay(t time.Time) int {
	y, m, d := t.Date()
	return y*10000 + int(m)*100 + d
}

// Result is a triage decision. JSON keys match the command line output.
type Result struct {
	ID         []byte   `json:"-"`
	Channel    string   `json:"channel"`
	Channels   []string `json:"channels"`
	Provisions []string `json:"provisions"`
	Guidance   []string `json:"guidance"`
	Score      int      `json:"score"`
	Priority   string   `json:"priority"`
	Actions    []string `json:"actions"`
	// Rationale has one line per conclusion naming the fact and the rule.
	Rationale []string `json:"rationale"`
	// Rules are the ids of the rules that fired.
	Rules []string `json:"rules"`
	// Party is the registered party matched, if any.
	Party string `json:"party,omitempty"`
	// SenderKey is the normalised sender complaints are counted by.
	SenderKey       string `json:"sender_key,omitempty"`
	RulebookVersion string `json:"rulebook_version"`
	RulebookHash    string `json:"rulebook_hash"`
	// OutOfScope says another body handles what the complaint is about
	// (R22): no provisions apply and Referral says where to go.
	OutOfScope bool `json:"out_of_scope"`
	// Referral is the id of the rulebook's referral (Rulebook.Referral
	// gives its body, web address and wording); empty when in scope.
	Referral string `json:"referral,omitempty"`
}

type ckind uint8

const (
	cAll ckind = iota
	cAny
	cNot
	cChannel
	cField
	cCue
	cProvision
	cPolitical
	cWithheld
	cInElection
	cAlways
	cRule
)

type fieldID uint8

const (
	fConsent fieldID = iota
	fOptedOut
	fTPS
	fSenderIdentified
	fOptOutOffered
	fSpecialCategory
	fRecipients
	fMember
	fWorkAddress
	fBreachExposed
	fBreachWhere
)

var fieldIDs = map[string]fieldID{
	"consent": fConsent, "opted_out": fOptedOut, "tps_registered": fTPS, "sender_identified": fSenderIdentified,
	"opt_out_offered": fOptOutOffered, "special_category": fSpecialCategory, "recipients_visible": fRecipients,
	"member": fMember, "work_address": fWorkAddress, "breach_exposed": fBreachExposed, "breach_where": fBreachWhere,
}

var fieldNames = [...]string{"consent", "opted_out", "tps_registered", "sender_identified", "opt_out_offered", "special_category",
	"recipients_visible", "member", "work_address", "breach_exposed", "breach_where"}

// cond is a compiled condition.
type cond struct {
	kind     ckind
	kids     []*cond
	chmask   uint8
	field    fieldID
	is       bool
	consent  uint8 // bit set of accepted consent values
	gte      int
	cue      int
	elseCue  int
	provmask uint64
	truth    bool     // for political/in_election/always
	values   []string // for breach_exposed/breach_where
	rule     int      // for rule: the index in Engine.rules
}

const (
	consentYes uint8 = 1 << iota
	consentNo
	consentUnsure
)

type compiledRule struct {
	id, title, note string
	when            *cond
	provmask        uint64
	guidmask        uint32
	actions         []string
}

type compiledReferral struct {
	id   string
	body string
	when *cond
	// actions tell the officer where to point the complainant.
	actions []string
}

type compiledBase struct {
	id, label string
	points    int
	when      *cond
	credits   uint8 // channels credited (bit per channel index)
}

type compiledAdder struct {
	id, label  string
	points     int
	when       *cond
	unlessBase uint64
	value      string
	tiers      []Tier
}

// Engine triages complaints with one rulebook. It is safe for concurrent
// use.
type Engine struct {
	rb       *Rulebook
	m        *matcher
	chGroup  [8]int // cue group of each channel (by index in inferredChannels), -1 when none
	suppress [8]uint8
	// suppressStated are the suppressions that also drop a stated channel.
	suppressStated [8]uint8
	marketing      uint8
	political      int // political_actor cue group or -1
	rules          []compiledRule
	bases          []compiledBase
	adders         []compiledAdder
	provIDs        []string
	guidIDs        []string
	bandActs       [][]string
	referrals      []compiledReferral
	pool           sync.Pool
	cueGroupID     map[string]int
	// order ranks channels as the rulebook lists them (ties for primary).
	order [8]int
	// together are, by channel, sets of cue groups that together are
	// strong evidence of it.
	together [8][][]int
	// cueTogether are the cue groups that also match when every group of
	// one of their sets matched, in rulebook order.
	cueTogether []cueSets
	// Counts read from text: number words (by word id), count nouns, the
	// channels counts serve.
	numWords    map[int32]int32
	countNouns  []phrase
	countWithin int
	countChans  uint8
	// quantifier and unit words of counts, by word id.
	quantifier, unit map[int32]bool
	// Consent read from text: cue groups (or -1).
	consentYes, consentWithdrawn int
}

// Rulebook returns the rulebook the engine was built from.
func (e *Engine) Rulebook() *Rulebook { return e.rb }

// NewEngine compiles a validated rulebook.
func NewEngine(rb *Rulebook) (*Engine, error) {
	e := &Engine{rb: rb, political: -1, cueGroupID: map[string]int{}, consentYes: -1, consentWithdrawn: -1, numWords: map[int32]int32{}}
	m := newMatcher(rb.Text.Negation.Window, rb.Text.Gap)
	e.m = m
	maps.Copy(m.sets, rb.Text.WordSets)
	for i := range e.order {
		e.order[i] = len(e.order) + i
	}
	for i, c := range rb.Channels {
		if ci := channelIndex(c.ID); ci >= 0 {
			e.order[ci] = i
		}
	}
	// Negation and boundary words are registered first so phrases that
	// contain them share their ids.
	for _, w := range rb.Text.Negation.Words {
		m.negation[m.word(splitWords(w)[0])] = true
	}
	for _, w := range rb.Text.Negation.Boundaries {
		m.boundary[m.word(splitWords(w)[0])] = true
	}
	for i := range e.chGroup {
		e.chGroup[i] = -1
	}
	for _, c := range rb.Channels {
		ci := channelIndex(c.ID)
		g := m.addGroup(cueGroupInfo{id: c.ID, channel: ci, negatable: true, sources: srcMessage | srcDescription, hasFirm: len(c.Firm) > 0})
		e.chGroup[ci] = g
		for _, ph := range c.Strong {
			m.addPhrase(g, ph, true)
		}
		for _, ph := range c.Firm {
			m.addPhrase(g, ph, true)
			m.phrases[len(m.phrases)-1].firm = true
		}
		for _, ph := range c.Weak {
			m.addPhrase(g, ph, false)
		}
		for _, ph := range c.Except {
			m.addException(g, ph)
		}
	}
	for _, cg := range rb.Cues {
		src := srcMessage | srcDescription
		switch cg.Source {
		case "message":
			src = srcMessage
		case "description":
			src = srcDescription
		}
		g := m.addGroup(cueGroupInfo{id: cg.ID, channel: -1, negatable: cg.Negatable, sources: src})
		e.cueGroupID[cg.ID] = g
		for _, ph := range cg.Phrases {
			m.addPhrase(g, ph, true)
		}
		for _, ph := range cg.Except {
			m.addException(g, ph)
		}
	}
	for _, cg := range rb.Cues {
		if len(cg.Together) == 0 {
			continue
		}
		cs := cueSets{group: e.cueGroupID[cg.ID]}
		for _, set := range cg.Together {
			var ids []int
			for _, id := range set {
				ids = append(ids, e.cueGroupID[id])
			}
			cs.sets = append(cs.sets, ids)
		}
		e.cueTogether = append(e.cueTogether, cs)
	}
	for _, c := range rb.Channels {
		ci := channelIndex(c.ID)
		for _, set := range c.Together {
			var ids []int
			for _, id := range set {
				ids = append(ids, e.cueGroupID[id])
			}
			e.together[ci] = append(e.together[ci], ids)
		}
	}
	if g, ok := e.cueGroupID["political_actor"]; ok {
		e.political = g
	}
	if g, ok := e.cueGroupID[rb.Consent.YesCue]; ok {
		e.consentYes = g
	}
	if g, ok := e.cueGroupID[rb.Consent.WithdrawnCue]; ok {
		e.consentWithdrawn = g
	}
	for w, n := range rb.Counts.Numbers {
		for _, f := range m.forms(w) {
			e.numWords[m.word(f)] = int32(n)
		}
	}
	for _, ph := range rb.Counts.Nouns {
		e.countNouns = append(e.countNouns, m.compilePhrase(-1, ph, false))
	}
	e.countWithin = rb.Counts.Within
	e.quantifier, e.unit = map[int32]bool{}, map[int32]bool{}
	for _, w := range rb.Counts.Quantifiers {
		for _, f := range m.forms(w) {
			e.quantifier[m.word(f)] = true
		}
	}
	for _, w := range rb.Counts.Units {
		for _, f := range m.forms(w) {
			e.unit[m.word(f)] = true
		}
	}
	for _, ch := range rb.Counts.Channels {
		e.countChans |= 1 << channelIndex(ch)
	}
	for _, s := range rb.Suppress {
		ci := channelIndex(s.Channel)
		for _, b := range s.By {
			e.suppress[ci] |= 1 << channelIndex(b)
			if s.Stated {
				e.suppressStated[ci] |= 1 << channelIndex(b)
			}
		}
	}
	for _, c := range rb.MarketingChannels {
		e.marketing |= 1 << channelIndex(c)
	}
	provIndex := map[string]int{}
	for i, pr := range rb.Provisions {
		provIndex[pr.ID] = i
		e.provIDs = append(e.provIDs, pr.ID)
	}
	guidIndex := map[string]int{}
	for i, g := range rb.Guidance {
		guidIndex[g.ID] = i
		e.guidIDs = append(e.guidIDs, g.ID)
	}
	comp := &condCompiler{e: e, prov: provIndex, rules: map[string]int{}}
	for i, r := range rb.Rules {
		comp.rules[r.ID] = i
	}
	for _, r := range rb.Rules {
		cr := compiledRule{id: r.ID, title: r.Title, note: r.Note, when: comp.compile(r.When), actions: r.Actions}
		for _, pr := range r.Provisions {
			cr.provmask |= 1 << provIndex[pr]
		}
		for _, g := range r.Guidance {
			cr.guidmask |= 1 << guidIndex[g]
		}
		e.rules = append(e.rules, cr)
	}
	baseIndex := map[string]int{}
	for i, b := range rb.Score.Bases {
		baseIndex[b.ID] = i
		cb := compiledBase{id: b.ID, label: b.Label, points: b.Points, when: comp.compile(b.When)}
		for _, ch := range b.Channels {
			if ch == "all" {
				cb.credits = 0xff
			} else {
				cb.credits |= 1 << channelIndex(ch)
			}
		}
		e.bases = append(e.bases, cb)
	}
	for _, a := range rb.Score.Adders {
		ca := compiledAdder{id: a.ID, label: a.Label, points: a.Points, value: a.Value, tiers: a.Tiers}
		if a.When != nil {
			ca.when = comp.compile(a.When)
		}
		for _, ub := range a.UnlessBase {
			ca.unlessBase |= 1 << baseIndex[ub]
		}
		e.adders = append(e.adders, ca)
	}
	for _, b := range rb.Bands {
		e.bandActs = append(e.bandActs, rb.Actions[b.Priority])
	}
	for _, r := range rb.Referrals {
		cr := compiledReferral{id: r.ID, body: r.Body.EN, when: comp.compile(r.When),
			actions: []string{"Log for trend monitoring (out of scope: counted by referral)."}}
		if r.Body.EN != "" {
			cr.actions = append(cr.actions, "Point the complainant to "+r.Body.EN+" ("+r.URL+").")
		} else {
			cr.actions = append(cr.actions, "Explain to the complainant that no body can act on this because it is lawful.")
		}
		cr.actions = append(cr.actions, "The complainant was told: "+r.Text.EN)
		e.referrals = append(e.referrals, cr)
	}
	if comp.err != nil {
		return nil, comp.err
	}
	e.pool.New = func() any { return &state{} }
	return e, nil
}

// cueSets is a cue group with the sets of cue groups that together count
// as its match.
type cueSets struct {
	group int
	sets  [][]int
}

type condCompiler struct {
	e     *Engine
	prov  map[string]int
	rules map[string]int
	err   error
}

func (cc *condCompiler) compile(c *Cond) *cond {
	out := &cond{cue: -1, elseCue: -1}
	switch {
	case len(c.All) > 0 || len(c.Any) > 0:
		out.kind = cAll
		kids := c.All
		if len(c.Any) > 0 {
			out.kind, kids = cAny, c.Any
		}
		for i := range kids {
			out.kids = append(out.kids, cc.compile(&kids[i]))
		}
	case c.Not != nil:
		out.kind = cNot
		out.kids = []*cond{cc.compile(c.Not)}
	case len(c.Channel) > 0:
		out.kind = cChannel
		if len(c.Channel) == 1 && c.Channel[0] == "marketing" {
			out.chmask = cc.e.marketing
		}
		for _, ch := range c.Channel {
			if i := channelIndex(ch); i >= 0 {
				out.chmask |= 1 << i
			}
		}
	case c.Field != "":
		out.kind = cField
		out.field = fieldIDs[c.Field]
		if c.Is != nil {
			out.is = *c.Is
		}
		if c.Gte != nil {
			out.gte = *c.Gte
		}
		out.values = c.In
		vals, accept := c.In, true
		if len(c.NotIn) > 0 {
			vals, accept = c.NotIn, false
		}
		var set uint8
		for _, v := range vals {
			set |= consentBit(v)
		}
		if accept {
			out.consent = set
		} else {
			out.consent = (consentYes | consentNo | consentUnsure) &^ set
		}
		if c.ElseCue != "" {
			out.elseCue = cc.e.cueGroupID[c.ElseCue]
		}
	case c.Cue != "":
		out.kind = cCue
		out.cue = cc.e.cueGroupID[c.Cue]
	case len(c.Provision) > 0:
		out.kind = cProvision
		for _, pr := range c.Provision {
			out.provmask |= 1 << cc.prov[pr]
		}
	case c.Political != nil:
		out.kind, out.truth = cPolitical, *c.Political
	case c.Sender != "":
		out.kind = cWithheld
	case c.InElection != nil:
		out.kind, out.truth = cInElection, *c.InElection
	case c.Always != nil:
		out.kind, out.truth = cAlways, *c.Always
	case c.Rule != "":
		out.kind, out.rule = cRule, cc.rules[c.Rule]
	default:
		cc.err = fmt.Errorf("rulebook: empty condition")
	}
	return out
}

func consentBit(v string) uint8 {
	switch v {
	case "yes":
		return consentYes
	case "no":
		return consentNo
	default:
		return consentUnsure
	}
}

// fact is a leaf condition that held, kept to explain the conclusion.
type fact struct {
	c      *cond
	viaCue bool
}

// state is the per-call scratch, pooled to keep Triage allocation-light.
type state struct {
	toks []token
	buf  []byte
	hits []hit
	// filter knows the words of the text, so phrases whose words are
	// absent are not tried.
	filter textFilter
	spans  []span
	facts  []fact

	c          *Complaint
	ctx        *Context
	consent    uint8
	channels   uint8
	inferred   uint8
	withheld   bool
	political  bool
	partyIdx   int
	election   int
	provmask   uint64
	senderKey  string
	senderKind SenderKind
	// consentHow says where consent came from (consentGiven ...).
	consentHow uint8
	// count is the largest count of people read from the text (or -1),
	// at tokens [countFrom, countTo).
	count              int
	countFrom, countTo int32
	// ruleDone and ruleHeld cache "rule:" conditions by rule index.
	ruleDone, ruleHeld uint64
	// basesHeld are the bases whose condition held, for the primary.
	basesHeld uint64
}

// Where the consent the rules see came from.
const (
	consentGiven     uint8 = iota // the answer (or unsure when missing)
	consentMember                 // member = true
	consentRead                   // read from the text (yes_cue)
	consentWithdrawn              // yes, withdrawn by a later objection
)

// Triage judges one complaint. ctx may be nil (no elections, parties or
// counts known).
func (e *Engine) Triage(c *Complaint, ctx *Context) Result {
	st := e.pool.Get().(*state)
	defer e.pool.Put(st)
	if ctx == nil {
		ctx = emptyContext
	}
	ctx.prepare()
	st.reset(e, c, ctx)

	res := Result{ID: c.ID, RulebookVersion: e.rb.Version, RulebookHash: e.rb.Hash, SenderKey: st.senderKey}
	res.Rationale = make([]string, 0, 8)

	// Channels.
	stated := statedChannel(c.Channel)
	stated = e.inferChannels(st, stated, &res)
	if st.consentHow != consentGiven {
		var b strings.Builder
		b.WriteString("Consent = ")
		e.describeConsent(&b, st)
		b.WriteString(".")
		res.Rationale = append(res.Rationale, b.String())
	}

	// Out of scope (R22): another body handles it, so no rule applies
	// and the score is the floor.
	if ref := e.referTo(st, &res); ref != nil {
		res.Provisions, res.Guidance, res.Rules = []string{}, []string{}, []string{"R22"}
		if st.partyIdx >= 0 {
			res.Party = ctx.Parties[st.partyIdx].Name
		}
		band := e.bandOf(e.rb.OutOfScopeScore())
		res.Score, res.Priority = e.rb.OutOfScopeScore(), e.rb.Bands[band].Priority
		res.Rationale = append(res.Rationale, "Score: "+strconv.Itoa(res.Score)+" (out of scope) → "+res.Priority+".")
		res.Actions = append([]string{}, ref.actions...)
		st.c, st.ctx = nil, nil
		return res
	}

	// Rules.
	var guid uint32
	var ruleActs []string
	res.Rules = make([]string, 0, 8)
	for i := range e.rules {
		r := &e.rules[i]
		st.facts = st.facts[:0]
		if !e.eval(r.when, st) {
			continue
		}
		res.Rules = append(res.Rules, r.id)
		st.provmask |= r.provmask
		guid |= r.guidmask
		ruleActs = append(ruleActs, r.actions...)
		res.Rationale = append(res.Rationale, e.ruleLine(r, st))
	}
	// Provisions and guidance share one allocation.
	np, ng := bits.OnesCount64(st.provmask), bits.OnesCount32(guid)
	ids := make([]string, 0, np+ng)
	for i, id := range e.provIDs {
		if st.provmask&(1<<i) != 0 {
			ids = append(ids, id)
		}
	}
	for i, id := range e.guidIDs {
		if guid&(1<<i) != 0 {
			ids = append(ids, id)
		}
	}
	res.Provisions, res.Guidance = ids[:np:np], ids[np:]
	if len(res.Rules) == 0 {
		res.Rationale = append(res.Rationale, "No rule applies to the facts given.")
	}
	if st.partyIdx >= 0 {
		res.Party = ctx.Parties[st.partyIdx].Name
	}

	// Score, band and actions.
	band := e.score(st, &res)
	e.primary(st, stated, &res)
	res.Actions = make([]string, 0, len(e.bandActs[band])+len(ruleActs))
	res.Actions = append(res.Actions, e.bandActs[band]...)
	for _, a := range ruleActs {
		if !contains(res.Actions, a) {
			res.Actions = append(res.Actions, a)
		}
	}
	st.c, st.ctx = nil, nil
	return res
}

var emptyContext = &Context{}

// referTo tries the rulebook's referrals in order; the first whose
// condition holds makes the complaint out of scope.
func (e *Engine) referTo(st *state, res *Result) *compiledReferral {
	for i := range e.referrals {
		r := &e.referrals[i]
		st.facts = st.facts[:0]
		if !e.eval(r.when, st) {
			continue
		}
		var b strings.Builder
		b.WriteString("R22 (Out of scope): ")
		for j, f := range st.facts {
			if j > 0 {
				b.WriteString(" and ")
			}
			e.describe(&b, f, st)
		}
		b.WriteString(" → no provisions; referral ")
		b.WriteString(r.id)
		if r.body != "" {
			b.WriteString(" (")
			b.WriteString(r.body)
			b.WriteString(")")
		}
		b.WriteString(".")
		res.OutOfScope, res.Referral = true, r.id
		res.Rationale = append(res.Rationale, b.String())
		return r
	}
	return nil
}

// bandOf returns the index of the band a score falls in.
func (e *Engine) bandOf(score int) int {
	band := 0
	for i, bd := range e.rb.Bands {
		if score >= bd.Min && score <= bd.Max {
			band = i
		}
	}
	return band
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (st *state) reset(e *Engine, c *Complaint, ctx *Context) {
	st.c, st.ctx = c, ctx
	st.toks, st.buf = st.toks[:0], st.buf[:0]
	st.toks, st.buf = e.m.tokenize(st.toks, c.Message, srcMessage, st.buf)
	st.toks, st.buf = e.m.tokenize(st.toks, c.Description, srcDescription, st.buf)
	n := len(e.m.groups)
	if cap(st.hits) < n {
		st.hits = make([]hit, n)
	}
	st.hits = st.hits[:n]
	clear(st.hits)
	st.filter.reset(len(e.m.negation), len(e.m.phrases), len(e.m.exphrases), st.toks)
	st.spans = e.m.matchSeen(st.toks, st.hits, st.spans, &st.filter)
	e.matchTogether(st.hits)
	st.facts = st.facts[:0]
	st.channels, st.inferred, st.provmask = 0, 0, 0
	st.ruleDone, st.ruleHeld, st.basesHeld = 0, 0, 0
	e.readConsent(st)
	e.readCount(st)
	st.senderKind, st.senderKey = NormaliseSender(c.Sender)
	st.withheld = st.senderKind == SenderWithheld
	st.partyIdx = -1
	if i, ok := ctx.index.match(c.Party); ok {
		st.partyIdx = i
	}
	st.political = strings.TrimSpace(c.Party) != "" || st.partyIdx >= 0 ||
		(e.political >= 0 && st.hits[e.political].matched)
	st.election = -1
	if day := c.ReceivedAt.Day(); day > 0 {
		for i, d := range ctx.days {
			if day >= d[0] && day <= d[1] {
				st.election = i
				break
			}
		}
	}
}

// matchTogether settles the cue groups matched by a set of other groups:
// the group counts as matched, quoting the last group of the set (the
// groups it refers to are listed, and so settled, before it).
func (e *Engine) matchTogether(hits []hit) {
	for _, cs := range e.cueTogether {
		h := &hits[cs.group]
		if h.matched {
			continue
		}
		for _, set := range cs.sets {
			all := true
			for _, g := range set {
				all = all && hits[g].matched
			}
			if all {
				first, last := &hits[set[0]], &hits[set[len(set)-1]]
				h.matched, h.strong = true, true
				h.from, h.to, h.strongFrom, h.strTo = last.from, last.to, last.from, last.to
				h.with, h.withFrom, h.withTo = true, first.from, first.to
				break
			}
		}
	}
}

// inferChannels applies the policy: with channel other or missing, the
// channels with strong cues (or, failing any, weak cues) are inferred; with
// a stated channel, channels with strong cues are added to it. Suppressed
// channels (a live call when there are recorded-call cues, an email when
// there are exposure cues) are not inferred.
func (e *Engine) inferChannels(st *state, stated int, res *Result) int {
	var strong, weak, evidence, firm, joint uint8
	var jointSet [8][]int
	for ci, sets := range e.together {
		for _, set := range sets {
			all := true
			for _, g := range set {
				all = all && st.hits[g].matched
			}
			if all {
				strong |= 1 << ci
				joint |= 1 << ci
				jointSet[ci] = set
				break
			}
		}
	}
	for ci, g := range e.chGroup {
		if g < 0 {
			continue
		}
		h := &st.hits[g]
		if h.firm {
			firm |= 1 << ci
		}
		if h.matched {
			weak |= 1 << ci
		}
		if h.strong {
			strong |= 1 << ci
		}
	}
	// A channel suppresses others only when it is found itself: weak cues
	// count only when no channel has a strong one.
	evidence = strong
	if strong == 0 {
		evidence = weak
	}
	if stated >= 0 {
		if by := e.suppressStated[stated]; evidence&by != 0 && firm&(1<<stated) == 0 {
			for ci := range inferredChannels {
				if by&evidence&(1<<ci) != 0 {
					res.Rationale = append(res.Rationale, "Channel "+inferredChannels[stated]+" was chosen by the complainant, but the text shows "+
						inferredChannels[ci]+" instead, so the rules for "+inferredChannels[stated]+" do not apply.")
					break
				}
			}
			stated = -1
		} else {
			evidence |= 1 << stated
		}
	}
	for ci, by := range e.suppress {
		if evidence&by != 0 && firm&(1<<ci) == 0 {
			strong &^= 1 << ci
			weak &^= 1 << ci
		}
	}
	var inferred uint8
	if stated < 0 {
		inferred = strong
		if inferred == 0 {
			inferred = weak
		}
	} else {
		inferred = strong &^ (1 << stated)
	}
	st.inferred = inferred
	st.channels = inferred
	if stated >= 0 {
		st.channels |= 1 << stated
		res.Channel = inferredChannels[stated]
		res.Channels = append(res.Channels, inferredChannels[stated])
		res.Rationale = append(res.Rationale, "Channel "+inferredChannels[stated]+": stated by the complainant.")
	}
	for ci, ch := range inferredChannels {
		if inferred&(1<<ci) == 0 {
			continue
		}
		if res.Channel == "" {
			res.Channel = ch
		}
		res.Channels = append(res.Channels, ch)
		how := "inferred"
		if stated >= 0 {
			how = "added: strong text evidence"
		}
		h := &st.hits[e.chGroup[ci]]
		if joint&(1<<ci) != 0 && !h.strong {
			var b strings.Builder
			for i, g := range jointSet[ci] {
				if i > 0 {
					b.WriteString(" with ")
				}
				b.WriteString(st.quote(st.hits[g].from, st.hits[g].to))
			}
			res.Rationale = append(res.Rationale, "Channel "+ch+": "+how+" from the text "+b.String()+".")
			continue
		}
		from, to := h.from, h.to
		if h.strong {
			from, to = h.strongFrom, h.strTo
		}
		res.Rationale = append(res.Rationale, "Channel "+ch+": "+how+" from the text "+st.quote(from, to)+".")
	}
	for ci, g := range e.chGroup {
		if g < 0 || st.hits[g].matched || !st.hits[g].negated || st.channels&(1<<ci) != 0 {
			continue
		}
		h := &st.hits[g]
		res.Rationale = append(res.Rationale, "Not "+inferredChannels[ci]+": the cue "+st.quote(h.negFrom, h.negTo)+
			" is negated (a negation word within "+strconv.Itoa(e.m.window)+" words before it).")
	}
	if res.Channel == "" {
		res.Channel = "other"
		res.Rationale = append(res.Rationale, "Channel other: none stated and no channel cue in the text.")
	}
	if res.Channels == nil {
		res.Channels = []string{}
	}
	return stated
}

// quote returns the original text of tokens [from, to) in quotes.
func (st *state) quote(from, to int32) string {
	if from >= to || int(to) > len(st.toks) {
		return `""`
	}
	a, b := st.toks[from], st.toks[to-1]
	src := st.c.Message
	if a.src == srcDescription {
		src = st.c.Description
	}
	if a.src != b.src || a.start < 0 || int(b.end) > len(src) || a.start > b.end {
		return `""`
	}
	return strconv.Quote(redact(src[a.start:b.end]))
}

// redact hides what looks like personal data inside a quoted cue: a word
// with "@" (an email address) or a run of six or more digits, spaces
// allowed (a phone number). Rationale text must never carry them.
func redact(q string) string {
	if !strings.ContainsAny(q, "@0123456789") {
		return q
	}
	fields := strings.Fields(q)
	digitsIn := func(f string) int {
		n := 0
		for _, r := range f {
			if r >= '0' && r <= '9' {
				n++
			}
		}
		return n
	}
	changed := false
	for i := 0; i < len(fields); i++ {
		if strings.Contains(fields[i], "@") {
			fields[i], changed = "[…]", true
			continue
		}
		// A run of words made of digits (and +, -, brackets) adding up to
		// six digits or more.
		j, n := i, 0
		for ; j < len(fields) && digitsIn(fields[j]) > 0 && strings.Trim(fields[j], "0123456789+-()") == ""; j++ {
			n += digitsIn(fields[j])
		}
		if n >= 6 {
			for k := i; k < j; k++ {
				fields[k] = "[…]"
			}
			changed, i = true, j-1
		}
	}
	if !changed {
		return q
	}
	return strings.Join(fields, " ")
}

func (e *Engine) eval(c *cond, st *state) bool {
	switch c.kind {
	case cAll:
		mark := len(st.facts)
		for _, k := range c.kids {
			if !e.eval(k, st) {
				st.facts = st.facts[:mark]
				return false
			}
		}
		return true
	case cAny:
		for _, k := range c.kids {
			mark := len(st.facts)
			if e.eval(k, st) {
				return true
			}
			st.facts = st.facts[:mark]
		}
		return false
	case cNot:
		mark := len(st.facts)
		ok := !e.eval(c.kids[0], st)
		st.facts = st.facts[:mark]
		// "not: {rule: ...}" guards a rule (R1 unless R19 or R20); the
		// rationale names the rules that fired, not those that did not.
		if ok && c.kids[0].kind != cRule {
			st.facts = append(st.facts, fact{c: c})
		}
		return ok
	case cChannel:
		if st.channels&c.chmask != 0 {
			st.facts = append(st.facts, fact{c: c})
			return true
		}
		return false
	case cField:
		known, ok := e.field(c, st)
		if !known && c.elseCue >= 0 {
			if st.hits[c.elseCue].matched {
				st.facts = append(st.facts, fact{c: c, viaCue: true})
				return true
			}
			return false
		}
		if ok {
			st.facts = append(st.facts, fact{c: c})
		}
		return ok
	case cCue:
		if st.hits[c.cue].matched {
			st.facts = append(st.facts, fact{c: c})
			return true
		}
		return false
	case cProvision:
		if st.provmask&c.provmask != 0 {
			st.facts = append(st.facts, fact{c: c})
			return true
		}
		return false
	case cPolitical:
		return e.leaf(c, st, st.political == c.truth)
	case cWithheld:
		return e.leaf(c, st, st.withheld)
	case cInElection:
		return e.leaf(c, st, (st.election >= 0) == c.truth)
	case cAlways:
		return c.truth
	case cRule:
		return e.leaf(c, st, e.ruleHolds(c.rule, st))
	}
	return false
}

// ruleHolds evaluates another rule's condition once per complaint, without
// keeping its facts.
func (e *Engine) ruleHolds(i int, st *state) bool {
	bit := uint64(1) << (i & 63)
	if st.ruleDone&bit == 0 {
		mark := len(st.facts)
		if e.eval(e.rules[i].when, st) {
			st.ruleHeld |= bit
		}
		st.facts = st.facts[:mark]
		st.ruleDone |= bit
	}
	return st.ruleHeld&bit != 0
}

func (e *Engine) leaf(c *cond, st *state, ok bool) bool {
	if ok {
		st.facts = append(st.facts, fact{c: c})
	}
	return ok
}

// field returns whether the field is known and, if so, whether the
// condition holds.
func (e *Engine) field(c *cond, st *state) (known, ok bool) {
	var b OptBool
	switch c.field {
	case fConsent:
		return true, st.consent&c.consent != 0
	case fRecipients:
		n, known := e.recipients(st)
		return known, known && n >= c.gte
	case fOptedOut:
		known, yes := e.optedOut(st)
		b = OptBool{Set: known, Value: yes}
	case fMember:
		b = st.c.Member
	case fWorkAddress:
		b = st.c.WorkAddress
	case fBreachWhere:
		return true, slices.Contains(c.values, st.c.BreachWhere)
	case fBreachExposed:
		for _, x := range st.c.BreachExposed {
			if slices.Contains(c.values, x) {
				return true, true
			}
		}
		return true, false
	case fTPS:
		b = st.c.TPSRegistered
	case fSenderIdentified:
		b = st.c.SenderIdentified
	case fOptOutOffered:
		b = st.c.OptOutOffered
	case fSpecialCategory:
		b = st.c.SpecialCategory
	}
	return b.Set, b.Set && b.Value == c.is
}

// recipients is recipients_visible: the answer, or else a count read from
// the text when the complaint is on a channel counts serve.
func (e *Engine) recipients(st *state) (int, bool) {
	if n := st.c.RecipientsVisible; n.Set {
		return n.Value, true
	}
	if st.count >= 0 && st.channels&e.countChans != 0 {
		return st.count, true
	}
	return 0, false
}

// ruleLine explains a fired rule: the facts, the rule and what it engaged.
func (e *Engine) ruleLine(r *compiledRule, st *state) string {
	var b strings.Builder
	// One allocation for the usual line rather than a string grown
	// several times.
	b.Grow(256)
	b.WriteString(r.id)
	b.WriteString(" (")
	b.WriteString(r.title)
	b.WriteString("): ")
	for i, f := range st.facts {
		if i > 0 {
			b.WriteString(" and ")
		}
		e.describe(&b, f, st)
	}
	b.WriteString(" → ")
	n := 0
	for i, id := range e.provIDs {
		if r.provmask&(1<<i) != 0 {
			if n > 0 {
				b.WriteString(", ")
			}
			b.WriteString(id)
			n++
		}
	}
	if n == 0 {
		b.WriteString("the channel's rule applies")
	}
	b.WriteString("; guidance ")
	n = 0
	for i, id := range e.guidIDs {
		if r.guidmask&(1<<i) != 0 {
			if n > 0 {
				b.WriteString(", ")
			}
			b.WriteString(id)
			n++
		}
	}
	if r.note != "" {
		b.WriteString(" — ")
		b.WriteString(r.note)
	}
	b.WriteString(".")
	return b.String()
}

func (e *Engine) describe(b *strings.Builder, f fact, st *state) {
	c := f.c
	switch c.kind {
	case cChannel:
		first := true
		for ci, ch := range inferredChannels {
			if c.chmask&st.channels&(1<<ci) == 0 {
				continue
			}
			if !first {
				b.WriteString(", ")
			}
			first = false
			b.WriteString("channel ")
			b.WriteString(ch)
			if st.inferred&(1<<ci) != 0 {
				b.WriteString(" (from the text)")
			}
		}
	case cNot:
		if k := c.kids[0]; k.kind == cChannel {
			b.WriteString("not channel")
			for ci, ch := range inferredChannels {
				if k.chmask&(1<<ci) != 0 {
					b.WriteString(" ")
					b.WriteString(ch)
				}
			}
		} else if k.kind == cRule {
			b.WriteString(e.rules[k.rule].id)
			b.WriteString(" does not apply")
		} else if k.kind == cCue {
			b.WriteString("the text has no ")
			b.WriteString(strings.ReplaceAll(e.m.groups[k.cue].id, "_", " "))
			b.WriteString(" cue")
		} else {
			b.WriteString("a condition does not hold")
		}
	case cRule:
		b.WriteString(e.rules[c.rule].id)
		b.WriteString(" applies (")
		b.WriteString(e.rules[c.rule].title)
		b.WriteString(")")
	case cField:
		name := fieldNames[c.field]
		if f.viaCue {
			h := &st.hits[c.elseCue]
			b.WriteString(name)
			b.WriteString(" = ")
			b.WriteString(strconv.FormatBool(c.is))
			b.WriteString(", ")
			b.WriteString(st.readHit(h))
			return
		}
		b.WriteString(name)
		switch c.field {
		case fBreachExposed:
			b.WriteString(" includes ")
			first := true
			for _, x := range st.c.BreachExposed {
				if slices.Contains(c.values, x) {
					if !first {
						b.WriteString(", ")
					}
					first = false
					b.WriteString(x)
				}
			}
			return
		case fBreachWhere:
			b.WriteString(" = ")
			b.WriteString(st.c.BreachWhere)
			return
		}
		b.WriteString(" = ")
		switch c.field {
		case fConsent:
			e.describeConsent(b, st)
		case fRecipients:
			n, _ := e.recipients(st)
			b.WriteString(strconv.Itoa(n))
			if !st.c.RecipientsVisible.Set {
				b.WriteString(", ")
				b.WriteString(st.readFrom(st.countFrom, st.countTo))
			}
		case fOptedOut:
			b.WriteString(strconv.FormatBool(c.is))
			if d := st.c.AskedToStopOn; !d.IsZero() {
				b.WriteString(" (asked to stop on ")
				b.WriteString(dayString(d.Day()))
				if c.is {
					b.WriteString(", on or before the day received)")
				} else {
					b.WriteString(", after the day received)")
				}
			}
		default:
			b.WriteString(strconv.FormatBool(c.is))
		}
	case cCue:
		h := &st.hits[c.cue]
		b.WriteString("the text says ")
		b.WriteString(st.quote(h.from, h.to))
		if h.with {
			b.WriteString(" with ")
			b.WriteString(st.quote(h.withFrom, h.withTo))
		}
	case cProvision:
		first := true
		for i, id := range e.provIDs {
			if c.provmask&st.provmask&(1<<i) != 0 {
				if !first {
					b.WriteString(", ")
				}
				first = false
				b.WriteString(id)
			}
		}
		b.WriteString(" engaged")
	case cPolitical:
		switch {
		case st.partyIdx >= 0:
			b.WriteString("party ")
			b.WriteString(strconv.Quote(st.ctx.Parties[st.partyIdx].Name))
		case strings.TrimSpace(st.c.Party) != "":
			b.WriteString("party given as ")
			b.WriteString(strconv.Quote(strings.TrimSpace(st.c.Party)))
		default:
			h := &st.hits[e.political]
			b.WriteString("a political sender (the text says ")
			b.WriteString(st.quote(h.from, h.to))
			b.WriteString(")")
		}
	case cWithheld:
		b.WriteString("the sender is a withheld number")
	case cInElection:
		if st.election >= 0 {
			el := st.ctx.Elections[st.election]
			d := st.ctx.days[st.election]
			b.WriteString("received ")
			b.WriteString(dayString(st.c.ReceivedAt.Day()))
			b.WriteString(", between the announcement and polling day of ")
			b.WriteString(el.Name)
			b.WriteString(" (")
			b.WriteString(dayString(d[0]))
			b.WriteString(" to ")
			b.WriteString(dayString(d[1]))
			b.WriteString(")")
		} else {
			b.WriteString("not received during a registered election")
		}
	}
}

func (e *Engine) describeConsent(b *strings.Builder, st *state) {
	switch st.consentHow {
	case consentMember:
		b.WriteString("yes (member = true)")
	case consentRead:
		h := &st.hits[e.consentYes]
		b.WriteString("yes, ")
		b.WriteString(st.readHit(h))
	case consentWithdrawn:
		b.WriteString("unsure (consent was given, then withdrawn by an objection)")
	default:
		b.WriteString(normConsent(st.c.Consent))
	}
}

// readHit is readFrom for a cue group's match; a match by a set of groups
// quotes the first group's words too ("press 2 to be removed" with "I
// pressed").
func (st *state) readHit(h *hit) string {
	if !h.with {
		return st.readFrom(h.from, h.to)
	}
	return st.readFrom(h.withFrom, h.withTo) + " with " + st.quote(h.from, h.to)
}

// readFrom says which text a fact was read from and quotes it, so an
// officer can check it and override it.
func (st *state) readFrom(from, to int32) string {
	where := "the text"
	if int(from) < len(st.toks) {
		switch st.toks[from].src {
		case srcMessage:
			where = "the message"
		case srcDescription:
			where = "the description"
		}
	}
	return "read from " + where + ": " + st.quote(from, to)
}

// primary picks the complaint's main channel among several: the one
// credited with the highest base that applied; ties go to the channel the
// complainant chose, then to the rulebook's order of channels.
func (e *Engine) primary(st *state, stated int, res *Result) {
	if bits.OnesCount8(st.channels) < 2 {
		return
	}
	best, bestPts, bestBase := -1, -2, -1
	for ci := range inferredChannels {
		if st.channels&(1<<ci) == 0 {
			continue
		}
		pts, base := -1, -1
		for i := range e.bases {
			if st.basesHeld&(1<<i) != 0 && e.bases[i].credits&(1<<ci) != 0 && e.bases[i].points > pts {
				pts, base = e.bases[i].points, i
			}
		}
		better := pts > bestPts
		if pts == bestPts && best >= 0 && best != stated {
			better = ci == stated || e.order[ci] < e.order[best]
		}
		if better {
			best, bestPts, bestBase = ci, pts, base
		}
	}
	ch := inferredChannels[best]
	res.Channel = ch
	// The primary channel comes first.
	if i := slices.Index(res.Channels, ch); i > 0 {
		copy(res.Channels[1:i+1], res.Channels[:i])
		res.Channels[0] = ch
	}
	line := "Primary channel " + ch + ": "
	if bestBase >= 0 {
		line += "the highest base among the channels reported (" + e.bases[bestBase].label + ", " + strconv.Itoa(bestPts) + ")."
	} else {
		line += "first of the channels reported."
	}
	res.Rationale = append(res.Rationale, line)
}

// score adds up the points, appends the explanation and returns the band
// index.
func (e *Engine) score(st *state, res *Result) int {
	var b strings.Builder
	b.Grow(192)
	best := -1
	for i := range e.bases {
		st.facts = st.facts[:0]
		if !e.eval(e.bases[i].when, st) {
			continue
		}
		st.basesHeld |= 1 << i
		if best < 0 || e.bases[i].points > e.bases[best].points {
			best = i
		}
	}
	total := 0
	if best >= 0 {
		total = e.bases[best].points
		b.WriteString("Score: base ")
		b.WriteString(strconv.Itoa(total))
		b.WriteString(" (")
		b.WriteString(e.bases[best].label)
		b.WriteString(")")
	}
	for i := range e.adders {
		a := &e.adders[i]
		if best >= 0 && a.unlessBase&(1<<best) != 0 {
			continue
		}
		pts := 0
		var why string
		if a.when != nil {
			st.facts = st.facts[:0]
			if e.eval(a.when, st) {
				pts = a.points
				var fb strings.Builder
				for j, f := range st.facts {
					if j > 0 {
						fb.WriteString(" and ")
					}
					e.describe(&fb, f, st)
				}
				why = fb.String()
			}
		} else {
			v, known := 0, false
			switch a.value {
			case "recipients_visible":
				v, known = e.recipients(st)
			case "same_sender_count":
				if st.senderKey != "" && st.ctx.SameSender != nil {
					v, known = st.ctx.SameSender.RecentComplaints(st.senderKey, st.c.ReceivedAt.Time), true
				}
			}
			for _, t := range a.tiers {
				if known && v >= t.Gte {
					pts = t.Points
					why = a.value + " = " + strconv.Itoa(v) + " (at least " + strconv.Itoa(t.Gte) + ")"
					if a.value == "recipients_visible" && !st.c.RecipientsVisible.Set {
						why += ", " + st.readFrom(st.countFrom, st.countTo)
					}
				}
			}
		}
		if pts == 0 {
			continue
		}
		total += pts
		b.WriteString(" + ")
		b.WriteString(strconv.Itoa(pts))
		b.WriteString(" (")
		b.WriteString(a.label)
		if why != "" && why != a.label {
			b.WriteString(": ")
			b.WriteString(why)
		}
		b.WriteString(")")
	}
	if total > e.rb.Score.Cap {
		total = e.rb.Score.Cap
		b.WriteString(", capped at ")
		b.WriteString(strconv.Itoa(total))
	}
	band := 0
	for i, bd := range e.rb.Bands {
		if total >= bd.Min && total <= bd.Max {
			band = i
		}
	}
	bd := e.rb.Bands[band]
	res.Score = total
	res.Priority = bd.Priority
	b.WriteString(" = ")
	b.WriteString(strconv.Itoa(total))
	b.WriteString(" → ")
	b.WriteString(bd.Priority)
	b.WriteString(" (")
	b.WriteString(strconv.Itoa(bd.Min))
	b.WriteString("–")
	b.WriteString(strconv.Itoa(bd.Max))
	b.WriteString(").")
	res.Rationale = append(res.Rationale, b.String())
	return band
}

// readConsent settles the consent the rules see. An answer of yes or no
// stands; when it is missing or unsure, a member (member = true) or a
// sign-up statement in the text means yes. Consent to hear from a sender
// is withdrawn by a later objection, so "yes" with an objection is unsure.
func (e *Engine) readConsent(st *state) {
	c := st.c
	st.consent, st.consentHow = consentBit(normConsent(c.Consent)), consentGiven
	if st.consent == consentUnsure {
		switch {
		case c.Member.Set:
			if c.Member.Value {
				st.consent, st.consentHow = consentYes, consentMember
			}
		case e.consentYes >= 0 && st.hits[e.consentYes].matched:
			st.consent, st.consentHow = consentYes, consentRead
		}
	}
	if st.consent == consentYes {
		if known, yes := e.optedOut(st); (known && yes) || (!known && e.consentWithdrawn >= 0 && st.hits[e.consentWithdrawn].matched) {
			st.consent, st.consentHow = consentUnsure, consentWithdrawn
		}
	}
}

// optedOut is the structured objection: the day they asked to stop (on or
// before the day received means they had objected) beats opted_out.
func (e *Engine) optedOut(st *state) (known, yes bool) {
	c := st.c
	if !c.AskedToStopOn.IsZero() {
		got := c.ReceivedAt.Day()
		return true, got == 0 || c.AskedToStopOn.Day() <= got
	}
	return c.OptedOut.Set, c.OptedOut.Value
}

// readCount finds the largest count of people in the text: a number in
// digits or words ("2,000", "sixty", "two hundred", "hundreds") followed
// within a few words by a count noun ("people", "addresses", "in the
// group"), in the same clause.
func (e *Engine) readCount(st *state) {
	st.count = -1
	if len(e.countNouns) == 0 {
		return
	}
	toks := st.toks
	for i := 0; i < len(toks); i++ {
		if e.numberAt(toks, i) < 0 {
			continue
		}
		var total, cur int64
		j := i
		for ; j < len(toks); j++ {
			v := int64(e.numberAt(toks, j))
			switch {
			case v < 0:
			case j == i:
				cur = v
				continue
			case v == 10 && cur > 0 && cur < 10, v == 100 || v == 1000 || v == 1000000:
				// "two hundred", "3 thousand", Welsh "chwe deg" (sixty)
				cur = max(cur, 1) * v
				if v >= 1000 {
					total, cur = total+cur, 0
				}
				continue
			case v < 100 && (cur%100 == 0 || cur%10 == 0 && v < 10):
				// "two hundred fifty", "sixty five"
				cur += v
				continue
			}
			break
		}
		n := total + cur
		if n > 10_000_000 {
			n = 10_000_000
		}
		end := e.nounAfter(toks, j)
		if end < 0 && e.quantified(toks, i, j) {
			end = j
		}
		if end < 0 {
			i = j - 1
			continue
		}
		if int(n) > st.count {
			st.count, st.countFrom, st.countTo = int(n), int32(i), int32(end)
		}
		i = j - 1
	}
}

// quantified reports a number at tokens [i, j) with a quantifier before it
// ("well over a hundred") and no unit after it ("about 10 minutes").
func (e *Engine) quantified(toks []token, i, j int) bool {
	if j < len(toks) && toks[j].id > 0 && e.unit[toks[j].id] {
		return false
	}
	for k := i - 1; k >= 0 && k >= i-2; k-- {
		id := toks[k].id
		if id == tokBoundary {
			return false
		}
		if id > 0 && e.quantifier[id] {
			return true
		}
	}
	return false
}

// numberAt is the value of token i as a number (digits or a number
// word), or -1.
func (e *Engine) numberAt(toks []token, i int) int32 {
	t := toks[i]
	if t.num >= 0 && t.id != tokBoundary {
		return t.num
	}
	if t.id > 0 {
		if v, ok := e.numWords[t.id]; ok {
			return v
		}
	}
	return -1
}

// nounAfter returns the end of a count noun starting within countWithin
// words of token j (not across a clause boundary), or -1.
func (e *Engine) nounAfter(toks []token, j int) int {
	for k := j; k <= j+e.countWithin && k < len(toks); k++ {
		if toks[k].id == tokBoundary {
			return -1
		}
		for pi := range e.countNouns {
			if end := e.m.matchFrom(e.countNouns[pi].elems, toks, k); end >= 0 {
				return end
			}
		}
	}
	return -1
}
