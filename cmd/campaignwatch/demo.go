package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/app"
	"github.com/campaignwatch/campaignwatch/internal/demo"
	"github.com/campaignwatch/campaignwatch/internal/demo/auditdemo"
	"github.com/campaignwatch/campaignwatch/internal/demo/complaintgen"
)

func cmdDemo(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "demo", "demo [--migrate] [--complaints N]")
	migrate := fs.Bool("migrate", false, "apply pending migrations first")
	nComplaints := fs.Int("complaints", 0, fmt.Sprintf("also generate N triaged demo complaints in a new election of their own, named %q", complaintgen.DemoElectionName))
	if err := parse(fs, args); err != nil {
		return err
	}
	if *nComplaints < 0 {
		return usagef("--complaints must be 0 or more")
	}
	a, err := openApp(ctx, e, app.Options{})
	if err != nil {
		return err
	}
	defer a.Close()
	if err := a.EnsureMigrated(ctx, *migrate); err != nil {
		return err
	}
	res, err := demo.Load(cliActor(ctx), demo.Deps{Parties: a.Parties, Staff: a.Staff})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Demo data: %d parties, %d new contacts.\n", res.Parties, res.Contacts)
	ar, err := auditdemo.Load(cliActor(ctx), a.Audits, a.Parties)
	if err != nil {
		return err
	}
	if ar.Created {
		fmt.Fprintf(e.stdout, "Demo audit programme %q: %d audits, %d recommendations.\n", auditdemo.ProgrammeName, ar.Audits, ar.Recommendations)
	} else {
		fmt.Fprintf(e.stdout, "Demo audit programme %q already loaded.\n", auditdemo.ProgrammeName)
	}
	uw, err := auditdemo.LoadUnderWay(cliActor(ctx), a.Audits, a.Parties)
	if err != nil {
		return err
	}
	if uw.Created {
		fmt.Fprintf(e.stdout, "Demo audit under way: %s, %d recommendations, %d overdue.\n", auditdemo.UnderWayParty, uw.Recommendations, uw.Overdue)
	} else {
		fmt.Fprintf(e.stdout, "Demo audit under way (%s) already loaded.\n", auditdemo.UnderWayParty)
	}
	if err := seedLetterTemplates(ctx, e, a); err != nil {
		return err
	}
	if err := demoComplaints(ctx, e, a, *nComplaints); err != nil {
		return err
	}

	// In development mode the generated password is also kept in VAR_DIR
	// (readable by its owner only) so `make run` can show it on every
	// start; with a real database it is shown once and never stored.
	keep := filepath.Join(a.Config.VarDir, "demo-admin-password")
	switch {
	case res.AdminPassword != "":
		fmt.Fprintf(e.stdout, "Admin login: %s / %s\n", demo.AdminEmail, res.AdminPassword)
		if a.Config.DevMode() {
			if err := os.WriteFile(keep, []byte(res.AdminPassword+"\n"), 0o600); err != nil {
				return err
			}
		} else {
			fmt.Fprintln(e.stdout, "(The password is shown only now; it is stored hashed.)")
		}
	case a.Config.DevMode():
		if b, err := os.ReadFile(keep); err == nil {
			fmt.Fprintf(e.stdout, "Admin login: %s / %s\n", demo.AdminEmail, strings.TrimSpace(string(b)))
		} else {
			fmt.Fprintf(e.stdout, "Admin login: %s (password shown when it was created)\n", demo.AdminEmail)
		}
	default:
		fmt.Fprintf(e.stdout, "Admin account %s already exists.\n", demo.AdminEmail)
	}
	return nil
}

// demoComplaints generates n demo complaints in an election of their own
// (see complaintgen.GenerateDemo), every one triaged in the same
// transaction, then runs the monitor's surge check as its periodic job
// would, so the demo's surge shows as an alert at once.
func demoComplaints(ctx context.Context, e *env, a *app.App, n int) error {
	if n <= 0 {
		return nil
	}
	start := time.Now()
	deps := complaintgen.Deps{Pool: a.Pool, Parties: a.Parties, Elections: a.Outreach, Complaints: a.Complaints, Review: a.Pipeline}
	// A little over the alert threshold: some surge complaints name no
	// party and do not count towards it.
	set := a.Monitor.Settings()
	surgeMin := set.AlertMin + set.AlertMin/4 + 2
	res, err := complaintgen.GenerateDemo(cliActor(ctx), deps, n, uint64(time.Now().UnixNano()), surgeMin)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Demo election %q (number %d) created: it is for demonstration only.\n", complaintgen.DemoElectionName, res.ElectionID)
	fmt.Fprintf(e.stdout, "Demo complaints: %d created, %d triaged, received over %d days (%s).\n",
		res.Complaints, res.Triaged, res.Days, time.Since(start).Round(time.Millisecond))
	if res.Surge == 0 {
		fmt.Fprintln(e.stdout, "No surge: too few complaints for one to raise an alert.")
		return nil
	}
	alerts, err := a.Monitor.Check(ctx, time.Now())
	if err != nil {
		return fmt.Errorf("surge check: %w", err)
	}
	raised := 0
	for _, al := range alerts {
		if al.ElectionID == res.ElectionID {
			raised++
		}
	}
	fmt.Fprintf(e.stdout, "Surge: %d complaints about %s (%s) in the last 24 hours; %d alert(s) raised.\n",
		res.Surge, res.SurgeParty, vocab.ChannelLabel(res.SurgeChannel), raised)
	return nil
}
