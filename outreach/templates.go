package outreach

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/internal/audit"
	"github.com/campaignwatch/campaignwatch/outreach/internal/dbsqlc"
	"github.com/campaignwatch/campaignwatch/outreach/render"
	"github.com/campaignwatch/campaignwatch/templates"
)

// TemplateVersion is one saved version of a letter template.
type TemplateVersion struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	Version   int       `json:"version"`
	Source    string    `json:"source"`
	Note      string    `json:"note"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
	Letters   int       `json:"letters"` // letters rendered from this version
}

// Seed stores each file in templates/letters as version 1 of its template
// when no version of that template exists yet, and reports how many it
// added. Staff edits are later versions, so seeding never overwrites them;
// running it again changes nothing. migrate and demo call it.
func (s *Service) Seed(ctx context.Context) (int, error) {
	names, err := fs.Glob(templates.Letters, "letters/*.md")
	if err != nil {
		return 0, err
	}
	added := 0
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		for _, n := range names {
			if path.Base(n) == "README.md" {
				continue
			}
			src, err := fs.ReadFile(templates.Letters, n)
			if err != nil {
				return err
			}
			name := strings.TrimSuffix(path.Base(n), ".md")
			if _, err := render.Parse(string(src)); err != nil {
				return fmt.Errorf("shipped letter template %s: %w", name, err)
			}
			n, err := dbsqlc.New(tx).SeedTemplate(ctx, dbsqlc.SeedTemplateParams{Name: name, Source: string(src)})
			if err != nil {
				return err
			}
			added += int(n)
		}
		if added > 0 {
			return audit.Record(ctx, tx, "letter_template.seed", "letter_template", "", audit.Change{After: map[string]int{"added": added}})
		}
		return nil
	})
	return added, err
}

// templateOf converts a template row; every query of a template version
// selects the same columns, so their rows convert to GetTemplateRow.
func templateOf(r dbsqlc.GetTemplateRow) TemplateVersion {
	return TemplateVersion{ID: r.ID, Name: r.Name, Version: int(r.Version), Source: r.Source, Note: r.Note,
		CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt, Letters: int(r.Letters)}
}

// Templates returns the latest version of every template.
func (s *Service) Templates(ctx context.Context) ([]TemplateVersion, error) {
	rows, err := s.q.LatestTemplates(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]TemplateVersion, len(rows))
	for i, r := range rows {
		out[i] = templateOf(dbsqlc.GetTemplateRow(r))
	}
	return out, nil
}

// TemplateVersions returns every version of a template, newest first.
func (s *Service) TemplateVersions(ctx context.Context, name string) ([]TemplateVersion, error) {
	rows, err := s.q.TemplateVersions(ctx, name)
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, apperr.New(apperr.NotFound, "There is no letter template called %q.", name)
	}
	out := make([]TemplateVersion, len(rows))
	for i, r := range rows {
		out[i] = templateOf(dbsqlc.GetTemplateRow(r))
	}
	return out, nil
}

// Template returns one version of a template; version 0 means the latest.
func (s *Service) Template(ctx context.Context, name string, version int) (*TemplateVersion, error) {
	r, err := s.q.GetTemplate(ctx, dbsqlc.GetTemplateParams{Name: name, Version: int32(version)})
	if errors.Is(err, pgx.ErrNoRows) {
		if version > 0 {
			return nil, apperr.New(apperr.NotFound, "There is no version %d of the letter template %q.", version, name)
		}
		return nil, apperr.New(apperr.NotFound, "There is no letter template called %q.", name)
	}
	if err != nil {
		return nil, err
	}
	v := templateOf(r)
	return &v, nil
}

// CheckTemplate parses a template's source and renders it against sample
// values. A problem is an Invalid error on the field "source" whose message
// names the line.
func CheckTemplate(source string) (*render.Template, *render.Letter, error) {
	// A template past a render limit gets the limit's own message, which
	// names the limit; it is not a problem on one line.
	var limit *render.LimitError
	t, err := render.Parse(source)
	if errors.As(err, &limit) {
		return nil, nil, apperr.Fields(apperr.FieldError{Field: "source", Message: limit.Error()})
	}
	if err != nil {
		var le *render.LineError
		if errors.As(err, &le) {
			return nil, nil, apperr.Fields(apperr.FieldError{Field: "source", Message: "The template has a problem on " + le.Error()})
		}
		return nil, nil, apperr.Fields(apperr.FieldError{Field: "source", Message: "The template has a problem: " + err.Error()})
	}
	l, err := t.Render(t.Sample(), render.RenderOptions{})
	if errors.As(err, &limit) {
		return nil, nil, apperr.Fields(apperr.FieldError{Field: "source", Message: limit.Error()})
	}
	if err != nil {
		return nil, nil, apperr.Fields(apperr.FieldError{Field: "source", Message: "The template cannot be rendered: " + err.Error()})
	}
	return t, l, nil
}

// SaveTemplate validates source and stores it as the next version of the
// template name (a new template when name is new).
func (s *Service) SaveTemplate(ctx context.Context, name, source, note string) (*TemplateVersion, error) {
	name = strings.TrimSpace(name)
	if !templateName.MatchString(name) {
		return nil, apperr.Fields(apperr.FieldError{Field: "name", Message: "A template name uses lower-case letters, digits and hyphens, for example election-reminder"})
	}
	if _, _, err := CheckTemplate(source); err != nil {
		return nil, err
	}
	var id int64
	var version int
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		q := dbsqlc.New(tx)
		if err := q.LockTemplateName(ctx, name); err != nil {
			return err
		}
		saved, err := q.SaveTemplate(ctx, dbsqlc.SaveTemplateParams{Name: name, Source: strings.ReplaceAll(source, "\r\n", "\n"),
			Note: strings.TrimSpace(note), CreatedBy: audit.ActorFrom(ctx).UserID})
		if err != nil {
			return err
		}
		id, version = saved.ID, int(saved.Version)
		return audit.Record(ctx, tx, "letter_template.save", "letter_template", fmt.Sprint(id),
			audit.Change{After: map[string]any{"name": name, "version": version}})
	})
	if err != nil {
		return nil, err
	}
	return s.Template(ctx, name, version)
}

var templateName = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)

// TemplateSet is the latest version of one letter template in each
// language it is written in, parsed against the settings in force.
type TemplateSet struct {
	Name string
	// Versions and Parsed are keyed by language, "en" and "cy".
	Versions map[string]*TemplateVersion
	Parsed   map[string]*render.Template
}

// Languages returns the language versions a reader with preference pref
// ("en", "cy" or "both") gets, in the order the letter prints them:
// Welsh first in a bilingual letter.
func Languages(pref string) []string {
	switch pref {
	case "cy":
		return []string{"cy"}
	case "both":
		return []string{"cy", "en"}
	}
	return []string{"en"}
}

// TemplateSet loads and parses the latest version of the template name
// in every language it has. A template without an English version, or a
// version that no longer parses (a guidance key removed from the library
// since), is an Invalid error on the field "template".
//
// Stub: only English until the language variants land.
func (s *Service) TemplateSet(ctx context.Context, name string) (*TemplateSet, error) {
	tv, err := s.Template(ctx, name, 0)
	if err != nil {
		return nil, err
	}
	t, err := render.Parse(tv.Source)
	if err != nil {
		return nil, apperr.Fields(apperr.FieldError{Field: "template", Message: fmt.Sprintf("Version %d of the template %q has a problem: %v", tv.Version, tv.Name, err)})
	}
	return &TemplateSet{Name: name, Versions: map[string]*TemplateVersion{"en": tv}, Parsed: map[string]*render.Template{"en": t}}, nil
}

// Render renders the letter one reader gets: the versions in langs (see
// Languages), each filled with values[lang].
func (ts *TemplateSet) Render(langs []string, values map[string]map[string]string, opts render.RenderOptions) (*render.Letter, error) {
	var vs []render.Version
	for _, l := range langs {
		t, ok := ts.Parsed[l]
		if !ok {
			return nil, apperr.New(apperr.Invalid, "The letter template %q has no %s version.", ts.Name, map[string]string{"cy": "Welsh", "en": "English"}[l])
		}
		vs = append(vs, render.Version{Template: t, Lang: l, Values: values[l]})
	}
	return render.RenderLetter(vs, opts)
}
