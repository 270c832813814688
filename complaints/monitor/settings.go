package monitor

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Settings tune monitoring. The zero value of a field means its default.
type Settings struct {
	// AlertMin (ALERT_MIN) is the fewest complaints in 24 hours that can
	// raise an alert. Default 20.
	AlertMin int
	// AlertFactor (ALERT_FACTOR) is how many times the trailing seven-day
	// daily mean the last 24 hours must reach. Default 3.
	AlertFactor float64
	// AlertCooldown (ALERT_COOLDOWN) is how long after an alert no other
	// is raised for the same party and channel. Default 24h.
	AlertCooldown time.Duration
	// CheckEvery (ALERT_CHECK_EVERY) is how often the check runs. Default 5m.
	CheckEvery time.Duration
	// DigestHour (DIGEST_HOUR) is the hour of the day, UK time, from which
	// the daily digest is sent. Default 7 from SettingsFromEnv; in a
	// literal Settings, 0 means midnight.
	DigestHour int
	// MailFrom is the From address of the team's messages.
	MailFrom string
	// BaseURL prefixes links to staff pages in messages.
	BaseURL string
}

func (s *Settings) defaults() {
	if s.AlertMin <= 0 {
		s.AlertMin = 20
	}
	if s.AlertFactor <= 0 {
		s.AlertFactor = 3
	}
	if s.AlertCooldown <= 0 {
		s.AlertCooldown = 24 * time.Hour
	}
	if s.CheckEvery <= 0 {
		s.CheckEvery = 5 * time.Minute
	}
	if s.DigestHour < 0 || s.DigestHour > 23 {
		s.DigestHour = 7
	}
	s.BaseURL = strings.TrimRight(s.BaseURL, "/")
}

// SettingsFromEnv reads ALERT_MIN, ALERT_FACTOR, ALERT_COOLDOWN,
// ALERT_CHECK_EVERY and DIGEST_HOUR; an invalid value is an error naming
// the variable. Unset variables take their defaults.
func SettingsFromEnv(getenv func(string) string) (Settings, error) {
	s := Settings{DigestHour: 7}
	if v := strings.TrimSpace(getenv("ALERT_MIN")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return s, fmt.Errorf("invalid ALERT_MIN: %q is not a positive whole number", v)
		}
		s.AlertMin = n
	}
	if v := strings.TrimSpace(getenv("ALERT_FACTOR")); v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f < 1 {
			return s, fmt.Errorf("invalid ALERT_FACTOR: %q is not a number of at least 1", v)
		}
		s.AlertFactor = f
	}
	for name, dst := range map[string]*time.Duration{"ALERT_COOLDOWN": &s.AlertCooldown, "ALERT_CHECK_EVERY": &s.CheckEvery} {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			d, err := time.ParseDuration(v)
			if err != nil || d <= 0 {
				return s, fmt.Errorf("invalid %s: %q is not a positive duration such as 24h", name, v)
			}
			*dst = d
		}
	}
	if v := strings.TrimSpace(getenv("DIGEST_HOUR")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 23 {
			return s, fmt.Errorf("invalid DIGEST_HOUR: %q is not an hour from 0 to 23", v)
		}
		s.DigestHour = n
	}
	s.defaults()
	return s, nil
}
