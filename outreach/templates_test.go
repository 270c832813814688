package outreach_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/internal/audit"
	"github.com/campaignwatch/campaignwatch/internal/fixture"
	"github.com/campaignwatch/campaignwatch/internal/organisation"
	"github.com/campaignwatch/campaignwatch/internal/staff"
	"github.com/campaignwatch/campaignwatch/internal/testdb"
	"github.com/campaignwatch/campaignwatch/outreach"
	"github.com/campaignwatch/campaignwatch/outreach/render"
)

// templateEnv is a database with the shipped templates seeded, and a
// service reading org as the settings in force.
func templateEnv(t *testing.T, org *organisation.Settings) (*outreach.Service, *pgxpool.Pool, context.Context) {
	t.Helper()
	pool := testdb.New(t)
	svc, err := outreach.NewService(pool, outreach.Settings{Org: organisation.Static{Settings: org}}, nil, fixture.InsertOnlyJobs(t, pool))
	require.NoError(t, err)
	ctx := audit.WithActor(context.Background(), audit.Actor{Label: "test"})
	n, err := svc.Seed(ctx)
	require.NoError(t, err)
	require.GreaterOrEqual(t, n, 8, "the four shipped templates in two languages")
	return svc, pool, ctx
}

func versionsOf(t *testing.T, pool *pgxpool.Pool, name, lang string) []string {
	t.Helper()
	rows, err := pool.Query(context.Background(), `SELECT note FROM letter_templates WHERE name = $1 AND lang = $2 ORDER BY version`, name, lang)
	require.NoError(t, err)
	var notes []string
	for rows.Next() {
		var n string
		require.NoError(t, rows.Scan(&n))
		notes = append(notes, n)
	}
	require.NoError(t, rows.Err())
	return notes
}

func TestSeedStoresBothLanguagesAndReplacesOnlySeededVersions(t *testing.T) {
	svc, pool, ctx := templateEnv(t, organisation.Defaults(nil))
	n, err := svc.Seed(ctx)
	require.NoError(t, err)
	require.Zero(t, n, "seeding again changes nothing")

	// An installation seeded with older shipped texts: the English
	// election reminder's stored version differs from the file, and so
	// does the Welsh audit letter's, which staff have since edited.
	_, err = pool.Exec(ctx, `UPDATE letter_templates SET source = replace(source, 'Contacting us', 'Talk to us') WHERE name = 'election-reminder' AND lang = 'en'`)
	require.NoError(t, err)
	_, err = pool.Exec(ctx, `UPDATE letter_templates SET source = replace(source, 'Yn gywir', 'Yn gywir iawn') WHERE name = 'audit-follow-up' AND lang = 'cy'`)
	require.NoError(t, err)
	staffCtx := userCtx(t, pool)
	old, err := svc.TemplateIn(ctx, "audit-follow-up", "cy", 0)
	require.NoError(t, err)
	edited, err := svc.SaveTemplateIn(staffCtx, "audit-follow-up", "cy", strings.Replace(old.Source, "Yn gywir iawn", "Yn gywir,\n\nGyda diolch", 1), "staff edit")
	require.NoError(t, err)
	require.Equal(t, 2, edited.Version)

	n, err = svc.Seed(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, n, "only the seeded, changed version is replaced")
	require.Equal(t, []string{"shipped with campaignwatch", "shipped with campaignwatch, replacing version 1"}, versionsOf(t, pool, "election-reminder", "en"))
	latest, err := svc.Template(ctx, "election-reminder", 0)
	require.NoError(t, err)
	require.Contains(t, latest.Source, "## Contacting us", "the shipped text")
	require.Equal(t, "system", latest.CreatedBy)
	require.Equal(t, []string{"shipped with campaignwatch", "staff edit"}, versionsOf(t, pool, "audit-follow-up", "cy"), "a staff edit is never overwritten")
	var audited int
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = 'letter_template.seed'`).Scan(&audited))
	require.Equal(t, 2, audited, "the first seed and the re-seed")
}

func userCtx(t *testing.T, pool *pgxpool.Pool) context.Context {
	t.Helper()
	st := staff.NewService(pool, staff.Settings{}, fixture.InsertOnlyJobs(t, pool))
	u, err := st.CreateUser(audit.WithActor(context.Background(), audit.Actor{Label: "test"}), "editor@example.org", staff.RolePoliticalTeam, "correct horse battery staple")
	require.NoError(t, err)
	return audit.WithActor(context.Background(), audit.Actor{UserID: &u.ID, Label: u.Email})
}

func TestTemplateSetHasBothLanguagesParsedAgainstTheSettingsInForce(t *testing.T) {
	org := organisation.Defaults(nil)
	svc, pool, ctx := templateEnv(t, org)
	ts, err := svc.TemplateSet(ctx, "election-reminder")
	require.NoError(t, err)
	require.Equal(t, "en", ts.Versions["en"].Lang)
	require.Equal(t, "cy", ts.Versions["cy"].Lang)
	values := map[string]map[string]string{}
	for _, l := range []string{"cy", "en"} {
		values[l] = outreach.SampleValues(ts.Parsed[l], l)
	}
	l, err := ts.Render(outreach.Languages("both"), values, render.RenderOptions{Org: org})
	require.NoError(t, err)
	require.Less(t, strings.Index(l.Text, "Annwyl"), strings.Index(l.Text, "Dear"), "Welsh first")

	// A key removed from the library since the template was saved: the
	// set is refused, naming the version, language and line.
	org.References = slices.DeleteFunc(org.References, func(r organisation.Reference) bool { return r.Key == "guidance.bulk-email" })
	_, err = svc.TemplateSet(ctx, "election-reminder")
	require.Equal(t, apperr.Invalid, apperr.CodeOf(err))
	msg := apperr.FieldsOf(err)[0].Message
	require.Equal(t, "template", apperr.FieldsOf(err)[0].Field)
	require.Contains(t, msg, `Version 1 of the English template "election-reminder"`)
	require.Regexp(t, `line \d+: no guidance document has the key "guidance.bulk-email"; the library has: guidance.political-campaigning`, msg)

	// A template with no Welsh version still has its English one.
	_, err = pool.Exec(ctx, `DELETE FROM letter_templates WHERE name = 'audit-follow-up' AND lang = 'cy'`)
	require.NoError(t, err)
	ts, err = svc.TemplateSet(ctx, "audit-follow-up")
	require.NoError(t, err)
	require.Contains(t, ts.Parsed, "en")
	require.NotContains(t, ts.Parsed, "cy")
	_, err = ts.Render([]string{"cy", "en"}, nil, render.RenderOptions{})
	require.Equal(t, apperr.Invalid, apperr.CodeOf(err))
}

func TestSaveTemplateRefusesUnknownKeysNamingTheLine(t *testing.T) {
	org := organisation.Defaults(nil)
	svc, pool, _ := templateEnv(t, org)
	ctx := userCtx(t, pool)
	src := "---\nsubject: x\n---\nDear {{.RecipientName}},\n\nSee {{cite \"guidance.foo\"}}.\n"
	_, err := svc.SaveTemplateIn(ctx, "election-reminder", "cy", src, "")
	require.Equal(t, apperr.Invalid, apperr.CodeOf(err))
	f := apperr.FieldsOf(err)[0]
	require.Equal(t, "source", f.Field)
	require.Equal(t, `The template has a problem on line 6: no guidance document has the key "guidance.foo"; the library has: `+strings.Join(org.ReferenceKeys(), ", "), f.Message)

	_, err = svc.SaveTemplate(ctx, "election-reminder", strings.Replace(src, `cite "guidance.foo"`, `law "PECR-99"`, 1), "")
	require.Equal(t, apperr.Invalid, apperr.CodeOf(err))
	require.Contains(t, apperr.FieldsOf(err)[0].Message, `line 6: no law or provision has the key "PECR-99"; the laws are UKGDPR, DPA-2018, PECR`)

	// A key the settings' library has is accepted, in either language.
	org.References = append(org.References, organisation.Reference{Key: "guidance.foo", Title: "Foo", URL: "https://example.org/foo"})
	tv, err := svc.SaveTemplateIn(ctx, "election-reminder", "cy", src, "")
	require.NoError(t, err)
	require.Equal(t, "cy", tv.Lang)
	require.Equal(t, 2, tv.Version)
	en, err := svc.Template(ctx, "election-reminder", 0)
	require.NoError(t, err)
	require.Equal(t, 1, en.Version, "the English version is untouched")
}
