// Package outreach writes to political parties: it records elections,
// keeps versioned letter templates, and when an election is called creates
// one letter per party contact in scope, renders it (HTML, plain text and
// PDF, see outreach/render) and sends it through River jobs on the mail
// queue, tracking every letter from held to sent.
//
// # Sending at most twice, and only in one narrow window
//
// A letter moves queued → sending → sent. The worker commits "sending"
// before it talks to the SMTP server and commits "sent" straight after the
// server accepts the message; a letter already sent is never sent again,
// whichever job or process picks it up. The one case in which a letter can
// go out twice is a worker killed (SIGKILL, power loss) after the SMTP
// server accepted the message and before the database recorded "sent":
// River later retries the job and the letter is sent again. That window is
// one database round trip long. Every copy of a letter carries the same
// deterministic Message-ID, so a receiving system or a person can tell a
// duplicate from a second letter.
package outreach

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"github.com/campaignwatch/campaignwatch/internal/config"
	imail "github.com/campaignwatch/campaignwatch/internal/mail"
	"github.com/campaignwatch/campaignwatch/internal/organisation"
	"github.com/campaignwatch/campaignwatch/jobs"
	"github.com/campaignwatch/campaignwatch/outreach/internal/dbsqlc"
)

// Settings are outreach's configuration, read from the environment.
type Settings struct {
	// ReferencePattern (LETTER_REFERENCE_PATTERN) makes each letter's
	// reference: {year} is the year the letter is created, {seq:04} a
	// counter per prefix padded to 4 digits. Default "PGA/{year}/{seq:04}".
	ReferencePattern string
	// FourEyes (FOUR_EYES=true) holds every new batch until a different
	// staff user releases it. Default false.
	FourEyes bool
	// MailRate (MAIL_RATE) is the most letters sent per second by one
	// process, shared by all its mail workers; 0 means no limit. Default 20.
	MailRate float64
	// MailFrom is the From address (MAIL_FROM); its domain ends every
	// letter's Message-ID.
	MailFrom string
	// SignatoryName, SignatoryTitle and ContactMailbox were the letters'
	// signatory and mailbox (LETTER_SIGNATORY_NAME, LETTER_SIGNATORY_TITLE,
	// LETTER_CONTACT_MAILBOX). Letters now take them from Org, where
	// these variables are first-run defaults (organisation.Defaults);
	// ContactMailbox remains only the Reply-To when Org has no mailbox.
	SignatoryName  string
	SignatoryTitle string
	ContactMailbox string
	// Org gives the regulator's particulars in force (letterhead,
	// signatories, guidance library); nil means organisation.Defaults.
	Org organisation.Source
	// RescueAfter is JOB_RESCUE_AFTER: how long a send attempt may run
	// before River assumes its worker died and retries it. Zero means
	// River's default.
	RescueAfter time.Duration
}

// SettingsFromEnv reads Settings; an invalid value is a *config.Error
// naming the variable.
func SettingsFromEnv(getenv func(string) string, cfg *config.Config) (Settings, error) {
	s := Settings{
		ReferencePattern: or(getenv("LETTER_REFERENCE_PATTERN"), "PGA/{year}/{seq:04}"),
		MailRate:         20,
		SignatoryName:    or(getenv("LETTER_SIGNATORY_NAME"), "Head of Political Campaigning Oversight"),
		SignatoryTitle:   or(getenv("LETTER_SIGNATORY_TITLE"), "Data Protection Regulator"),
		ContactMailbox:   or(getenv("LETTER_CONTACT_MAILBOX"), "campaigns@regulator.example.org"),
	}
	if cfg != nil {
		s.MailFrom = cfg.MailFrom
		s.RescueAfter = cfg.JobRescueAfter
	}
	if _, _, err := splitPattern(s.ReferencePattern); err != nil {
		return s, &config.Error{Var: "LETTER_REFERENCE_PATTERN", Reason: err.Error()}
	}
	switch strings.ToLower(strings.TrimSpace(getenv("FOUR_EYES"))) {
	case "", "false", "0", "no":
	case "true", "1", "yes":
		s.FourEyes = true
	default:
		return s, &config.Error{Var: "FOUR_EYES", Reason: "want true or false"}
	}
	if v := strings.TrimSpace(getenv("MAIL_RATE")); v != "" {
		r, err := strconv.ParseFloat(v, 64)
		if err != nil || r < 0 {
			return s, &config.Error{Var: "MAIL_RATE", Reason: fmt.Sprintf("%q is not a number of messages per second (0 for no limit)", v)}
		}
		s.MailRate = r
	}
	if _, err := mail.ParseAddress(s.ContactMailbox); err != nil {
		return s, &config.Error{Var: "LETTER_CONTACT_MAILBOX", Reason: "not an email address"}
	}
	return s, nil
}

func or(v, def string) string {
	if v = strings.TrimSpace(v); v == "" {
		return def
	}
	return v
}

var seqToken = regexp.MustCompile(`\{seq(?::0?(\d+))?\}`)

// splitPattern checks a reference pattern and returns the parts before and
// after its counter and the counter's width.
func splitPattern(p string) (string, int, error) {
	locs := seqToken.FindAllStringSubmatchIndex(p, -1)
	if len(locs) != 1 {
		return "", 0, fmt.Errorf("%q must contain {seq} (or {seq:04} for zero-padding) exactly once", p)
	}
	width := 0
	if locs[0][2] >= 0 {
		width, _ = strconv.Atoi(p[locs[0][2]:locs[0][3]])
	}
	if width > 12 {
		return "", 0, fmt.Errorf("%q pads the counter to more than 12 digits", p)
	}
	if !strings.HasSuffix(p, p[locs[0][0]:locs[0][1]]) {
		return "", 0, fmt.Errorf("%q must end with its {seq} counter", p)
	}
	return p[:locs[0][0]], width, nil
}

// JobClient is what the service needs of River's client (a *jobs.Client,
// which the composition root passes in): enqueueing send jobs in the
// caller's transaction, and finding a letter's unfinished send job. It
// need not work jobs itself.
type JobClient interface {
	jobs.Inserter
	JobList(ctx context.Context, params *river.JobListParams) (*river.JobListResult, error)
}

var _ JobClient = (*jobs.Client)(nil)

// Service is the outreach domain: elections, templates, letters.
type Service struct {
	pool     *pgxpool.Pool
	q        *dbsqlc.Queries // on pool
	jobs     JobClient       // enqueues send jobs in callers' transactions
	settings Settings
	mailer   imail.Sender // for test copies; the send worker has its own
	// partyFields fills the per-party fields (PartyFieldNames); nil
	// leaves them empty.
	partyFields PartyFields
}

// NewService returns the service. mailer sends test copies (it may be nil
// where none are sent); client enqueues the send jobs of elections called
// and batches released or resent.
func NewService(pool *pgxpool.Pool, settings Settings, mailer imail.Sender, client JobClient) (*Service, error) {
	if client == nil {
		return nil, errors.New("outreach: a job client is required to enqueue letters")
	}
	if settings.ReferencePattern == "" {
		settings.ReferencePattern = "PGA/{year}/{seq:04}"
	}
	if settings.MailFrom == "" {
		settings.MailFrom = "Campaignwatch <campaignwatch@localhost>"
	}
	if settings.ContactMailbox == "" {
		settings.ContactMailbox = "campaigns@regulator.example.org"
	}
	if settings.SignatoryName == "" {
		settings.SignatoryName, settings.SignatoryTitle = "Head of Political Campaigning Oversight", "Data Protection Regulator"
	}
	if settings.Org == nil {
		settings.Org = organisation.Static{Settings: organisation.Defaults(nil)}
	}
	if _, _, err := splitPattern(settings.ReferencePattern); err != nil {
		return nil, err
	}
	return &Service{pool: pool, q: dbsqlc.New(pool), jobs: client, settings: settings, mailer: mailer}, nil
}

// Settings returns the service's settings.
func (s *Service) Settings() Settings { return s.settings }

// mailDomain is the domain of the From address, used in Message-IDs.
func (s *Service) mailDomain() string {
	if a, err := mail.ParseAddress(s.settings.MailFrom); err == nil {
		if _, d, ok := strings.Cut(a.Address, "@"); ok {
			return d
		}
	}
	return "campaignwatch.invalid"
}
