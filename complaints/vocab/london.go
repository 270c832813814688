package vocab

import (
	"strings"
	"time"
	// The zone database is compiled in, so London is London even on a
	// host (or a scratch container) without one.
	_ "time/tzdata"
)

// London is the time zone the United Kingdom's days are counted in: a
// date without a time, a report's day, an election's phase. It is loaded
// once, here.
var London = mustLoadLondon()

func mustLoadLondon() *time.Location {
	loc, err := time.LoadLocation("Europe/London")
	if err != nil {
		panic("vocab: Europe/London: " + err.Error()) // unreachable with time/tzdata
	}
	return loc
}

// Day is the calendar day t falls on in London, as midnight UTC: the
// form dates are compared and stored in.
func Day(t time.Time) time.Time {
	y, m, d := t.In(London).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// Today is today's date in the United Kingdom, as midnight UTC.
func Today() time.Time { return Day(time.Now()) }

// ParseDay reads a YYYY-MM-DD day, starting at midnight in London.
func ParseDay(v string) (time.Time, error) {
	return time.ParseInLocation(time.DateOnly, strings.TrimSpace(v), London)
}
