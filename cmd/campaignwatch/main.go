// Command campaignwatch runs the regulator's political campaigning service:
// the web interface and API, the job workers, migrations, demo data and the
// staff command-line tools.
//
// Exit codes: 0 success, 1 failure, 2 usage error. Every failure prints one
// sentence to standard error.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"regexp"
	"strings"
	"syscall"

	"github.com/campaignwatch/campaignwatch/internal/apperr"
)

// Version is set at build time with -ldflags "-X main.Version=...".
var Version = "dev"

// command is one subcommand of the CLI.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, e *env, args []string) error
}

// env is what a command can use: its streams and environment lookup.
// Tests run commands in-process with their own env.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
}

func commands() []command {
	return []command{
		{"serve", "run the web interface, API and job workers", cmdServe},
		{"worker", "run job workers only (to scale out)", cmdWorker},
		{"migrate", "apply or list database migrations (up, status)", cmdMigrate},
		{"election", "call an election and write to the parties (call, list)", cmdElection},
		{"letters", "write to chosen parties, or show an election's letters (send, status)", cmdLetters},
		{"demo", "load demo parties, contacts, an audit programme and an admin account (idempotent)", cmdDemo},
		{"user", "manage staff accounts (add)", cmdUser},
		{"token", "manage staff API tokens (create, list, revoke)", cmdToken},
		{"db", "manage the private development database (start, stop, url)", cmdDB},
		{"party", "manage the party registry (import, export, list)", cmdParty},
		{"complaints", "import complaints from a CSV or XLSX file (import)", cmdComplaints},
		{"triage", "triage complaints read as JSON lines on stdin (stores nothing)", cmdTriage},
		{"export", "export complaint trends as xlsx or csv (trends)", cmdExport},
		{"report", "write an election's follow-up report as a PDF (follow-up)", cmdReport},
		{"audits", "the party audit programme: list audits, import recommendations, list overdue ones (list, import, overdue)", cmdAudits},
		{"settings", "show the organisation settings and their versions (show, history)", cmdSettings},
		{"version", "print the version", cmdVersion},
	}
}

// usageError marks a mistake in how the command was called (exit 2).
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{fmt.Sprintf(format, args...)} }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	e := &env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv}
	os.Exit(run(ctx, e, os.Args[1:]))
}

// run dispatches args to a command and turns its error into an exit code
// and one sentence on stderr.
func run(ctx context.Context, e *env, args []string) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		printUsage(e.stdout)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range commands() {
		if c.name != args[0] {
			continue
		}
		err := c.run(ctx, e, args[1:])
		return report(e, c.name, err)
	}
	fmt.Fprintf(e.stderr, "campaignwatch: unknown command %q; run 'campaignwatch --help' for the list.\n", args[0])
	return 2
}

func report(e *env, name string, err error) int {
	var ue *usageError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(e.stderr, "campaignwatch %s: %s\n", name, ue.msg)
		return 2
	default:
		for _, line := range sentences(err) {
			fmt.Fprintf(e.stderr, "campaignwatch %s: %s\n", name, line)
		}
		return 1
	}
}

// sentences is the error for a person, one line per problem: an
// application error gives its public message, then each field's message
// on a line of its own; other errors give their text.
func sentences(err error) []string {
	var ae *apperr.Error
	if !errors.As(err, &ae) || ae.Code == apperr.Internal {
		return []string{asSentence(err.Error())}
	}
	var lines []string
	if strings.TrimSpace(ae.Message) != "" || len(ae.Fields) == 0 {
		lines = append(lines, asSentence(ae.Message))
	}
	for _, f := range ae.Fields {
		lines = append(lines, asSentence(f.Message))
	}
	return lines
}

// sentence is the error as one line for a person, its problems one
// sentence after another.
func sentence(err error) string { return strings.Join(sentences(err), " ") }

// asSentence is msg on one line, ending in a full stop.
func asSentence(msg string) string {
	msg = strings.Join(strings.Fields(msg), " ")
	if !strings.HasSuffix(msg, ".") && !strings.HasSuffix(msg, "?") && !strings.HasSuffix(msg, "!") {
		msg += "."
	}
	return msg
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "Usage: campaignwatch <command> [flags]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Commands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Run 'campaignwatch <command> --help' for a command's flags.")
	fmt.Fprintln(w, "Configuration comes from environment variables; see README.md.")
}

// newFlags returns a flag set whose --help prints its usage to stderr and
// whose parse errors are reported once, by report, with a hint to run
// --help rather than the whole usage.
func newFlags(e *env, name, usage string) *flag.FlagSet {
	fs := flag.NewFlagSet("campaignwatch "+name, flag.ContinueOnError)
	// The flag package prints a parse error and the usage itself; parse
	// turns the error into a usage error instead, printed once.
	fs.SetOutput(io.Discard)
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "Usage: campaignwatch %s\n", usage)
		fs.SetOutput(e.stderr)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}
	return fs
}

// badFlagValue is the flag package's error for a value it cannot parse.
var badFlagValue = regexp.MustCompile(`^invalid (?:boolean )?value (".*") for flag -(\S+): `)

// parse parses args and maps flag errors to exit codes: --help prints the
// usage and is success, anything else a usage error of one line.
func parse(fs *flag.FlagSet, args []string) error {
	usage := fs.Usage
	fs.Usage = func() {}
	err := fs.Parse(args)
	fs.Usage = usage
	switch {
	case err == nil:
		return nil
	case errors.Is(err, flag.ErrHelp):
		usage()
		return err
	}
	msg := err.Error()
	if rest, ok := strings.CutPrefix(msg, "flag provided but not defined: "); ok {
		msg = fmt.Sprintf("there is no --%s flag", strings.TrimLeft(rest, "-"))
	} else if rest, ok := strings.CutPrefix(msg, "flag needs an argument: "); ok {
		msg = fmt.Sprintf("--%s needs a value", strings.TrimLeft(rest, "-"))
	} else if m := badFlagValue.FindStringSubmatch(msg); m != nil {
		msg = fmt.Sprintf("%s is not a valid value for --%s", m[1], m[2])
	}
	return usagef("%s. Run '%s --help' for usage.", msg, fs.Name())
}

func cmdVersion(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "version", "version")
	if err := parse(fs, args); err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, "campaignwatch", Version)
	return nil
}
