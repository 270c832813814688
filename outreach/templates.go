package outreach

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"path"
	"regexp"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/internal/audit"
	"github.com/campaignwatch/campaignwatch/internal/legal"
	"github.com/campaignwatch/campaignwatch/internal/organisation"
	"github.com/campaignwatch/campaignwatch/outreach/internal/dbsqlc"
	"github.com/campaignwatch/campaignwatch/outreach/render"
	"github.com/campaignwatch/campaignwatch/templates"
)

// TemplateVersion is one saved version of a letter template in one
// language. Versions are counted per language: the Welsh text of a
// template has its own history beside the English.
type TemplateVersion struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	Lang      string    `json:"lang"` // "en" or "cy"
	Version   int       `json:"version"`
	Source    string    `json:"source"`
	Note      string    `json:"note"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
	Letters   int       `json:"letters"` // letters rendered from this version
}

// TemplateLanguages are the languages a letter template is written in,
// in the order the editor offers them.
var TemplateLanguages = []string{"en", "cy"}

// LanguageName is the name of a template language, for messages.
func LanguageName(lang string) string {
	if lang == "cy" {
		return "Welsh"
	}
	return "English"
}

// shippedTemplate is one file of templates/letters: the English text is
// letters/<name>.md, the Welsh letters/cy/<name>.md.
type shippedTemplate struct {
	name, lang, source string
}

func shippedTemplates() ([]shippedTemplate, error) {
	var out []shippedTemplate
	for _, lang := range TemplateLanguages {
		dir := "letters"
		if lang != "en" {
			dir += "/" + lang
		}
		names, err := fs.Glob(templates.Letters, dir+"/*.md")
		if err != nil {
			return nil, err
		}
		for _, n := range names {
			if path.Base(n) == "README.md" {
				continue
			}
			src, err := fs.ReadFile(templates.Letters, n)
			if err != nil {
				return nil, err
			}
			out = append(out, shippedTemplate{name: strings.TrimSuffix(path.Base(n), ".md"), lang: lang,
				source: strings.ReplaceAll(string(src), "\r\n", "\n")})
		}
	}
	return out, nil
}

// Seed stores the letter templates shipped in templates/letters, English
// and Welsh, and reports how many versions it added. A template not yet
// stored in a language gets its file as version 1. When a shipped file has
// changed since it was seeded, and the latest version in that language is
// still the seeded one, the new text is stored as the next version, so
// existing installations get the rewritten letters; once staff have saved
// a version of their own, seeding leaves that language alone. Every file
// is parsed against the settings in force first: a shipped template that
// cites a key the library lacks is an error naming the file and the line.
// Running it again changes nothing. migrate and demo call it.
func (s *Service) Seed(ctx context.Context) (int, error) {
	files, err := shippedTemplates()
	if err != nil {
		return 0, err
	}
	org, err := s.settings.Org.Current(ctx)
	if err != nil {
		return 0, err
	}
	// A shipped file that cites a guidance key this installation's
	// library lacks is left out, and its stored version kept, rather than
	// stop migrate and every command that seeds: an admin adds the
	// document on the settings page and the next seed stores the file.
	usable := files[:0:0]
	for _, f := range files {
		if _, err := render.ParseWith(f.source, org); err != nil {
			slog.Default().Warn("a shipped letter template was not stored: it does not work with the organisation settings in force",
				"template", f.name, "language", LanguageName(f.lang), "problem", err.Error())
			continue
		}
		usable = append(usable, f)
	}
	files = usable
	added := 0
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		q := dbsqlc.New(tx)
		var stored []map[string]any
		for _, f := range files {
			if err := q.LockTemplateName(ctx, f.name); err != nil {
				return err
			}
			latest, err := q.LatestTemplateForSeed(ctx, dbsqlc.LatestTemplateForSeedParams{Name: f.name, Lang: f.lang})
			note := "shipped with campaignwatch"
			switch {
			case errors.Is(err, pgx.ErrNoRows):
			case err != nil:
				return err
			case !latest.Seeded || latest.Source == f.source:
				continue
			default:
				note = fmt.Sprintf("shipped with campaignwatch, replacing version %d", latest.Version)
			}
			row, err := q.InsertSeededTemplate(ctx, dbsqlc.InsertSeededTemplateParams{Name: f.name, Lang: f.lang, Source: f.source, Note: note})
			if err != nil {
				return err
			}
			added++
			stored = append(stored, map[string]any{"name": f.name, "lang": f.lang, "version": row.Version})
		}
		if added > 0 {
			return audit.Record(ctx, tx, "letter_template.seed", "letter_template", "",
				audit.Change{After: map[string]any{"added": added, "versions": stored}})
		}
		return nil
	})
	return added, err
}

// templateOf converts a template row; every query of a template version
// selects the same columns, so their rows convert to GetTemplateRow.
func templateOf(r dbsqlc.GetTemplateRow) TemplateVersion {
	return TemplateVersion{ID: r.ID, Name: r.Name, Lang: r.Lang, Version: int(r.Version), Source: r.Source, Note: r.Note,
		CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt, Letters: int(r.Letters)}
}

// Templates returns the latest English version of every template: the
// list of letter types.
func (s *Service) Templates(ctx context.Context) ([]TemplateVersion, error) {
	all, err := s.LatestTemplates(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]TemplateVersion, 0, len(all))
	for _, tv := range all {
		if tv.Lang == "en" {
			out = append(out, tv)
		}
	}
	return out, nil
}

// LatestTemplates returns the latest version of every template in every
// language, by name, Welsh after English.
func (s *Service) LatestTemplates(ctx context.Context) ([]TemplateVersion, error) {
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

// TemplateVersions returns every English version of a template, newest
// first.
func (s *Service) TemplateVersions(ctx context.Context, name string) ([]TemplateVersion, error) {
	return s.TemplateVersionsIn(ctx, name, "en")
}

// TemplateVersionsIn returns every version of a template in lang, newest
// first. A template with no version in lang is NotFound.
func (s *Service) TemplateVersionsIn(ctx context.Context, name, lang string) ([]TemplateVersion, error) {
	rows, err := s.q.TemplateVersions(ctx, dbsqlc.TemplateVersionsParams{Name: name, Lang: templateLang(lang)})
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, apperr.New(apperr.NotFound, "There is no %s letter template called %q.", LanguageName(lang), name)
	}
	out := make([]TemplateVersion, len(rows))
	for i, r := range rows {
		out[i] = templateOf(dbsqlc.GetTemplateRow(r))
	}
	return out, nil
}

// Template returns one English version of a template; version 0 means
// the latest.
func (s *Service) Template(ctx context.Context, name string, version int) (*TemplateVersion, error) {
	return s.TemplateIn(ctx, name, "en", version)
}

// TemplateIn returns one version of a template in lang ("en" or "cy");
// version 0 means the latest.
func (s *Service) TemplateIn(ctx context.Context, name, lang string, version int) (*TemplateVersion, error) {
	lang = templateLang(lang)
	r, err := s.q.GetTemplate(ctx, dbsqlc.GetTemplateParams{Name: name, Lang: lang, Version: int32(version)})
	if errors.Is(err, pgx.ErrNoRows) {
		if version > 0 {
			return nil, apperr.New(apperr.NotFound, "There is no version %d of the %s letter template %q.", version, LanguageName(lang), name)
		}
		return nil, apperr.New(apperr.NotFound, "There is no %s letter template called %q.", LanguageName(lang), name)
	}
	if err != nil {
		return nil, err
	}
	v := templateOf(r)
	return &v, nil
}

// templateLang is "cy" for Welsh and "en" for anything else.
func templateLang(lang string) string {
	if lang == "cy" {
		return "cy"
	}
	return "en"
}

// CheckTemplate parses a template's source against the default settings
// and renders it against sample values: see CheckTemplateWith.
func CheckTemplate(source string) (*render.Template, *render.Letter, error) {
	return CheckTemplateWith(source, "en", nil)
}

// CheckTemplate parses a template's source against the settings in force
// (its {{cite}} keys against their library) and renders it in lang
// against sample values. A problem is an Invalid error on the field
// "source" whose message names the line.
func (s *Service) CheckTemplate(ctx context.Context, source, lang string) (*render.Template, *render.Letter, error) {
	org, err := s.settings.Org.Current(ctx)
	if err != nil {
		return nil, nil, err
	}
	return CheckTemplateWith(source, lang, org)
}

// CheckTemplateWith parses a template's source against org (nil: the
// defaults) and renders it in lang against sample values. A problem is
// an Invalid error on the field "source" whose message names the line.
func CheckTemplateWith(source, lang string, org *organisation.Settings) (*render.Template, *render.Letter, error) {
	// A template past a render limit gets the limit's own message, which
	// names the limit; it is not a problem on one line.
	var limit *render.LimitError
	t, err := render.ParseWith(source, org)
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
	l, err := t.Render(SampleValues(t, lang), render.RenderOptions{Lang: templateLang(lang), Org: org})
	if errors.As(err, &limit) {
		return nil, nil, apperr.Fields(apperr.FieldError{Field: "source", Message: limit.Error()})
	}
	if err != nil {
		return nil, nil, apperr.Fields(apperr.FieldError{Field: "source", Message: "The template cannot be rendered: " + err.Error()})
	}
	return t, l, nil
}

// SampleValues are the template's sample values in lang: the Welsh
// preview gets Welsh dates and a Welsh job title, as a real letter would.
func SampleValues(t *render.Template, lang string) map[string]string {
	v := t.Sample()
	if lang == "cy" {
		v["PollingDay"] = "Dydd Iau 3 Mai 2029"
		v["AnnouncementDate"] = "22 Mawrth 2029"
		v["Date"] = "23 Mawrth 2029"
		v["SignatoryTitle"] = "Pennaeth Goruchwylio Ymgyrchu Gwleidyddol"
		v["ElectionName"] = "Etholiad Cyffredinol 2029"
		v["RecipientPosition"] = "Swyddog Diogelu Data"
		v["PartyName"] = "Plaid Enghreifftiol"
	}
	return v
}

// SaveTemplate validates source and stores it as the next English version
// of the template name (a new template when name is new).
func (s *Service) SaveTemplate(ctx context.Context, name, source, note string) (*TemplateVersion, error) {
	return s.SaveTemplateIn(ctx, name, "en", source, note)
}

// SaveTemplateIn validates source against the settings in force and
// stores it as the next version of the template name in lang. A Welsh
// version can only be added to a template that has an English one.
func (s *Service) SaveTemplateIn(ctx context.Context, name, lang, source, note string) (*TemplateVersion, error) {
	name = strings.TrimSpace(name)
	if !templateName.MatchString(name) {
		return nil, apperr.Fields(apperr.FieldError{Field: "name", Message: "A template name uses lower-case letters, digits and hyphens, for example election-reminder"})
	}
	if lang != "en" && lang != "cy" {
		return nil, apperr.Fields(apperr.FieldError{Field: "lang", Message: "Choose English or Welsh"})
	}
	if _, _, err := s.CheckTemplate(ctx, source, lang); err != nil {
		return nil, err
	}
	if lang == "cy" {
		if _, err := s.TemplateIn(ctx, name, "en", 0); err != nil {
			return nil, err
		}
	}
	var id int64
	var version int
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		q := dbsqlc.New(tx)
		if err := q.LockTemplateName(ctx, name); err != nil {
			return err
		}
		saved, err := q.SaveTemplate(ctx, dbsqlc.SaveTemplateParams{Name: name, Lang: lang, Source: strings.ReplaceAll(source, "\r\n", "\n"),
			Note: strings.TrimSpace(note), CreatedBy: audit.ActorFrom(ctx).UserID})
		if err != nil {
			return err
		}
		id, version = saved.ID, int(saved.Version)
		return audit.Record(ctx, tx, "letter_template.save", "letter_template", fmt.Sprint(id),
			audit.Change{After: map[string]any{"name": name, "lang": lang, "version": version}})
	})
	if err != nil {
		return nil, err
	}
	return s.TemplateIn(ctx, name, lang, version)
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
// in every language it has, against the settings in force. A template
// without an English version is NotFound; a version that no longer parses
// (a guidance key removed from the library since it was saved) is an
// Invalid error on the field "template" naming the version, language and
// line.
func (s *Service) TemplateSet(ctx context.Context, name string) (*TemplateSet, error) {
	org, err := s.settings.Org.Current(ctx)
	if err != nil {
		return nil, err
	}
	ts := &TemplateSet{Name: name, Versions: map[string]*TemplateVersion{}, Parsed: map[string]*render.Template{}}
	for _, lang := range TemplateLanguages {
		tv, err := s.TemplateIn(ctx, name, lang, 0)
		if apperr.CodeOf(err) == apperr.NotFound && lang != "en" {
			continue
		}
		if err != nil {
			return nil, err
		}
		t, err := render.ParseWith(tv.Source, org)
		if err != nil {
			return nil, apperr.Fields(apperr.FieldError{Field: "template", Message: fmt.Sprintf(
				"Version %d of the %s template %q has a problem: %v. Edit the template, or restore what it cites in the settings.", tv.Version, LanguageName(lang), tv.Name, err)})
		}
		ts.Versions[lang], ts.Parsed[lang] = tv, t
	}
	return ts, nil
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

// CiteKey is one key a template may cite, as the editor lists it.
type CiteKey struct {
	Key string `json:"key"`
	// Call is what to write in the template: {{law "PECR-22"}}.
	Call string `json:"call"`
	// Prints is what the letter shows, in the language asked for.
	Prints string `json:"prints"`
	// About says what a provision requires, or a guidance document's
	// address.
	About string `json:"about,omitempty"`
}

// CiteKeys are the keys of {{law}} and {{cite}}, for the editor.
type CiteKeys struct {
	Laws       []CiteKey `json:"laws"`
	Provisions []CiteKey `json:"provisions"`
	Guidance   []CiteKey `json:"guidance"`
}

// CiteKeys lists what templates may cite, printed in lang: the laws, the
// provisions with their citations, and the guidance library of the
// settings in force, so staff can write {{law}} and {{cite}} without
// guessing a key.
func (s *Service) CiteKeys(ctx context.Context, lang string) (*CiteKeys, error) {
	org, err := s.settings.Org.Current(ctx)
	if err != nil {
		return nil, err
	}
	lang = templateLang(lang)
	out := &CiteKeys{}
	for _, l := range legal.Laws() {
		out.Laws = append(out.Laws, CiteKey{Key: l.ID, Call: fmt.Sprintf("{{law %q}}", l.ID), Prints: legal.MustCite(l.ID, lang)})
	}
	for _, p := range legal.Provisions() {
		out.Provisions = append(out.Provisions, CiteKey{Key: p.ID, Call: fmt.Sprintf("{{law %q}}", p.ID),
			Prints: legal.MustCite(p.ID, lang), About: p.About[lang]})
	}
	for _, r := range org.References {
		out.Guidance = append(out.Guidance, CiteKey{Key: r.Key, Call: fmt.Sprintf("{{cite %q}}", r.Key),
			Prints: r.TitleIn(lang), About: r.URLIn(lang)})
	}
	return out, nil
}

// PreviewBilingual renders source, a draft of the template name in lang,
// with the latest stored version in the other language, as the bilingual
// letter a reader in Wales gets (Welsh first), against sample values. It
// returns nil when the template has no version in the other language.
// A problem with the draft is an Invalid error on "source", as in
// CheckTemplate.
func (s *Service) PreviewBilingual(ctx context.Context, name, lang, source string) (*render.Letter, error) {
	lang = templateLang(lang)
	other := "cy"
	if lang == "cy" {
		other = "en"
	}
	org, err := s.settings.Org.Current(ctx)
	if err != nil {
		return nil, err
	}
	draft, _, err := CheckTemplateWith(source, lang, org)
	if err != nil {
		return nil, err
	}
	tv, err := s.TemplateIn(ctx, name, other, 0)
	if apperr.CodeOf(err) == apperr.NotFound {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	stored, err := render.ParseWith(tv.Source, org)
	if err != nil {
		return nil, apperr.Fields(apperr.FieldError{Field: "source", Message: fmt.Sprintf(
			"The bilingual preview needs the latest %s version (%d), which has a problem: %v", LanguageName(other), tv.Version, err)})
	}
	parsed := map[string]*render.Template{lang: draft, other: stored}
	var vs []render.Version
	for _, l := range Languages("both") {
		vs = append(vs, render.Version{Template: parsed[l], Lang: l, Values: SampleValues(parsed[l], l)})
	}
	return render.RenderLetter(vs, render.RenderOptions{Org: org})
}

// CheckSettings parses the latest version of every letter template, in
// each language, against settings an admin is about to save, and refuses
// them (an Invalid error on the field "references") when a template cites
// a guidance key they no longer have: every letter of that template would
// fail until the template changed.
func (s *Service) CheckSettings(ctx context.Context, org *organisation.Settings) error {
	all, err := s.LatestTemplates(ctx)
	if err != nil {
		return err
	}
	var errs []apperr.FieldError
	for _, tv := range all {
		if _, err := render.ParseWith(tv.Source, org); err != nil {
			var le *render.LineError
			if !errors.As(err, &le) {
				continue
			}
			errs = append(errs, apperr.FieldError{Field: "references", Message: fmt.Sprintf(
				"The %s version of the letter template %q (version %d) would no longer work with these settings: %s. Change the template first, or keep the document in the library",
				map[string]string{"en": "English", "cy": "Welsh"}[tv.Lang], tv.Name, tv.Version, le.Error())})
		}
	}
	if len(errs) > 0 {
		return apperr.Fields(errs...)
	}
	return nil
}
