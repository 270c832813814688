package main

import (
	"bufio"
	"context"
	"fmt"
	"strings"

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
		password = staff.GeneratePassword()
	}

	a, err := openApp(ctx, e)
	if err != nil {
		return err
	}
	defer a.Close()
	if err := a.ensureMigrated(ctx, false); err != nil {
		return err
	}
	u, err := a.staff.CreateUser(cliActor(ctx), *email, r, password)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Created %s (%s).\n", u.Email, u.Role)
	if !*fromStdin {
		fmt.Fprintf(e.stdout, "Password: %s\n(It is shown only now; it is stored hashed.)\n", password)
	}
	return nil
}

func cmdToken(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || (args[0] != "create" && args[0] != "revoke") {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			fmt.Fprintln(e.stderr, "Usage: campaignwatch token create --email E | token revoke (--id N | --email E)")
			return nil
		}
		return usagef("say 'token create --email E' or 'token revoke --id N' or 'token revoke --email E'")
	}
	sub := args[0]
	fs := newFlags(e, "token "+sub, "token "+sub+" --email E"+map[string]string{"create": "", "revoke": " | --id N"}[sub])
	email := fs.String("email", "", "the staff member's email address")
	var id int64
	if sub == "revoke" {
		fs.Int64Var(&id, "id", 0, "the token id printed when it was created")
	}
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if sub == "create" && *email == "" {
		return usagef("--email is required")
	}
	if sub == "revoke" && (*email == "") == (id == 0) {
		return usagef("give exactly one of --id or --email")
	}

	a, err := openApp(ctx, e)
	if err != nil {
		return err
	}
	defer a.Close()
	if err := a.ensureMigrated(ctx, false); err != nil {
		return err
	}
	ctx = cliActor(ctx)
	if sub == "create" {
		t, token, err := a.staff.CreateToken(ctx, *email)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stderr, "Token %d created for %s; it is shown only now.\n", t.ID, *email)
		fmt.Fprintln(e.stdout, token)
		return nil
	}
	n, err := a.staff.RevokeTokens(ctx, id, *email)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Revoked %d token(s).\n", n)
	return nil
}
