package reports

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/campaignwatch/campaignwatch/complaints"
	"github.com/campaignwatch/campaignwatch/complaints/triage"
	"github.com/campaignwatch/campaignwatch/internal/audit"
)

// DemoElectionName names the general election the demo creates when the
// database has none.
const DemoElectionName = "UK Parliamentary general election (demo)"

// DemoResult says what GenerateComplaints did.
type DemoResult struct {
	ElectionID int64
	Created    bool // the demo election was created by this run
	Complaints int
}

// demoParty is a party the generator can attribute complaints to.
type demoParty struct {
	id        int64
	name      string
	shortName string
	weight    int
}

// GenerateComplaints adds n realistic demo complaints across the
// registered parties, every channel and the days of a general election
// (created, running from five weeks ago to polling day next week, when
// there is none), copied in one transaction. Complainants get names,
// emails, phones and postcodes under example.org and Ofcom's drama
// number ranges, so redaction can be seen working on them.
func GenerateComplaints(ctx context.Context, pool *pgxpool.Pool, n int, seed uint64) (*DemoResult, error) {
	res := &DemoResult{}
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	now := time.Now().In(London)
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		var announced, polling time.Time
		err := tx.QueryRow(ctx, `SELECT id, announced_on, polling_day FROM elections WHERE type = 'general' ORDER BY polling_day DESC LIMIT 1`).
			Scan(&res.ElectionID, &announced, &polling)
		if err == pgx.ErrNoRows {
			today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
			announced, polling = today.AddDate(0, 0, -35), today.AddDate(0, 0, 7)
			err = tx.QueryRow(ctx, `INSERT INTO elections (name, type, nations, announced_on, polling_day, follow_up_days)
				VALUES ($1, 'general', ARRAY['england','scotland','wales','northern_ireland'], $2, $3, 14) RETURNING id`,
				DemoElectionName, announced, polling).Scan(&res.ElectionID)
			res.Created = err == nil
			if err == nil {
				err = audit.Record(ctx, tx, "election.create", "election", fmt.Sprint(res.ElectionID), audit.Change{After: map[string]any{"name": DemoElectionName, "demo": true}})
			}
		}
		if err != nil {
			return fmt.Errorf("demo election: %w", err)
		}
		if n <= 0 {
			return nil
		}
		parties, err := loadDemoParties(ctx, tx)
		if err != nil {
			return err
		}
		// Complaints fall between the announcement and today (or polling
		// day, if that has passed), more of them as polling day nears.
		end := polling
		if today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC); today.Before(end) {
			end = today
		}
		days := max(int(end.Sub(announced).Hours()/24)+1, 1)

		rb, err := triage.DefaultRulebook()
		if err != nil {
			return err
		}
		engine, err := triage.NewEngine(rb)
		if err != nil {
			return err
		}
		var results [][]any
		if _, err := tx.Exec(ctx, `CREATE TEMP TABLE demo_triage (source_id text, rulebook_version text, rulebook_hash text,
			channel text, channels text[], provisions text[], guidance text[], score int, priority text, actions text[], rationale jsonb) ON COMMIT DROP`); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `CREATE TEMP TABLE demo_complainants (source_id text, name text, email text, phone text, postcode text) ON COMMIT DROP`); err != nil {
			return err
		}
		batch := fmt.Sprintf("demo-%d-%d", now.UnixNano(), seed)
		g := &generator{rng: rng, parties: parties, senders: map[int64][]string{}}
		total := 0
		for _, p := range parties {
			total += p.weight
		}
		g.totalWeight = total
		cols := []string{"reference", "source", "source_id", "channel", "party_id", "party_text", "election_id",
			"received_at", "received_at_has_time", "sender", "sender_normalized", "message", "description", "consent",
			"opted_out", "tps_registered", "sender_identified", "opt_out_offered", "recipients_visible",
			"dedupe_hash", "status", "priority", "closed_at", "created_at"}
		// Copied in chunks, each chunk's triage results and complainants
		// joined in before the next, so memory stays flat however many
		// complaints are asked for.
		const chunk = 50_000
		people := make([][]any, 0, min(n, chunk))
		results = make([][]any, 0, min(n, chunk))
		i := 0
		for i < n {
			end := min(i+chunk, n)
			people, results = people[:0], results[:0]
			if err := g.copyChunk(ctx, tx, &i, end, batch, announced, days, polling, res.ElectionID, engine, cols, &people, &results); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `INSERT INTO complaint_reviews (complaint_id, outcome)
			SELECT id, (ARRAY['no_breach', 'advice_given', 'party_contacted', 'referred_to_investigations'])[1 + id % 4]
			FROM complaints WHERE source = 'demo' AND status = 'closed' AND starts_with(source_id, $1)`, batch+"-"); err != nil {
			return err
		}
		res.Complaints = n
		return audit.Record(ctx, tx, "demo.complaints", "election", fmt.Sprint(res.ElectionID), audit.Change{After: map[string]any{"complaints": n}})
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

func loadDemoParties(ctx context.Context, tx pgx.Tx) ([]demoParty, error) {
	rows, err := tx.Query(ctx, `SELECT id, name, short_name FROM parties WHERE active ORDER BY id`)
	if err != nil {
		return nil, err
	}
	parties, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (demoParty, error) {
		var p demoParty
		err := r.Scan(&p.id, &p.name, &p.shortName)
		return p, err
	})
	if err != nil {
		return nil, err
	}
	if len(parties) == 0 {
		return nil, fmt.Errorf("there are no parties: load the demo registry first")
	}
	// Larger parties (listed first) draw more complaints.
	for i := range parties {
		parties[i].weight = max(12-i, 1)
	}
	return parties, nil
}

type generator struct {
	rng         *rand.Rand
	parties     []demoParty
	totalWeight int
	senders     map[int64][]string
	refs        map[string]struct{}
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
	person                                                            *Complainant
}

var (
	demoFirst = []string{"Amira", "Ben", "Catrin", "Declan", "Eilidh", "Femi", "Gareth", "Hannah", "Imran", "Joanna", "Kieran", "Lowri", "Mohammed", "Niamh", "Oliver", "Priya", "Rhys", "Siobhan", "Tomasz", "Yusuf"}
	demoLast  = []string{"Ahmed", "Baker", "Campbell", "Davies", "Evans", "Fitzgerald", "Green", "Hughes", "Iqbal", "Jones", "Kowalski", "Lloyd", "McLaughlin", "Nowak", "O'Neill", "Patel", "Quinn", "Roberts", "Stewart", "Thomas"}
	demoPost  = []string{"CF10 1EP", "BT1 5GS", "EH1 1YZ", "SW1A 1AA", "M1 1AE", "LS1 4DY", "G2 1DY", "SA1 1NW", "B1 1BB", "NE1 7RU"}
	// channel weights: texts and emails dominate, as in past elections.
	demoChannels = []struct {
		name   string
		weight int
	}{{"sms", 30}, {"email", 22}, {"automated_call", 12}, {"live_call", 10}, {"bcc_breach", 6}, {"social_media_ad", 14}, {"other", 6}}
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
	return "other"
}

func optBool(b *bool) triage.OptBool {
	if b == nil {
		return triage.OptBool{}
	}
	return triage.OptBool{Set: true, Value: *b}
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func ptr[T any](v T) *T { return &v }

// sender returns one of a small pool of senders per party, so repeated
// senders form clusters as they do in real campaigns.
func (g *generator) sender(p *demoParty, channel string) string {
	pool := g.senders[p.id]
	if len(pool) < 12 || g.rng.IntN(10) == 0 {
		var s string
		switch channel {
		case "sms", "automated_call", "live_call":
			s = fmt.Sprintf("0113 496 0%03d", g.rng.IntN(1000))
		case "social_media_ad":
			s = p.shortName + " Campaign Page"
		default:
			s = fmt.Sprintf("campaign%d@%s.example.org", g.rng.IntN(50), slug(p.shortName))
		}
		g.senders[p.id] = append(pool, s)
		return s
	}
	return pool[g.rng.IntN(len(pool))]
}

func slug(s string) string {
	out := make([]rune, 0, len(s))
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			out = append(out, r)
		case r >= 'A' && r <= 'Z':
			out = append(out, r+'a'-'A')
		}
	}
	return string(out)
}

func (g *generator) complaint(announced time.Time, days int, polling time.Time) demoComplaint {
	p := g.pickParty()
	ch := g.pickChannel()
	// Square root skews days towards polling day.
	day := int(float64(days) * (1 - g.rng.Float64()*g.rng.Float64()))
	day = min(day, days-1)
	d := announced.AddDate(0, 0, day)
	received := time.Date(d.Year(), d.Month(), d.Day(), 8+g.rng.IntN(13), g.rng.IntN(60), 0, 0, London)
	c := demoComplaint{channel: ch, received: received, hasTime: true, consent: []string{"no", "no", "unsure", "yes"}[g.rng.IntN(4)], status: "new"}
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
	person := &Complainant{
		Name:     first + " " + last,
		Email:    fmt.Sprintf("%s.%s%d@example.org", slug(first), slug(last), g.rng.IntN(100)),
		Phone:    fmt.Sprintf("07700 900%03d", g.rng.IntN(1000)),
		Postcode: demoPost[g.rng.IntN(len(demoPost))],
	}
	if g.rng.IntN(10) != 0 {
		c.person = person
	}
	score := 10
	switch ch {
	case "sms":
		c.message = fmt.Sprintf("Hi %s, %s here. Polling day is %s – can we count on your vote? Reply STOP to opt out.", first, p.shortName, polling.Format("2 January"))
		c.description = fmt.Sprintf("I never gave %s my number (%s). My name is %s and I live at %s.", p.shortName, person.Phone, person.Name, person.Postcode)
		c.optOutOffered, c.identified = ptr(g.rng.IntN(3) != 0), ptr(true)
		if c.consent != "yes" {
			score = 30
		}
	case "email":
		c.message = fmt.Sprintf("Dear %s, join %s's campaign in your area. Donate today.", first, p.shortName)
		c.description = fmt.Sprintf("This arrived at %s although I unsubscribed last year.", person.Email)
		c.optedOut, c.optOutOffered = ptr(g.rng.IntN(2) == 0), ptr(true)
		if c.consent != "yes" {
			score = 30
		}
	case "automated_call":
		c.message = fmt.Sprintf("This is a recorded message from %s. Press 1 to hear more about our plans.", p.shortName)
		c.description = fmt.Sprintf("A recorded call came to my landline. Please call me back on %s.", person.Phone)
		c.identified = ptr(g.rng.IntN(4) != 0)
		if c.consent != "yes" {
			score = 55
		}
	case "live_call":
		c.message = "Caller asked how I intend to vote and whether I would put up a poster."
		c.description = fmt.Sprintf("I am on the TPS and told them to stop calling last week. %s, %s.", person.Name, person.Postcode)
		c.tps, c.optedOut, c.identified = ptr(true), ptr(g.rng.IntN(2) == 0), ptr(true)
		score = 40
	case "bcc_breach":
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
	case "social_media_ad":
		c.message = fmt.Sprintf("Sponsored: %s will fix your local high street. Find out more.", p.shortName)
		c.description = "This advert was targeted at me on Facebook right after I visited their website; they seem to have uploaded my email."
		score = 25
	default:
		c.message = fmt.Sprintf("Leaflet and a survey from %s asking about my voting intentions.", p.shortName)
		c.description = fmt.Sprintf("How did they get my details? Reply to %s.", person.Email)
	}
	if c.person == nil {
		// Anonymous complainants give no details of their own.
		c.description = "I would rather not give my details. Please look into this sender."
	}
	if c.optedOut != nil && *c.optedOut {
		score += 15
	}
	score += 10 // inside the election period
	pr := "low"
	switch {
	case score >= 75:
		pr = "urgent"
	case score >= 55:
		pr = "high"
	case score >= 35:
		pr = "medium"
	}
	if g.rng.IntN(12) != 0 {
		c.priority = &pr
		c.status = []string{"new", "triaged", "triaged", "in_review", "closed"}[g.rng.IntN(5)]
		if c.status == "closed" {
			ca := c.submitted.Add(72 * time.Hour)
			c.closedAt = &ca
		}
	}
	return c
}

// copyChunk copies complaints *i+1..end into complaints, with their triage
// results and complainants, advancing *i.
func (g *generator) copyChunk(ctx context.Context, tx pgx.Tx, i *int, end int, batch string, announced time.Time, days int,
	polling time.Time, electionID int64, engine *triage.Engine, cols []string, people, results *[][]any) error {
	// The chunk's rows get ids above every existing one, so the joins below
	// read just them through the primary key.
	var after int64
	if err := tx.QueryRow(ctx, `SELECT coalesce(max(id), 0) FROM complaints`).Scan(&after); err != nil {
		return err
	}
	_, err := tx.CopyFrom(ctx, pgx.Identifier{"complaints"}, cols, pgx.CopyFromFunc(func() ([]any, error) {
		if *i >= end {
			return nil, nil
		}
		*i++
		c := g.complaint(announced, days, polling)
		sourceID := fmt.Sprintf("%s-%d", batch, *i)
		var h [8]byte
		binary.BigEndian.PutUint64(h[:], uint64(*i))
		sum := sha256.Sum256(append([]byte(sourceID), h[:]...))
		if c.priority != nil {
			// Triaged by the real engine; the generator's own guess
			// only decides which complaints are still untriaged.
			tc := triage.Complaint{Channel: c.channel, Party: c.partyText, ReceivedAt: triage.Date{Time: c.received},
				Sender: c.sender, Message: c.message, Description: c.description, Consent: c.consent,
				OptedOut: optBool(c.optedOut), TPSRegistered: optBool(c.tps), SenderIdentified: optBool(c.identified),
				OptOutOffered: optBool(c.optOutOffered)}
			if c.recipients != nil {
				tc.RecipientsVisible = triage.Int(*c.recipients)
			}
			r := engine.Triage(&tc, nil)
			c.priority = &r.Priority
			*results = append(*results, []any{sourceID, r.RulebookVersion, r.RulebookHash, r.Channel, nonNil(r.Channels),
				nonNil(r.Provisions), nonNil(r.Guidance), r.Score, r.Priority, nonNil(r.Actions), nonNil(r.Rationale)})
		}
		if c.person != nil {
			*people = append(*people, []any{sourceID, c.person.Name, c.person.Email, c.person.Phone, c.person.Postcode})
		}
		return []any{g.reference(), "demo", sourceID, c.channel, c.partyID, c.partyText, electionID,
			c.received, c.hasTime, c.sender, complaints.NormalizeSender(c.sender), c.message, c.description, c.consent,
			c.optedOut, c.tps, c.identified, c.optOutOffered, c.recipients,
			sum[:], c.status, c.priority, c.closedAt, c.submitted}, nil
	}))
	if err != nil {
		return fmt.Errorf("copy demo complaints: %w", err)
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"demo_complainants"}, []string{"source_id", "name", "email", "phone", "postcode"}, pgx.CopyFromRows(*people)); err != nil {
		return err
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"demo_triage"}, []string{"source_id", "rulebook_version", "rulebook_hash",
		"channel", "channels", "provisions", "guidance", "score", "priority", "actions", "rationale"}, pgx.CopyFromRows(*results)); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO triage_results (complaint_id, rulebook_version, rulebook_hash, channel, channels,
				provisions, guidance, score, priority, actions, rationale)
			SELECT c.id, d.rulebook_version, d.rulebook_hash, d.channel, d.channels, d.provisions, d.guidance, d.score, d.priority, d.actions, d.rationale
			FROM demo_triage d JOIN complaints c ON c.id > $1 AND c.source = 'demo' AND c.source_id = d.source_id`, after); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO complainants (complaint_id, name, email, phone, postcode, may_contact)
			SELECT c.id, d.name, d.email, d.phone, d.postcode, true
			FROM demo_complainants d JOIN complaints c ON c.id > $1 AND c.source = 'demo' AND c.source_id = d.source_id`, after); err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `TRUNCATE demo_triage, demo_complainants`)
	return err
}
