package audit

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

func entry(t *testing.T, action, objectType, objectID string, c Change) Entry {
	t.Helper()
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	return Entry{Actor: "a.officer@example.org", Action: action, ObjectType: objectType, ObjectID: objectID, Summary: b}
}

// Describe's sentence and object name for entries whose whole wording is
// known: a priority override, an update that changed one field of
// several, an entry with no actor or change, and an action, object type
// and fields no table names, which are put into words.
func TestDescribeSentenceAndObject(t *testing.T) {
	for _, tc := range []struct {
		name             string
		e                Entry
		sentence, object string
	}{{
		name: "priority change",
		e: entry(t, "complaint.triage_override", "complaint", "CW-2026-000123", Change{
			Before: map[string]any{"priority": "high", "provisions": []string{"pecr.r22"}, "status": "new", "triage_result_id": 7},
			After:  map[string]any{"priority": "urgent", "provisions": []string{"pecr.r22"}, "status": "new", "reason": "repeat sender"},
		}),
		sentence: "Priority changed from High to Urgent by a.officer@example.org: 'repeat sender'",
		object:   "Complaint CW-2026-000123",
	}, {
		name: "only what changed",
		e: entry(t, "party.update", "party", "4", Change{
			Before: map[string]any{"name": "Green Party", "nations": []string{"england"}, "active": true},
			After:  map[string]any{"name": "Green Party", "nations": []string{"england", "northern_ireland"}, "active": true},
		}),
		sentence: "Party updated: nations changed from England to England, Northern Ireland by a.officer@example.org",
		object:   "Party: Green Party",
	}, {
		name:     "no actor and no change",
		e:        withoutActor(entry(t, "letter_batch.release", "letter_batch", "9", Change{})),
		sentence: "Letter batch released",
		object:   "Letter batch 9",
	}, {
		name: "unknown action and fields",
		e: entry(t, "widget.frobnicate_all", "widget_thing", "", Change{
			Before: map[string]any{"colour_code": "deep_blue"},
			After:  map[string]any{"colour_code": "pale_green", "when_done": "2026-05-07", "nested": map[string]any{"a_b": 1}},
		}),
		sentence: "Widget frobnicate all: colour code changed from deep blue to pale green; nested (a b 1); when done 7 May 2026 by a.officer@example.org",
		object:   "Widget thing",
	}} {
		t.Run(tc.name, func(t *testing.T) {
			d := Describe(tc.e, nil)
			if d.Sentence != tc.sentence {
				t.Errorf("sentence %q, want %q", d.Sentence, tc.sentence)
			}
			if d.Object != tc.object {
				t.Errorf("object %q, want %q", d.Object, tc.object)
			}
		})
	}
}

func withoutActor(e Entry) Entry {
	e.Actor = ""
	return e
}

func TestDescribeATriage(t *testing.T) {
	e := entry(t, "complaint.triage", "complaint", "CW-1", Change{After: map[string]any{
		"rulebook_version": 3, "rulebook_hash": "abc", "priority": "high", "score": 40,
		"provisions": []string{"pecr.r22"}, "channels": []string{"live_call", "sms"}, "referral": "",
	}})
	d := Describe(e, func(_, field, v string) string {
		if field == "provision" && v == "pecr.r22" {
			return "Unsolicited marketing email and text"
		}
		return ""
	})
	for _, part := range []string{"Complaint triaged: ", "priority High", "provisions Unsolicited marketing email and text", "by a.officer@example.org"} {
		if !strings.Contains(d.Sentence, part) {
			t.Errorf("sentence %q lacks %q", d.Sentence, part)
		}
	}
	if strings.Contains(d.Sentence, "abc") || strings.Contains(d.Sentence, "live_call") {
		t.Errorf("sentence %q shows a hash or a code", d.Sentence)
	}
}

// notActions are the dotted strings in files that record audit entries
// which are not action names.
var notActions = map[string]bool{
	"list.sql": true, "error.body.method_not_allowed": true, "error.title.method_not_allowed": true,
}

var dotted = regexp.MustCompile(`^[a-z_]+(\.[a-z_]+)+$`)

// recordedActions finds every action the code records: each dotted
// string literal in a non-test file that records audit entries (or
// passes an action to the parties' Upsert, which records it).
func recordedActions(t *testing.T) map[string]string {
	t.Helper()
	found := map[string]string{}
	root := filepath.Join("..", "..")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != root && (strings.HasPrefix(d.Name(), ".") || d.Name() == "dbsqlc" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
		if err != nil {
			return err
		}
		records := false
		for _, im := range f.Imports {
			if im.Path.Value == `"github.com/campaignwatch/campaignwatch/internal/audit"` {
				records = true
			}
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) < 2 {
				return true
			}
			if sel, ok := call.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "Upsert" {
				if lit, ok := call.Args[1].(*ast.BasicLit); ok && lit.Kind == token.STRING {
					s, _ := strconv.Unquote(lit.Value)
					found[s] = path
				}
			}
			return true
		})
		if !records {
			return nil
		}
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			if err == nil && (dotted.MatchString(s) || strings.HasSuffix(s, "_") && dotted.MatchString(s+"x")) && !notActions[s] {
				found[s] = path
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return found
}

func TestEveryRecordedActionHasASentence(t *testing.T) {
	found := recordedActions(t)
	if len(found) < 50 {
		t.Fatalf("found only %d actions; is the repository walk broken?", len(found))
	}
	for action, path := range found {
		if strings.HasSuffix(action, "_") {
			// "complaint.triage_"+kind: each kind is listed by name.
			n := 0
			for known := range actionTitles {
				if strings.HasPrefix(known, action) {
					n++
				}
			}
			if n == 0 {
				t.Errorf("%s records actions %s… and none has a sentence", path, action)
			}
			continue
		}
		if _, ok := actionTitles[action]; !ok {
			t.Errorf("%s records %q, which has no sentence in actionTitles", path, action)
		}
	}
	for known := range actionTitles {
		if _, ok := found[known]; !ok && !strings.HasPrefix(known, "complaint.triage_") {
			t.Errorf("actionTitles names %q, which nothing records any more", known)
		}
	}
}

// A sentence for every action, with codes in its summary, reads as words.
func TestEverySentenceReadsAsWords(t *testing.T) {
	raw := regexp.MustCompile(`\{"|\s=\s|\b[a-z]+_[a-z_]+\b`)
	for action := range actionTitles {
		e := entry(t, action, "complaint", "CW-1", Change{
			Before: map[string]any{"status": "in_review", "priority": "high", "channel": "live_call"},
			After: map[string]any{"status": "closed", "priority": "urgent", "channel": "automated_call",
				"nations": []string{"northern_ireland"}, "outcome": "no_action", "assigned_to": 3, "letters": 4},
		})
		d := Describe(e, nil)
		if raw.MatchString(d.Sentence) || d.Sentence == "" {
			t.Errorf("%s: %q shows a code or JSON", action, d.Sentence)
		}
	}
}

func TestDescribeCountsAndRecords(t *testing.T) {
	e := entry(t, "letter_template.seed", "letter_template", "", Change{After: map[string]any{
		"added":    1,
		"versions": []map[string]any{{"lang": "cy", "name": "election-reminder", "version": 1}},
	}})
	d := Describe(e, func(objectType, field, v string) string {
		if objectType == "letter_template" && field == "name" && v == "election-reminder" {
			return "Election reminder"
		}
		return ""
	})
	want := "Standard letter templates added: added 1; versions (language Welsh, name Election reminder, version 1) by a.officer@example.org"
	if d.Sentence != want {
		t.Errorf("sentence %q, want %q", d.Sentence, want)
	}
	e = entry(t, "election.call", "election", "3", Change{After: map[string]any{"languages": map[string]int{"en": 9, "cy": 2}}})
	if d := Describe(e, nil); !strings.Contains(d.Sentence, "languages (Welsh 2, English 9)") {
		t.Errorf("sentence %q", d.Sentence)
	}
}
