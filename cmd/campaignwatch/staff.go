package main

import (
	"bufio"
	"context"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/campaignwatch/campaignwatch/internal/app"
	"github.com/campaignwatch/campaignwatch/internal/audit"
	"github.com/campaignwatch/campaignwatch/internal/staff"
)

// cliActor marks audit entries made from the command line.
func cliActor(ctx context.Context) context.Context {
	return audit.WithActor(ctx, audit.Actor{Label: "cli"})
}

func cmdUser(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || args[0] != "add" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			fmt.Fprintln(e.stderr, "Usage: campaignwatch user add --email E --role R [--password-stdin]")
			return nil
		}
		return usagef("say 'user add --email E --role R [--password-stdin]'")
	}
	fs := newFlags(e, "user add", "user add --email E --role admin|political_team|triage_officer|analyst [--password-stdin]")
	email := fs.String("email", "", "the staff member's email address (required)")
	role := fs.String("role", "", "admin, political_team, triage_officer or analyst (required)")
	fromStdin := fs.Bool("password-stdin", false, "read the password from standard input instead of generating one")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if *email == "" || *role == "" {
		return usagef("--email and --role are required")
	}
	r, err := staff.ParseRole(*role)
	if err != nil {
		return usagef("%s", strings.TrimSuffix(err.Error(), "."))
	}
	password := ""
	if *fromStdin {
		line, err := bufio.NewReader(e.stdin).ReadString('\n')
		if err != nil && line == "" {
			return fmt.Errorf("no password on standard input")
		}
		password = strings.TrimRight(line, "\r\n")
	} else {
		password = staff.GeneratePasswordFor(*email)
	}

	a, err := openApp(ctx, e, app.Options{})
	if err != nil {
		return err
	}
	defer a.Close()
	if err := a.EnsureMigrated(ctx, false); err != nil {
		return err
	}
	u, err := a.Staff.CreateUser(cliActor(ctx), *email, r, password)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Created %s (%s).\n", u.Email, u.Role.Label())
	if !*fromStdin {
		fmt.Fprintf(e.stdout, "Password: %s\n(It is shown only now; it is stored hashed.)\n", password)
	}
	return nil
}

const tokenUsage = "token create --email E [--expires-in 90d] | token list [--email E] [--all] | token revoke (--id N | --email E)"

func cmdToken(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || (args[0] != "create" && args[0] != "revoke" && args[0] != "list") {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			fmt.Fprintln(e.stderr, "Usage: campaignwatch "+tokenUsage)
			return nil
		}
		return usagef("say 'token create --email E', 'token list' or 'token revoke --id N' (or --email E)")
	}
	sub := args[0]
	usage := map[string]string{
		"create": "token create --email E [--expires-in 90d]",
		"list":   "token list [--email E] [--all]",
		"revoke": "token revoke --id N | --email E",
	}[sub]
	fs := newFlags(e, "token "+sub, usage)
	email := fs.String("email", "", "the staff member's email address")
	var id int64
	var expiresIn string
	var all bool
	switch sub {
	case "revoke":
		fs.Int64Var(&id, "id", 0, "the token id printed when it was created")
	case "create":
		fs.StringVar(&expiresIn, "expires-in", "90d", "how long the token lasts: days (30d) or hours (12h), from 1 hour to 366 days")
	case "list":
		fs.BoolVar(&all, "all", false, "include revoked and expired tokens")
	}
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	var lifetime time.Duration
	switch sub {
	case "create":
		if *email == "" {
			return usagef("--email is required")
		}
		var err error
		if lifetime, err = parseLifetime(expiresIn); err != nil {
			return err
		}
	case "revoke":
		if (*email == "") == (id == 0) {
			return usagef("give exactly one of --id or --email")
		}
	}

	a, err := openApp(ctx, e, app.Options{})
	if err != nil {
		return err
	}
	defer a.Close()
	if err := a.EnsureMigrated(ctx, false); err != nil {
		return err
	}
	ctx = cliActor(ctx)
	switch sub {
	case "create":
		t, token, err := a.Staff.CreateToken(ctx, *email, lifetime)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stderr, "Token %d created for %s, valid until %s; it is shown only now.\n",
			t.ID, t.Owner, t.ExpiresAt.UTC().Format(tokenTimeLayout))
		fmt.Fprintln(e.stdout, token)
		return nil
	case "list":
		tokens, err := a.Staff.ListTokens(ctx, *email, all)
		if err != nil {
			return err
		}
		if len(tokens) == 0 {
			fmt.Fprintln(e.stderr, "No tokens.")
			return nil
		}
		now := time.Now()
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tOWNER\tCREATED\tEXPIRES\tLAST USED\tSTATE")
		for _, t := range tokens {
			used := "never"
			if t.LastUsedAt != nil {
				used = t.LastUsedAt.UTC().Format(tokenTimeLayout)
			}
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.Owner, t.CreatedAt.UTC().Format(tokenTimeLayout),
				t.ExpiresAt.UTC().Format(tokenTimeLayout), used, t.State(now))
		}
		return tw.Flush()
	}
	n, err := a.Staff.RevokeTokens(ctx, id, *email)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Revoked %d token(s).\n", n)
	return nil
}

const tokenTimeLayout = "2006-01-02 15:04 UTC"

// parseLifetime reads --expires-in: a whole number of days ("90d") or any
// Go duration ("12h"), between an hour and MaxTokenLifetime.
func parseLifetime(v string) (time.Duration, error) {
	v = strings.TrimSpace(v)
	var d time.Duration
	if days, ok := strings.CutSuffix(v, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil {
			return 0, usagef("--expires-in %q is not a number of days such as 90d", v)
		}
		d = time.Duration(n) * 24 * time.Hour
	} else {
		var err error
		if d, err = time.ParseDuration(v); err != nil {
			return 0, usagef("--expires-in %q is not a duration: use days (90d) or hours (12h)", v)
		}
	}
	if d < time.Hour || d > staff.MaxTokenLifetime {
		return 0, usagef("--expires-in must be between 1h and 366d, not %s", v)
	}
	return d, nil
}
