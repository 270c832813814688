package vocab

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/campaignwatch/campaignwatch/complaints/vocab/internal/dbsqlc"
)

// DB is what CheckRulebook reads the constraints with: a pool, a
// connection or a transaction.
type DB = dbsqlc.DBTX

// Rulebook is what CheckRulebook needs of a triage rulebook
// (*triage.Rulebook).
type Rulebook interface {
	// BandPriorities are the priorities the rulebook's bands assign.
	BandPriorities() []string
	// Origin says where the rulebook came from ("embedded" or a path).
	Origin() string
}

// priorityTables are the tables whose priority column stores a triage
// priority.
var priorityTables = []string{"complaints", "triage_results", "triage_decisions"}

// A Constraint is one CHECK constraint on a priority column and the
// priorities it accepts.
type Constraint struct {
	Name     string
	Table    string
	Accepted []string
}

// PriorityConstraintsIn reads the CHECK constraints on the priority
// columns from pg_catalog. It returns none when the tables do not exist
// yet (a database not yet migrated).
func PriorityConstraintsIn(ctx context.Context, db DB) ([]Constraint, error) {
	rows, err := dbsqlc.New(db).PriorityConstraints(ctx, priorityTables)
	if err != nil {
		return nil, fmt.Errorf("reading the priority constraints: %w", err)
	}
	out := make([]Constraint, 0, len(rows))
	for _, r := range rows {
		acc := quotedValues(r.Definition)
		if len(acc) == 0 {
			return nil, fmt.Errorf("constraint %s on %s.priority: cannot read the priorities it accepts from %q", r.ConstraintName, r.TableName, r.Definition)
		}
		out = append(out, Constraint{Name: r.ConstraintName, Table: r.TableName, Accepted: acc})
	}
	return out, nil
}

// literal is one string literal in a constraint's definition as
// pg_get_constraintdef prints it: 'urgent'::text.
var literal = regexp.MustCompile(`'((?:[^']|'')*)'::text`)

func quotedValues(def string) []string {
	var out []string
	for _, m := range literal.FindAllStringSubmatch(def, -1) {
		out = append(out, strings.ReplaceAll(m[1], "''", "'"))
	}
	return out
}

// CheckRulebook refuses a rulebook whose bands name a priority the
// database cannot store, naming the constraint that would refuse it, and
// a schema whose priorities differ from Priorities (the queue's sort and
// the labels would not know them). On a database not yet migrated it
// checks the rulebook against Priorities, which the migrations create.
// The composition root calls it once the database is reachable.
func CheckRulebook(ctx context.Context, db DB, rb Rulebook) error {
	cons, err := PriorityConstraintsIn(ctx, db)
	if err != nil {
		return err
	}
	return checkRulebook(rb, cons)
}

func checkRulebook(rb Rulebook, cons []Constraint) error {
	known := PriorityCodes()
	for _, c := range cons {
		if !sameSet(c.Accepted, known) {
			return fmt.Errorf("the database constraint %s on %s.priority accepts %s, but complaints/vocab defines %s: update vocab.Priorities with the migration",
				c.Name, c.Table, strings.Join(c.Accepted, ", "), strings.Join(known, ", "))
		}
	}
	if len(cons) == 0 {
		for i, t := range priorityTables {
			cons = append(cons, Constraint{Name: PriorityConstraints[i], Table: t, Accepted: known})
		}
	}
	for _, p := range rb.BandPriorities() {
		var refusing []string
		for _, c := range cons {
			if !slices.Contains(c.Accepted, p) {
				refusing = append(refusing, c.Name)
			}
		}
		if len(refusing) > 0 {
			return fmt.Errorf("rulebook %s: band priority %q cannot be stored: the database constraint %s accepts only %s",
				rb.Origin(), p, strings.Join(refusing, ", "), strings.Join(known, ", "))
		}
	}
	return nil
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(slices.Compact(a), slices.Compact(b))
}
