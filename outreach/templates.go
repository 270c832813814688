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
			tag, err := tx.Exec(ctx, `
INSERT INTO letter_templates (name, version, source, note)
SELECT $1, 1, $2, 'shipped with campaignwatch'
WHERE NOT EXISTS (SELECT 1 FROM letter_templates WHERE name = $1)`, name, string(src))
			if err != nil {
				return err
			}
			added += int(tag.RowsAffected())
		}
		if added > 0 {
			return audit.Record(ctx, tx, "letter_template.seed", "letter_template", "", audit.Change{After: map[string]int{"added": added}})
		}
		return nil
	})
	return added, err
}

const templateColumns = `t.id, t.name, t.version, t.source, t.note, COALESCE(u.email, 'system'), t.created_at,
  (SELECT count(*) FROM letters l WHERE l.template_id = t.id)`

func scanTemplate(r pgx.Row) (*TemplateVersion, error) {
	v := &TemplateVersion{}
	err := r.Scan(&v.ID, &v.Name, &v.Version, &v.Source, &v.Note, &v.CreatedBy, &v.CreatedAt, &v.Letters)
	return v, err
}

// Templates returns the latest version of every template.
func (s *Service) Templates(ctx context.Context) ([]TemplateVersion, error) {
	rows, err := s.pool.Query(ctx, `
SELECT `+templateColumns+` FROM letter_templates t LEFT JOIN staff_users u ON u.id = t.created_by
WHERE t.version = (SELECT max(version) FROM letter_templates x WHERE x.name = t.name) ORDER BY t.name`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (TemplateVersion, error) {
		v, err := scanTemplate(r)
		return *v, err
	})
}

// TemplateVersions returns every version of a template, newest first.
func (s *Service) TemplateVersions(ctx context.Context, name string) ([]TemplateVersion, error) {
	rows, err := s.pool.Query(ctx, `
SELECT `+templateColumns+` FROM letter_templates t LEFT JOIN staff_users u ON u.id = t.created_by
WHERE t.name = $1 ORDER BY t.version DESC`, name)
	if err != nil {
		return nil, err
	}
	vs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (TemplateVersion, error) {
		v, err := scanTemplate(r)
		return *v, err
	})
	if err == nil && len(vs) == 0 {
		return nil, apperr.New(apperr.NotFound, "There is no letter template called %q.", name)
	}
	return vs, err
}

// Template returns one version of a template; version 0 means the latest.
func (s *Service) Template(ctx context.Context, name string, version int) (*TemplateVersion, error) {
	return s.template(ctx, s.pool, name, version)
}

func (s *Service) template(ctx context.Context, q querier, name string, version int) (*TemplateVersion, error) {
	v, err := scanTemplate(q.QueryRow(ctx, `
SELECT `+templateColumns+` FROM letter_templates t LEFT JOIN staff_users u ON u.id = t.created_by
WHERE t.name = $1 AND ($2 = 0 OR t.version = $2) ORDER BY t.version DESC LIMIT 1`, name, version))
	if errors.Is(err, pgx.ErrNoRows) {
		if version > 0 {
			return nil, apperr.New(apperr.NotFound, "There is no version %d of the letter template %q.", version, name)
		}
		return nil, apperr.New(apperr.NotFound, "There is no letter template called %q.", name)
	}
	return v, err
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
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('letter_template:' || $1))`, name); err != nil {
			return err
		}
		err := tx.QueryRow(ctx, `
INSERT INTO letter_templates (name, version, source, note, created_by)
VALUES ($1, (SELECT COALESCE(max(version), 0) + 1 FROM letter_templates WHERE name = $1), $2, $3, $4)
RETURNING id, version`, name, strings.ReplaceAll(source, "\r\n", "\n"), strings.TrimSpace(note), audit.ActorFrom(ctx).UserID).Scan(&id, &version)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, "letter_template.save", "letter_template", fmt.Sprint(id),
			audit.Change{After: map[string]any{"name": name, "version": version}})
	})
	if err != nil {
		return nil, err
	}
	return s.Template(ctx, name, version)
}

// querier is a pool or a transaction.
type querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

var templateName = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)
