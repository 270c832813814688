package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/app"
	"github.com/campaignwatch/campaignwatch/outreach"
)

// seedLetterTemplates stores the shipped letter templates not yet in the
// database.
func seedLetterTemplates(ctx context.Context, e *env, a *app.App) error {
	n, err := a.Outreach.Seed(cliActor(ctx))
	if err != nil {
		return err
	}
	if n > 0 {
		fmt.Fprintf(e.stdout, "Letter templates: %d added.\n", n)
	}
	return nil
}

type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error {
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			*l = append(*l, p)
		}
	}
	return nil
}

func cmdElection(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || (args[0] != "call" && args[0] != "list") {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			fmt.Fprintln(e.stderr, "Usage: campaignwatch election call --name N [--name-cy N] --type T --polling-day D [--announced D] [--nations ...] [--template NAME] [--field K=V ...] [--send-at TIME | --hold] [--record-only] [--dry-run | --yes] [--json]\n       campaignwatch election list")
			return nil
		}
		return usagef("say 'election call ...' or 'election list'")
	}
	if args[0] == "list" {
		return electionList(ctx, e, args[1:])
	}
	fs := newFlags(e, "election call", "election call --name N [--name-cy N] --type T --polling-day YYYY-MM-DD [--announced YYYY-MM-DD] [--nations england,wales] [--template NAME] [--field K=V] [--field-cy K=V] [--send-at RFC3339 | --hold] [--record-only] [--dry-run | --yes]")
	name := fs.String("name", "", "the election's name")
	nameCY := fs.String("name-cy", "", "the election's name in Welsh (needed when any contact reads Welsh)")
	typ := fs.String("type", "", "general, local, scottish_parliament, senedd, ni_assembly, mayoral, police_and_crime_commissioner, by_election or referendum")
	polling := fs.String("polling-day", "", "polling day, YYYY-MM-DD")
	announced := fs.String("announced", "", "the day it was announced, YYYY-MM-DD (default today)")
	regulated := fs.String("regulated-from", "", "start of the regulated period, YYYY-MM-DD")
	followUp := fs.Int("follow-up-days", 14, "days after polling day in the follow-up window")
	var nations, fields, fieldsCY listFlag
	fs.Var(&nations, "nations", "nations covered, comma-separated (default: those the type covers)")
	fs.Var(&fields, "field", "a template field as Name=value (repeatable)")
	fs.Var(&fieldsCY, "field-cy", "a template field's Welsh value as Name=value (repeatable)")
	tmpl := fs.String("template", outreach.DefaultTemplate, "letter template name")
	sendAt := fs.String("send-at", "", "send the letters at this time (RFC 3339, e.g. 2024-05-31T09:00:00+01:00)")
	hold := fs.Bool("hold", false, "hold the letters until a staff user releases the batch")
	recordOnly := fs.Bool("record-only", false, "record a past election without writing to anyone")
	dryRun := fs.Bool("dry-run", false, "show the preview and send nothing")
	yes := fs.Bool("yes", false, "send without asking (for scripts): the preview is still printed")
	asJSON := fs.Bool("json", false, "print the result (with --dry-run, the preview) as JSON")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	in := outreach.CallInput{ElectionInput: outreach.ElectionInput{Name: *name, NameCY: *nameCY, Type: *typ, Nations: nations, FollowUpDays: followUp},
		Template: *tmpl, Hold: *hold, RecordOnly: *recordOnly}
	for _, d := range []struct {
		v   string
		dst **time.Time
		f   string
	}{{*polling, &in.PollingDay, "--polling-day"}, {*announced, &in.AnnouncedOn, "--announced"}, {*regulated, &in.RegulatedFrom, "--regulated-from"}} {
		if d.v == "" {
			continue
		}
		t, err := outreach.ParseDate(d.v)
		if err != nil {
			return usagef("%s: %v", d.f, err)
		}
		*d.dst = &t
	}
	if *sendAt != "" {
		t, err := time.Parse(time.RFC3339, *sendAt)
		if err != nil {
			return usagef("--send-at: %q is not a time like 2024-05-31T09:00:00+01:00", *sendAt)
		}
		in.SendAt = &t
	}
	var err error
	if in.Fields, err = fieldFlags("--field", fields); err != nil {
		return err
	}
	if in.FieldsCY, err = fieldFlags("--field-cy", fieldsCY); err != nil {
		return err
	}
	a, err := openApp(ctx, e, app.Options{})
	if err != nil {
		return err
	}
	defer a.Close()
	if err := a.EnsureMigrated(ctx, false); err != nil {
		return err
	}
	svc := a.Outreach
	if _, err := svc.Seed(cliActor(ctx)); err != nil {
		return err
	}
	pv, err := svc.PreviewCall(cliActor(ctx), in)
	if err != nil {
		return err
	}
	if ok, err := confirmPreview(e, pv, *asJSON, *dryRun, *yes); !ok || err != nil {
		return err
	}
	in.Confirm = pv.Token
	res, err := svc.Call(cliActor(ctx), in)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	if res.RecordOnly {
		fmt.Fprintf(e.stdout, "Election %d recorded. No letters were written.\n", res.ElectionID)
		return nil
	}
	fmt.Fprintf(e.stdout, "Election %d called: %d letters in batch %d (%s), %s, version %d.\n",
		res.ElectionID, res.Letters, res.BatchID, strings.ToLower(vocab.LetterStateLabel(res.BatchState)), vocab.LetterTemplateLabel(res.Template), res.Version)
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "PARTY\tLETTERS")
	for _, p := range res.Parties {
		fmt.Fprintf(tw, "%s\t%d\n", p.Party, p.Letters)
	}
	tw.Flush()
	for _, p := range res.NoContact {
		fmt.Fprintf(e.stdout, "No letter for %s: it has no active contact.\n", p)
	}
	return nil
}

func electionList(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "election list", "election list")
	if err := parse(fs, args); err != nil {
		return err
	}
	a, err := openApp(ctx, e, app.Options{})
	if err != nil {
		return err
	}
	defer a.Close()
	els, err := a.Outreach.Elections(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tTYPE\tPOLLING DAY\tPHASE\tLETTERS")
	for _, el := range els {
		n := 0
		for _, c := range el.Letters {
			n += c
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%d\n", el.ID, el.Name, outreach.TypeName(el.Type), vocab.FormatDate(el.PollingDay, "en"),
			outreach.PhaseNames[el.Phase()], n)
	}
	return tw.Flush()
}

func cmdLetters(ctx context.Context, e *env, args []string) error {
	if len(args) > 0 && args[0] == "send" {
		return lettersSend(ctx, e, args[1:])
	}
	if len(args) == 0 || args[0] != "status" {
		return usagef("say 'letters status --election ID' or 'letters send --template NAME --party ID ...'")
	}
	fs := newFlags(e, "letters status", "letters status --election ID")
	id := fs.String("election", "", "the election's id")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	eid, err := strconv.ParseInt(*id, 10, 64)
	if err != nil {
		return usagef("--election: give the election's id (see 'campaignwatch election list')")
	}
	a, err := openApp(ctx, e, app.Options{})
	if err != nil {
		return err
	}
	defer a.Close()
	st, err := a.Outreach.Status(ctx, eid)
	if err != nil {
		return err
	}
	el := st.Election
	fmt.Fprintf(e.stdout, "%s (%s), polling day %s, phase %s. %d letters:", el.Name, el.TypeName(), el.PollingDay.Format("2 January 2006"), outreach.PhaseNames[st.Phase], st.Total)
	for _, s := range outreach.States {
		if st.Counts[s] > 0 {
			fmt.Fprintf(e.stdout, " %s %d", strings.ToLower(vocab.LetterStateLabel(s)), st.Counts[s])
		}
	}
	fmt.Fprintln(e.stdout, ".")
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "PARTY\tREFERENCE\tRECIPIENT\tSTATE\tATTEMPTS\tSENT AT\tLAST ERROR")
	for _, p := range st.Parties {
		for _, l := range p.Letters {
			sent := ""
			if l.SentAt != nil {
				sent = l.SentAt.Format(time.DateTime)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s <%s>\t%s\t%d\t%s\t%s\n", p.Party, l.Reference, l.RecipientName, l.RecipientEmail, vocab.LetterStateLabel(l.State), l.Attempts, sent, l.LastError)
		}
	}
	return tw.Flush()
}

// lettersSend writes one letter to each active contact of the chosen
// parties, outside an election call, after the same preview and
// confirmation as an election call.
func lettersSend(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "letters send", "letters send --template NAME --party ID [--party ID ...] [--election ID] [--field K=V ...] [--field-cy K=V ...] [--hold] [--dry-run | --yes] [--json]")
	tmpl := fs.String("template", "", "the letter template's name")
	var partyArgs, fields, fieldsCY listFlag
	fs.Var(&partyArgs, "party", "a party's id (repeatable, or comma-separated); see 'campaignwatch party list'")
	fs.Var(&fields, "field", "a template field as Name=value (repeatable)")
	fs.Var(&fieldsCY, "field-cy", "a template field's Welsh value as Name=value (repeatable)")
	election := fs.Int64("election", 0, "an election whose name and dates fill the letter (optional)")
	hold := fs.Bool("hold", false, "hold the letters until a staff user releases the batch")
	dryRun := fs.Bool("dry-run", false, "show the preview and send nothing")
	yes := fs.Bool("yes", false, "send without asking (for scripts): the preview is still printed")
	asJSON := fs.Bool("json", false, "print the result (with --dry-run, the preview) as JSON")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *tmpl == "" {
		return usagef("--template: name the letter to send (see the letter templates page)")
	}
	if len(partyArgs) == 0 {
		return usagef("--party: give at least one party's id")
	}
	in := outreach.LettersInput{Template: *tmpl, ElectionID: *election, Hold: *hold}
	for _, p := range partyArgs {
		id, err := strconv.ParseInt(p, 10, 64)
		if err != nil {
			return usagef("--party %q: give the party's id, a number", p)
		}
		in.PartyIDs = append(in.PartyIDs, id)
	}
	var err error
	if in.Fields, err = fieldFlags("--field", fields); err != nil {
		return err
	}
	if in.FieldsCY, err = fieldFlags("--field-cy", fieldsCY); err != nil {
		return err
	}
	a, err := openApp(ctx, e, app.Options{})
	if err != nil {
		return err
	}
	defer a.Close()
	if err := a.EnsureMigrated(ctx, false); err != nil {
		return err
	}
	svc := a.Outreach
	if _, err := svc.Seed(cliActor(ctx)); err != nil {
		return err
	}
	pv, err := svc.PreviewLetters(cliActor(ctx), in)
	if err != nil {
		return err
	}
	if ok, err := confirmPreview(e, pv, *asJSON, *dryRun, *yes); !ok || err != nil {
		return err
	}
	in.Confirm = pv.Token
	res, err := svc.SendLetters(cliActor(ctx), in)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	fmt.Fprintf(e.stdout, "%d letters in batch %d (%s), %s, version %d.\n", res.Letters, res.BatchID, strings.ToLower(vocab.LetterStateLabel(res.BatchState)), vocab.LetterTemplateLabel(res.Template), res.Version)
	return nil
}

// fieldFlags reads repeated Name=value flags into template fields.
func fieldFlags(flag string, vals []string) (map[string]string, error) {
	out := map[string]string{}
	for _, f := range vals {
		k, v, ok := strings.Cut(f, "=")
		if !ok {
			return nil, usagef("%s %q: write Name=value", flag, f)
		}
		out[k] = v
	}
	return out, nil
}
