package reports

import (
	"context"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
)

// PartyFigures are one party's complaint counts in a report's selection,
// computed once (trends.sql, party_figures and the two queries after it)
// and read by everything that shows them: the party's follow-up report,
// the letter's fields, the election overview and the trend workbook's
// Parties sheet. No other code counts these things again, so two places
// cannot disagree about, say, how many complaints are not yet triaged.
type PartyFigures struct {
	// PartyID is 0 for complaints whose party was not identified.
	PartyID int64  `json:"party_id"`
	Party   string `json:"party"`
	// Complaints counts every complaint naming the party.
	Complaints int `json:"complaints"`
	// OutOfScope counts those triage found another body handles (voter
	// ID, scams, broadcasts): they are not about the party's use of
	// personal data, so the party's report leaves them out of every
	// other figure and only says how many there were.
	OutOfScope int `json:"out_of_scope"`
	// Reported is Complaints less OutOfScope: the complaints the party's
	// report is about. Every figure below counts among them.
	Reported int `json:"reported"`
	// Repeats were sent again by the same person about the same contact.
	Repeats int `json:"repeats"`
	// Untriaged have no triage result yet, so they count in Reported and
	// by channel but not by provision or guidance point. (It counts over
	// all Complaints: a complaint not yet triaged cannot be known to be
	// out of scope.)
	Untriaged int `json:"untriaged"`
	// Urgent, High and Closed are staff figures (the overview); a party's
	// report does not show them.
	Urgent int `json:"urgent"`
	High   int `json:"high"`
	Closed int `json:"closed"`
	// ByChannel counts each reported complaint once for each channel it
	// reports (ChannelCountNote).
	ByChannel map[string]int `json:"by_channel"`
	// Provisions and Guidance count the reported complaints engaging each
	// provision id and guidance point id.
	Provisions map[string]int `json:"provisions"`
	Guidance   map[string]int `json:"guidance"`
}

// Assessed is the number of reported complaints triage has assessed: the
// base of every rate per complaint.
func (p PartyFigures) Assessed() int { return p.Reported - p.Untriaged }

func newFigures(id int64, name string) PartyFigures {
	return PartyFigures{PartyID: id, Party: name, ByChannel: map[string]int{}, Provisions: map[string]int{}, Guidance: map[string]int{}}
}

// add adds o's counts to p.
func (p *PartyFigures) add(o PartyFigures) {
	p.Complaints += o.Complaints
	p.OutOfScope += o.OutOfScope
	p.Reported += o.Reported
	p.Repeats += o.Repeats
	p.Untriaged += o.Untriaged
	p.Urgent += o.Urgent
	p.High += o.High
	p.Closed += o.Closed
	for k, v := range o.ByChannel {
		p.ByChannel[k] += v
	}
	for k, v := range o.Provisions {
		p.Provisions[k] += v
	}
	for k, v := range o.Guidance {
		p.Guidance[k] += v
	}
}

// partyFigures reads every party's figures for f, most complaints first,
// and their sum over the parties identified (AllParties: the base of the
// "across all parties" averages, which is why complaints whose party is
// not known are not in it).
func partyFigures(ctx context.Context, tx pgx.Tx, f Filter) ([]PartyFigures, PartyFigures, error) {
	var out []PartyFigures
	index := map[int64]int{}
	err := eachRow(ctx, tx, f.query("party_figures").Bind("no_party", NoParty), func(r pgx.Rows) error {
		var p PartyFigures
		if err := r.Scan(&p.PartyID, &p.Party, &p.Complaints, &p.OutOfScope, &p.Repeats, &p.Untriaged, &p.Urgent, &p.High, &p.Closed); err != nil {
			return err
		}
		fig := newFigures(p.PartyID, p.Party)
		p.ByChannel, p.Provisions, p.Guidance = fig.ByChannel, fig.Provisions, fig.Guidance
		p.Reported = p.Complaints - p.OutOfScope
		index[p.PartyID] = len(out)
		out = append(out, p)
		return nil
	})
	if err != nil {
		return nil, PartyFigures{}, err
	}
	err = eachRow(ctx, tx, f.query("party_figure_channels"), func(r pgx.Rows) error {
		var id int64
		var ch string
		var n int
		if err := r.Scan(&id, &ch, &n); err != nil {
			return err
		}
		if i, ok := index[id]; ok {
			out[i].ByChannel[ch] += n
		}
		return nil
	})
	if err != nil {
		return nil, PartyFigures{}, err
	}
	err = eachRow(ctx, tx, f.query("party_figure_codes"), func(r pgx.Rows) error {
		var id int64
		var kind, code string
		var n int
		if err := r.Scan(&id, &kind, &code, &n); err != nil {
			return err
		}
		if i, ok := index[id]; ok {
			if kind == "provision" {
				out[i].Provisions[code] += n
			} else {
				out[i].Guidance[code] += n
			}
		}
		return nil
	})
	if err != nil {
		return nil, PartyFigures{}, err
	}
	slices.SortStableFunc(out, func(a, b PartyFigures) int {
		if a.Complaints != b.Complaints {
			return b.Complaints - a.Complaints
		}
		return strings.Compare(a.Party, b.Party)
	})
	all := newFigures(0, "All parties")
	for _, p := range out {
		if p.PartyID != 0 {
			all.add(p)
		}
	}
	return out, all, nil
}

// FiguresFor returns party id's figures, or empty figures when it has no
// complaint in the selection.
func (t *Trends) FiguresFor(id int64) PartyFigures {
	for _, p := range t.Figures {
		if p.PartyID == id {
			return p
		}
	}
	return newFigures(id, "")
}
