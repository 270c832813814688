package outreach

import (
	"context"
	"strings"
	"sync"

	"github.com/campaignwatch/campaignwatch/outreach/render"
)

// WelshMarker opens the body of the Welsh versions GiveTemplatesWelsh
// adds, so a test can find the Welsh part of a letter.
const WelshMarker = "Llythyr yn Gymraeg."

// GiveTemplatesWelsh makes every template set s loads carry a Welsh
// version when it has none: the English source with its subject and body
// marked Welsh, saved as the template "<name>-cy-test" so letters can
// record its id. The shipped templates gain real Welsh versions on
// another branch; until then this lets the language tests run.
func GiveTemplatesWelsh(s *Service) {
	var mu sync.Mutex
	saved := map[string]*TemplateVersion{}
	s.setHook = func(ctx context.Context, ts *TemplateSet) error {
		if ts.Parsed["cy"] != nil {
			return nil
		}
		mu.Lock()
		defer mu.Unlock()
		en := ts.Versions["en"]
		tv := saved[ts.Name]
		if tv == nil || tv.Source != welshOf(en.Source) {
			var err error
			if tv, err = s.SaveTemplate(ctx, ts.Name+"-cy-test", welshOf(en.Source), "Welsh stand-in for tests"); err != nil {
				return err
			}
			saved[ts.Name] = tv
		}
		t, err := render.Parse(tv.Source)
		if err != nil {
			return err
		}
		ts.Versions["cy"], ts.Parsed["cy"] = tv, t
		return nil
	}
}

func welshOf(src string) string {
	src = strings.Replace(src, "subject: ", "subject: Cymraeg: ", 1)
	head, body, _ := strings.Cut(strings.TrimPrefix(src, "---\n"), "\n---\n")
	return "---\n" + head + "\n---\n" + WelshMarker + "\n\n" + body
}
