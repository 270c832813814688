package main

import (
	"context"
	"encoding/json"
	"fmt"
	"text/tabwriter"

	"github.com/campaignwatch/campaignwatch/internal/app"
	"github.com/campaignwatch/campaignwatch/internal/organisation"
)

const settingsUsage = `Usage:
  campaignwatch settings show [--version N]   print the organisation settings in force (or version N) as JSON
  campaignwatch settings history              list the saved versions
Admins change the settings on the settings page (/staff/settings).`

// cmdSettings reads the organisation settings: the version in force or an
// earlier one, and the history. Images are left out (has_image).
func cmdSettings(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		fmt.Fprintln(e.stderr, settingsUsage)
		return usagef("say 'settings show' or 'settings history'")
	}
	switch args[0] {
	case "-h", "--help", "help":
		fmt.Fprintln(e.stdout, settingsUsage)
		return nil
	case "show", "history":
	default:
		return usagef("unknown subcommand %q: say 'settings show' or 'settings history'", args[0])
	}
	fs := newFlags(e, "settings "+args[0], "settings show [--version N] | settings history")
	version := fs.Int("version", 0, "show this saved version instead of the one in force")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	a, err := openApp(ctx, e, app.Options{})
	if err != nil {
		return err
	}
	defer a.Close()
	if err := a.EnsureMigrated(ctx, false); err != nil {
		return err
	}
	if args[0] == "history" {
		versions, err := a.OrgStore.Versions(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "VERSION\tSAVED BY\tSAVED AT\tNOTE")
		for _, v := range versions {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\n", v.Number, v.SavedBy, v.SavedAt.Format("2006-01-02 15:04:05"), v.Note)
		}
		return tw.Flush()
	}
	var st *organisation.Settings
	if *version != 0 {
		v, err := a.OrgStore.Version(ctx, *version)
		if err != nil {
			return err
		}
		st = v.Settings
	} else if st, err = a.OrgStore.Current(ctx); err != nil {
		return err
	}
	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(organisation.ViewOf(st))
}
