// Package complaintgen generates realistic demonstration complaints in a
// demo general election: `campaignwatch demo --complaints N`, the report
// tests and the export benchmark. It writes no table itself: in one
// transaction it opens, the election goes through outreach, the
// complaints and complainants through complaints.Service.BackfillTx, and
// their triage results (from the pipeline's own engine) and review
// outcomes through review.Pipeline.BackfillTx; the run's demo.complaints
// audit entry goes through internal/audit.
//
// It lives apart from internal/demo because it needs the complaint
// packages, whose own tests load internal/demo's party registry.
package complaintgen

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/campaignwatch/campaignwatch/complaints"
	"github.com/campaignwatch/campaignwatch/complaints/review"
	"github.com/campaignwatch/campaignwatch/complaints/triage"
	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/internal/audit"
	"github.com/campaignwatch/campaignwatch/internal/plaintext"
	"github.com/campaignwatch/campaignwatch/outreach"
	"github.com/campaignwatch/campaignwatch/outreach/parties"
)

// ElectionName names the general election the generator creates when the
// database has none.
const ElectionName = "UK Parliamentary general election (demo)"

// ElectionNameCY is ElectionName in Welsh, for the Welsh version of its
// letters.
const ElectionNameCY = "Etholiad cyffredinol Senedd y DU (arddangos)"

// DemoElectionName names the election `campaignwatch demo --complaints N`
// creates for itself on every run, so nobody mistakes it for a real one and
// no real election ever gets demonstration complaints.
const DemoElectionName = "Demonstration election (not real)"

// DemoElectionNameCY is DemoElectionName in Welsh.
const DemoElectionNameCY = "Etholiad arddangos (nid go iawn)"

// Deps are the services the generator writes through, built by the
// composition root.
type Deps struct {
	// Pool is where the run's one transaction begins.
	Pool       *pgxpool.Pool
	Parties    *parties.Store
	Elections  *outreach.Service
	Complaints *complaints.Service
	Review     *review.Pipeline
}

// Result says what Generate did.
type Result struct {
	ElectionID int64
	Created    bool // the demo election was created by this run
	Complaints int
	// Triaged is how many of the complaints have a triage result.
	Triaged int
	// Days is how many distinct days the complaints were received on.
	Days int
	// Surge is how many complaints of the last 24 hours came from one
	// party on one channel (SurgeParty, SurgeChannel), enough for the
	// monitor to raise an alert; zero when n was too small for one.
	Surge        int
	SurgeParty   string
	SurgeChannel string
}

// options are what tell GenerateDemo's run from Generate's.
type options struct {
	// own: always create a new demonstration election.
	own bool
	// triageAll: every complaint has a triage result and none is new.
	triageAll bool
	// shaped: a daily shape (weekends quieter, rising towards polling
	// day) and a surge in the last 24 hours of at least surgeMin.
	shaped   bool
	surgeMin int
}

// demoParty is a party the generator can attribute complaints to.
type demoParty struct {
	id        int64
	name      string
	shortName string
	weight    int
}

// chunk is how many complaints are generated and stored at a time, so
// memory stays flat however many are asked for.
const chunk = 50_000

// outcomes are the review outcomes closed demo complaints get, by id.
var outcomes = []string{vocab.OutcomeNoBreach, vocab.OutcomeAdviceGiven, vocab.OutcomePartyContacted, vocab.OutcomeReferred}

// Generate adds n realistic demo complaints across the registered
// parties, every channel and the days of a general election (created,
// running from five weeks ago to polling day next week, when there is
// none), in one transaction. Complainants get names, emails, phones and
// postcodes under example.org and Ofcom's drama number ranges, so
// redaction can be seen working on them. Most complaints are triaged by
// the pipeline's engine and some closed with an outcome. The run is
// audited as demo.complaints on the election; a run that fails part way
// leaves nothing, not even the election.
func Generate(ctx context.Context, d Deps, n int, seed uint64) (*Result, error) {
	return run(ctx, d, n, seed, options{})
}

// GenerateDemo is Generate for people learning the service: it always
// creates an election of its own, named DemoElectionName, and never adds
// to an existing one. Every complaint is triaged (by the pipeline's
// engine, in the same transaction) and none is left new. Complaints follow
// a daily shape, quieter at weekends and rising towards polling day, and
// when n allows, one party's complaints on one channel surge in the last
// 24 hours to at least surgeMin, so the monitor's next check
// (monitor.Monitor.Check) raises an alert.
func GenerateDemo(ctx context.Context, d Deps, n int, seed uint64, surgeMin int) (*Result, error) {
	return run(ctx, d, n, seed, options{own: true, triageAll: true, shaped: true, surgeMin: surgeMin})
}

func run(ctx context.Context, d Deps, n int, seed uint64, o options) (*Result, error) {
	var res *Result
	err := pgx.BeginFunc(ctx, d.Pool, func(tx pgx.Tx) error {
		var err error
		res, err = generate(ctx, tx, d, n, seed, o)
		return err
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

func generate(ctx context.Context, tx pgx.Tx, d Deps, n int, seed uint64, o options) (*Result, error) {
	res := &Result{}
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	now := time.Now().In(vocab.London)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	var e *outreach.Election
	var err error = apperr.New(apperr.NotFound, "no election")
	name, nameCY := ElectionName, ElectionNameCY
	if o.own {
		name, nameCY = DemoElectionName, DemoElectionNameCY
	} else {
		e, err = d.Elections.LatestElectionTx(ctx, tx, "general")
	}
	if apperr.CodeOf(err) == apperr.NotFound {
		announced, polling, followUp := today.AddDate(0, 0, -35), today.AddDate(0, 0, 7), 14
		e, err = d.Elections.RecordElectionTx(ctx, tx, outreach.ElectionInput{Name: name, NameCY: nameCY, Type: "general",
			Nations: vocab.NationCodes(), AnnouncedOn: &announced, PollingDay: &polling, FollowUpDays: &followUp,
			Demo: o.own},
			map[string]any{"name": name, "name_cy": nameCY, "demo": true})
		res.Created = err == nil
	}
	if err != nil {
		return nil, fmt.Errorf("demo election: %w", err)
	}
	res.ElectionID = e.ID
	if n <= 0 {
		return res, nil
	}
	ps, err := loadParties(ctx, d.Parties)
	if err != nil {
		return nil, err
	}
	// Complaints fall between the announcement and today (or polling
	// day, if that has passed), more of them as polling day nears.
	end := e.PollingDay
	if today.Before(end) {
		end = today
	}
	days := max(int(end.Sub(e.AnnouncedOn).Hours()/24)+1, 1)

	engine := d.Review.Engine()
	batch := fmt.Sprintf("demo-%d-%d", now.UnixNano(), seed)
	g := &generator{rng: rng, parties: ps, senders: map[int64][]string{}, triageAll: o.triageAll, now: now}
	for _, p := range ps {
		g.totalWeight += p.weight
	}
	if o.shaped {
		g.shape(e.AnnouncedOn, days)
		// The surge needs room among the n complaints: at most a third
		// of them, and none at all when that is below what raises an
		// alert.
		if s := max(o.surgeMin, n/20); s <= n/3 && end.Equal(today) {
			res.Surge = s
			g.surgeParty = &ps[rng.IntN(min(3, len(ps)))]
			g.surgeChannel = []string{vocab.ChannelSMS, vocab.ChannelEmail, vocab.ChannelAutomatedCall}[rng.IntN(3)]
			res.SurgeParty, res.SurgeChannel = g.surgeParty.name, g.surgeChannel
		}
	}
	seenDays := map[string]bool{}
	cs := make([]complaints.Backfilled, 0, min(n, chunk))
	results := make([]*triage.Result, 0, min(n, chunk))
	for i := 0; i < n; {
		cs, results = cs[:0], results[:0]
		for ; i < n && len(cs) < chunk; i++ {
			c := g.complaint(e.AnnouncedOn, days, e.PollingDay, i < res.Surge)
			seenDays[c.received.In(vocab.London).Format(time.DateOnly)] = true
			sourceID := fmt.Sprintf("%s-%d", batch, i+1)
			sub := complaints.Submission{Channel: c.channel, PartyID: c.partyID, PartyText: c.partyText,
				ReceivedAt: c.received, ReceivedAtHasTime: c.hasTime, Sender: c.sender, Message: c.message,
				Description: c.description, Consent: c.consent, OptedOut: c.optedOut, TPSRegistered: c.tps,
				SenderIdentified: c.identified, OptOutOffered: c.optOutOffered, RecipientsVisible: c.recipients,
				SpecialCategory: c.special, Contacted: c.contacted, Member: c.member, WorkAddress: c.workAddress,
				AskedToStopOn: c.askedToStopOn, BreachWhere: c.breachWhere, BreachExposed: c.breachExposed,
				Complainant: c.person, Source: "demo", SourceID: sourceID}
			// Intake runs the real engine on every complaint, for the
			// referral the complainant is told about; the generator's own
			// guess only decides which complaints are still untriaged.
			tc := sub.TriageComplaint()
			tr := engine.Triage(&tc, nil)
			var r *triage.Result
			if c.priority != nil {
				r = &tr
				c.priority = &tr.Priority
				res.Triaged++
			}
			results = append(results, r)
			cs = append(cs, complaints.Backfilled{
				Submission: sub, Referral: tr.Referral,
				Reference: g.reference(), ElectionID: &res.ElectionID, Status: c.status, Priority: c.priority,
				ClosedAt: c.closedAt, SubmittedAt: c.submitted, DedupeHash: dedupeHash(sourceID, i+1),
			})
		}
		ids, err := d.Complaints.BackfillTx(ctx, tx, cs)
		if err != nil {
			return nil, err
		}
		items := make([]review.Backfilled, len(ids))
		for j, id := range ids {
			items[j] = review.Backfilled{ComplaintID: id, Result: results[j]}
			if cs[j].Status == vocab.StatusClosed {
				items[j].Outcome = outcomes[id%int64(len(outcomes))]
			}
		}
		if err := d.Review.BackfillTx(ctx, tx, items); err != nil {
			return nil, err
		}
	}
	res.Complaints, res.Days = n, len(seenDays)
	if err := audit.Record(ctx, tx, "demo.complaints", "election", fmt.Sprint(res.ElectionID), audit.Change{After: map[string]any{"complaints": n}}); err != nil {
		return nil, err
	}
	return res, nil
}

// dedupeHash is the i'th demo complaint's duplicate-detection hash, its
// own and no other's: demo complaints are never duplicates, of each other
// or of what the public sends while the demo data is there.
func dedupeHash(sourceID string, i int) []byte {
	var h [8]byte
	binary.BigEndian.PutUint64(h[:], uint64(i))
	sum := sha256.Sum256(append([]byte(sourceID), h[:]...))
	return sum[:]
}

// loadParties reads the active parties, oldest first: the larger parties
// are listed first, and draw more complaints.
func loadParties(ctx context.Context, store *parties.Store) ([]demoParty, error) {
	active := true
	list, err := store.List(ctx, parties.Filter{Active: &active})
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, fmt.Errorf("there are no parties: load the demo registry first")
	}
	slices.SortFunc(list, func(a, b parties.Party) int { return cmp.Compare(a.ID, b.ID) })
	ps := make([]demoParty, len(list))
	for i, p := range list {
		ps[i] = demoParty{id: p.ID, name: p.Name, shortName: p.ShortName, weight: max(12-i, 1)}
	}
	return ps, nil
}

type generator struct {
	rng         *rand.Rand
	parties     []demoParty
	totalWeight int
	senders     map[int64][]string
	refs        map[string]struct{}
	// triageAll gives every complaint a triage result and a status past
	// new.
	triageAll bool
	now       time.Time
	// cumulative is the running total of each campaign day's weight,
	// when the run has a daily shape.
	cumulative []float64
	// surgeParty and surgeChannel are where the surge's complaints come
	// from, in the last 24 hours.
	surgeParty   *demoParty
	surgeChannel string
}

// shape weighs each of the days from announced: a complaint is about three
// times as likely on the last day as on the first, rising steadily as
// campaigning intensifies, and Saturdays and Sundays get about half a
// weekday's, as fewer leaflets, calls and texts go out and fewer people
// report them.
func (g *generator) shape(announced time.Time, days int) {
	g.cumulative = make([]float64, days)
	total := 0.0
	for i := range days {
		progress := float64(i) / float64(max(days-1, 1))
		w := 1 + 2*progress*progress
		switch announced.AddDate(0, 0, i).Weekday() {
		case time.Saturday:
			w *= 0.55
		case time.Sunday:
			w *= 0.4
		}
		total += w
		g.cumulative[i] = total
	}
}

// pickDay is the campaign day (from 0) of the next complaint.
func (g *generator) pickDay(days int) int {
	if g.cumulative == nil {
		// Square root skews days towards polling day.
		return min(int(float64(days)*(1-g.rng.Float64()*g.rng.Float64())), days-1)
	}
	x := g.rng.Float64() * g.cumulative[len(g.cumulative)-1]
	i, _ := slices.BinarySearch(g.cumulative, x)
	return min(i, days-1)
}

// reference is a new complaint reference, distinct from every other this
// generator made: among a million random references (30^8 possible) a
// repeat is more likely than not, and one repeat fails the whole COPY.
func (g *generator) reference() string {
	if g.refs == nil {
		g.refs = map[string]struct{}{}
	}
	for {
		ref := complaints.NewReference()
		if _, dup := g.refs[ref]; !dup {
			g.refs[ref] = struct{}{}
			return ref
		}
	}
}

type demoComplaint struct {
	channel, partyText, sender, message, description, consent, status string
	partyID                                                           *int64
	priority                                                          *string
	received, submitted                                               time.Time
	closedAt                                                          *time.Time
	hasTime                                                           bool
	optedOut, tps, identified, optOutOffered                          *bool
	recipients                                                        *int
	person                                                            *complaints.Complainant
	// Policy 2's structured facts and data_breach answers.
	special, member, workAddress *bool
	contacted, breachWhere       string
	breachExposed                []string
	askedToStopOn                *time.Time
}

var (
	demoFirst = []string{"Amira", "Ben", "Catrin", "Declan", "Eilidh", "Femi", "Gareth", "Hannah", "Imran", "Joanna", "Kieran", "Lowri", "Mohammed", "Niamh", "Oliver", "Priya", "Rhys", "Siobhan", "Tomasz", "Yusuf"}
	demoLast  = []string{"Ahmed", "Baker", "Campbell", "Davies", "Evans", "Fitzgerald", "Green", "Hughes", "Iqbal", "Jones", "Kowalski", "Lloyd", "McLaughlin", "Nowak", "O'Neill", "Patel", "Quinn", "Roberts", "Stewart", "Thomas"}
	demoPost  = []string{"CF10 1EP", "BT1 5GS", "EH1 1YZ", "SW1A 1AA", "M1 1AE", "LS1 4DY", "G2 1DY", "SA1 1NW", "B1 1BB", "NE1 7RU"}
	// channel weights: texts and emails dominate, as in past elections.
	demoChannels = []struct {
		name   string
		weight int
	}{
		{vocab.ChannelSMS, 29}, {vocab.ChannelEmail, 21}, {vocab.ChannelAutomatedCall, 12}, {vocab.ChannelLiveCall, 10},
		{vocab.ChannelBCCBreach, 5}, {vocab.ChannelDataBreach, 4}, {vocab.ChannelSocialMediaAd, 14}, {vocab.ChannelOther, 5},
	}
	// demoBreaches are data_breach complaints: where the data leaked, what
	// it showed, and the complainant's words (%s is the party).
	demoBreaches = []struct {
		where       string
		exposed     []string
		description string
	}{
		{"group_chat", []string{"phone_number", "party_membership"},
			"I was added to a WhatsApp group for %s helpers and everyone in it could see my number."},
		{"paper_record", []string{"home_address", "voting_intention"},
			"A %s canvass sheet with my address and how I said I would vote was left in the library."},
		{"wrong_recipient", []string{"email_address", "phone_number", "home_address"},
			"%s sent a spreadsheet of local supporters, me included, to the wrong person, who forwarded it to me."},
		{"published", []string{"voting_intention"},
			"A %s volunteer posted a photo online of their canvass notes showing my name and voting intention."},
	}
	// demoOutOfScope are complaints another body handles (%s is the
	// party): the shipped rulebook refers each of them, so the demo shows
	// referrals at intake and in trends.
	demoOutOfScope = []string{
		"I was turned away at the polling station because I did not have voter ID.",
		"My postal vote never arrived and the council says I am not on the electoral register.",
		"The leaders' debate on TV last night was one-sided and the presenter let %s get away with lies.",
		"This %s leaflet has no imprint, so I cannot tell who paid for it.",
		"An unaddressed %s leaflet came through my door and I disagree with their housing policy.",
		"I asked %s for a copy of the data they hold on me (a subject access request) two months ago and they have not replied.",
	}
)

func (g *generator) pickParty() *demoParty {
	w := g.rng.IntN(g.totalWeight)
	for i := range g.parties {
		if w < g.parties[i].weight {
			return &g.parties[i]
		}
		w -= g.parties[i].weight
	}
	return &g.parties[0]
}

func (g *generator) pickChannel() string {
	w := g.rng.IntN(100)
	for _, c := range demoChannels {
		if w < c.weight {
			return c.name
		}
		w -= c.weight
	}
	return vocab.ChannelOther
}

func ptr[T any](v T) *T { return &v }

// sender returns one of a small pool of senders per party, so repeated
// senders form clusters as they do in real campaigns.
func (g *generator) sender(p *demoParty, channel string) string {
	pool := g.senders[p.id]
	if len(pool) < 12 || g.rng.IntN(10) == 0 {
		var s string
		switch channel {
		case vocab.ChannelSMS, vocab.ChannelAutomatedCall, vocab.ChannelLiveCall:
			s = fmt.Sprintf("0113 496 0%03d", g.rng.IntN(1000))
		case vocab.ChannelSocialMediaAd:
			s = p.shortName + " Campaign Page"
		default:
			s = fmt.Sprintf("campaign%d@%s.example.org", g.rng.IntN(50), plaintext.Slug(p.shortName))
		}
		g.senders[p.id] = append(pool, s)
		return s
	}
	return pool[g.rng.IntN(len(pool))]
}

func (g *generator) complaint(announced time.Time, days int, polling time.Time, surge bool) demoComplaint {
	p := g.pickParty()
	ch := g.pickChannel()
	d := announced.AddDate(0, 0, g.pickDay(days))
	received := time.Date(d.Year(), d.Month(), d.Day(), 8+g.rng.IntN(13), g.rng.IntN(60), 0, 0, vocab.London)
	if surge {
		// A burst from one party on one channel within the last 20 hours.
		p, ch = g.surgeParty, g.surgeChannel
		received = g.now.Add(-time.Duration(10+g.rng.IntN(20*60-10)) * time.Minute)
	} else if g.cumulative != nil && received.After(g.now) {
		// Today's complaints so far, spread over the hours already gone.
		midnight := time.Date(g.now.Year(), g.now.Month(), g.now.Day(), 0, 0, 0, 0, vocab.London)
		received = midnight.Add(time.Duration(g.rng.Int64N(int64(g.now.Sub(midnight)) + 1)))
	}
	c := demoComplaint{channel: ch, received: received, hasTime: true, consent: []string{"no", "no", "unsure", "yes"}[g.rng.IntN(4)], status: vocab.StatusNew}
	c.submitted = received.Add(time.Duration(1+g.rng.IntN(72*60)) * time.Minute)
	if n := time.Now(); c.submitted.After(n) {
		if received.After(n) {
			c.received = n.Add(-time.Minute)
		}
		c.submitted = n
	}
	if g.rng.IntN(20) != 0 {
		c.partyID = &p.id
		c.partyText = p.shortName
	} else {
		c.partyText = "not sure who sent it"
	}
	c.sender = g.sender(p, ch)
	first, last := demoFirst[g.rng.IntN(len(demoFirst))], demoLast[g.rng.IntN(len(demoLast))]
	person := &complaints.Complainant{
		Name:     first + " " + last,
		Email:    fmt.Sprintf("%s.%s%d@example.org", plaintext.Slug(first), plaintext.Slug(last), g.rng.IntN(100)),
		Phone:    fmt.Sprintf("07700 900%03d", g.rng.IntN(1000)),
		Postcode: demoPost[g.rng.IntN(len(demoPost))], MayContact: true,
	}
	if g.rng.IntN(10) != 0 {
		c.person = person
	}
	score := 10
	switch ch {
	case vocab.ChannelSMS:
		c.message = fmt.Sprintf("Hi %s, %s here. Polling day is %s – can we count on your vote? Reply STOP to opt out.", first, p.shortName, polling.Format("2 January"))
		c.description = fmt.Sprintf("I never gave %s my number (%s). My name is %s and I live at %s.", p.shortName, person.Phone, person.Name, person.Postcode)
		c.optOutOffered, c.identified = ptr(g.rng.IntN(3) != 0), ptr(true)
		if c.consent != "yes" {
			score = 30
		}
	case vocab.ChannelEmail:
		c.message = fmt.Sprintf("Dear %s, join %s's campaign in your area. Donate today.", first, p.shortName)
		c.description = fmt.Sprintf("This arrived at %s although I unsubscribed last year.", person.Email)
		c.optedOut, c.optOutOffered = ptr(g.rng.IntN(2) == 0), ptr(true)
		if c.consent != "yes" {
			score = 30
		}
	case vocab.ChannelAutomatedCall:
		c.message = fmt.Sprintf("This is a recorded message from %s. Press 1 to hear more about our plans.", p.shortName)
		c.description = fmt.Sprintf("A recorded call came to my landline. Please call me back on %s.", person.Phone)
		c.identified = ptr(g.rng.IntN(4) != 0)
		if c.consent != "yes" {
			score = 55
		}
	case vocab.ChannelLiveCall:
		c.message = "Caller asked how I intend to vote and whether I would put up a poster."
		c.description = fmt.Sprintf("I am on the TPS and told them to stop calling last week. %s, %s.", person.Name, person.Postcode)
		c.tps, c.optedOut, c.identified = ptr(true), ptr(g.rng.IntN(2) == 0), ptr(true)
		score = 40
	case vocab.ChannelBCCBreach:
		vis := []int{8, 40, 150, 1200}[g.rng.IntN(4)]
		c.recipients = &vis
		c.message = fmt.Sprintf("Volunteer update from %s: canvassing sessions this weekend.", p.shortName)
		c.description = fmt.Sprintf("Everyone's addresses were in the CC line – I could see %d other people, including mine (%s).", vis, person.Email)
		score = 40 + 15
		switch {
		case vis >= 1000:
			score += 30
		case vis >= 100:
			score += 20
		case vis >= 10:
			score += 10
		}
	case vocab.ChannelDataBreach:
		b := demoBreaches[g.rng.IntN(len(demoBreaches))]
		c.breachWhere, c.breachExposed = b.where, b.exposed
		c.message = fmt.Sprintf("Welcome to the %s volunteers' group!", p.shortName)
		c.description = fmt.Sprintf(b.description, p.shortName)
		if b.where == vocab.BreachPlaces[0].Code {
			vis := []int{25, 140, 600}[g.rng.IntN(3)]
			c.recipients = &vis
		}
		for _, x := range b.exposed {
			if vocab.RevealsPolitics(x) {
				c.special = ptr(true)
			}
		}
		score = 40 + 15
	case vocab.ChannelSocialMediaAd:
		c.message = fmt.Sprintf("Sponsored: %s will fix your local high street. Find out more.", p.shortName)
		c.description = "This advert was targeted at me on Facebook right after I visited their website; they seem to have uploaded my email."
		score = 25
	default:
		c.message = fmt.Sprintf("Leaflet and a survey from %s asking about my voting intentions.", p.shortName)
		c.description = fmt.Sprintf("How did they get my details? Reply to %s.", person.Email)
		if g.rng.IntN(2) == 0 {
			// Some of what the public sends is for another body.
			c.message, c.sender = "", ""
			c.description = demoOutOfScope[g.rng.IntN(len(demoOutOfScope))]
			if strings.Contains(c.description, "%s") {
				c.description = fmt.Sprintf(c.description, p.shortName)
			}
		}
	}
	g.facts(&c, person)
	if c.person == nil {
		// Anonymous complainants give no details of their own.
		c.description = "I would rather not give my details. Please look into this sender."
	}
	if c.optedOut != nil && *c.optedOut {
		score += 15
	}
	score += 10 // inside the election period
	pr := vocab.PriorityLow
	switch {
	case score >= 75:
		pr = vocab.PriorityUrgent
	case score >= 55:
		pr = vocab.PriorityHigh
	case score >= 35:
		pr = vocab.PriorityMedium
	}
	if g.triageAll || g.rng.IntN(12) != 0 {
		c.priority = &pr
		statuses := []string{vocab.StatusNew, vocab.StatusTriaged, vocab.StatusTriaged, vocab.StatusInReview, vocab.StatusClosed}
		if g.triageAll {
			statuses = statuses[1:]
		}
		c.status = statuses[g.rng.IntN(len(statuses))]
		if c.status == vocab.StatusClosed {
			ca := c.submitted.Add(72 * time.Hour)
			c.closedAt = &ca
			if g.triageAll && ca.After(g.now) {
				// Too recent to have been closed yet.
				c.status, c.closedAt = vocab.StatusInReview, nil
			}
		}
	}
	return c
}

// facts answers some of policy 2's structured questions, where the
// channel asks them: the number or address contacted, membership, a work
// address and the day they asked to stop.
func (g *generator) facts(c *demoComplaint, person *complaints.Complainant) {
	if !complaints.Asks(c.channel, "contacted") || c.person == nil {
		return
	}
	if g.rng.IntN(2) == 0 {
		c.contacted = person.Phone
		if c.channel == vocab.ChannelEmail {
			c.contacted = person.Email
		}
	}
	if g.rng.IntN(3) == 0 {
		c.member = ptr(c.consent == "yes")
	}
	if complaints.Asks(c.channel, "work_address") && g.rng.IntN(8) == 0 {
		c.workAddress = ptr(true)
	}
	if c.optedOut != nil && *c.optedOut && g.rng.IntN(2) == 0 {
		d := c.received.AddDate(0, 0, -7-g.rng.IntN(30))
		day := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, vocab.London)
		c.askedToStopOn = &day
	}
}
