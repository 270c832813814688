package organisation_test

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/internal/audit"
	"github.com/campaignwatch/campaignwatch/internal/organisation"
	"github.com/campaignwatch/campaignwatch/internal/testdb"
)

type testBundle struct {
	ctx   context.Context
	pool  *pgxpool.Pool
	store *organisation.Store
}

func setup(t *testing.T, env map[string]string) *testBundle {
	t.Helper()
	pool := testdb.New(t)
	getenv := func(k string) string { return env[k] }
	return &testBundle{
		ctx:   audit.WithActor(context.Background(), audit.Actor{Label: "test"}),
		pool:  pool,
		store: organisation.NewStore(pool, organisation.Defaults(getenv)),
	}
}

func (b *testBundle) count(t *testing.T, sql string, args ...any) int {
	t.Helper()
	var n int
	require.NoError(t, b.pool.QueryRow(context.Background(), sql, args...).Scan(&n))
	return n
}

func fieldsOf(err error) map[string]string {
	out := map[string]string{}
	for _, fe := range apperr.FieldsOf(err) {
		out[fe.Field] = fe.Message
	}
	return out
}

func pngImage(t *testing.T) []byte {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, 40, 10))
	img.Set(3, 3, color.Black)
	var buf bytes.Buffer
	require.NoError(t, png.Encode(&buf, img))
	return buf.Bytes()
}

func TestCurrentSeedsTheFirstVersionFromTheEnvironmentOnce(t *testing.T) {
	t.Parallel()
	b := setup(t, map[string]string{"LETTER_SIGNATORY_NAME": "Morgan Ellis", "LETTER_SIGNATORY_TITLE": "Director of Oversight",
		"LETTER_CONTACT_MAILBOX": "elections@regulator.example.org"})

	// Concurrent first reads (two processes starting) seed one version.
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := b.store.Current(b.ctx)
			require.NoError(t, err)
		}()
	}
	wg.Wait()
	cur, err := b.store.Current(b.ctx)
	require.NoError(t, err)
	require.Equal(t, 1, cur.Version)
	require.Equal(t, "Morgan Ellis", cur.SignatoryFor("election-reminder").Name)
	require.Equal(t, "Director of Oversight", cur.SignatoryFor("").Title)
	require.Equal(t, "elections@regulator.example.org", cur.ContactMailbox)
	require.Equal(t, 1, b.count(t, "SELECT count(*) FROM organisation_settings"))
	require.Equal(t, 1, b.count(t, "SELECT count(*) FROM audit_log WHERE action = 'organisation.seed'"))
	require.NoError(t, b.store.Seed(b.ctx))
	require.Equal(t, 1, b.count(t, "SELECT count(*) FROM organisation_settings"))

	// The environment only seeds: a store built with other defaults on
	// the same database reads what is stored.
	other := organisation.NewStore(b.pool, organisation.Defaults(func(k string) string {
		if k == "LETTER_CONTACT_MAILBOX" {
			return "changed@regulator.example.org"
		}
		return ""
	}))
	cur, err = other.Current(b.ctx)
	require.NoError(t, err)
	require.Equal(t, "elections@regulator.example.org", cur.ContactMailbox)
}

func TestSaveStoresVersionsWithAnAuditEntryInWords(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	cur, err := b.store.Current(b.ctx)
	require.NoError(t, err)

	edit := *cur
	edit.ContactMailbox = "new-mailbox@regulator.example.org"
	edit.Signatories = map[string]organisation.Signatory{}
	for k, v := range cur.Signatories {
		edit.Signatories[k] = v
	}
	edit.Signatories["complaints-follow-up"] = organisation.Signatory{Name: "Alex Moyo", Title: "Head of Investigations",
		TitleCY: "Pennaeth Ymchwiliadau", Image: pngImage(t)}
	saved, err := b.store.Save(b.ctx, &edit, "New mailbox for the election period")
	require.NoError(t, err)
	require.Equal(t, 2, saved.Version)
	require.Equal(t, "image/png", saved.Signatories["complaints-follow-up"].ImageType)

	now, err := b.store.Current(b.ctx)
	require.NoError(t, err)
	require.Equal(t, 2, now.Version)
	require.Equal(t, "new-mailbox@regulator.example.org", now.ContactMailbox)
	require.Equal(t, "Alex Moyo", now.SignatoryFor("complaints-follow-up").Name)
	require.Equal(t, edit.Signatories["complaints-follow-up"].Image, now.SignatoryFor("complaints-follow-up").Image)

	var summary []byte
	require.NoError(t, b.pool.QueryRow(b.ctx, "SELECT summary FROM audit_log WHERE action = 'organisation.save' AND object_id = '2'").Scan(&summary))
	var change struct {
		After struct {
			Summary string `json:"summary"`
			Note    string `json:"note"`
		} `json:"after"`
	}
	require.NoError(t, json.Unmarshal(summary, &change))
	require.Equal(t, "Contact mailbox changed; signatory for complaints follow-up letters added; signature image for complaints follow-up letters added", change.After.Summary)
	require.Equal(t, "New mailbox for the election period", change.After.Note)

	// Saving the same again stores nothing.
	same, err := b.store.Save(b.ctx, now, "nothing")
	require.NoError(t, err)
	require.Equal(t, 2, same.Version)

	// An editor who started from version 1 is refused: version 2 would
	// be undone unseen.
	stale := *cur
	stale.Phone = "0303 999 9999"
	_, err = b.store.Save(b.ctx, &stale, "")
	require.Equal(t, apperr.Conflict, apperr.CodeOf(err))

	versions, err := b.store.Versions(b.ctx)
	require.NoError(t, err)
	require.Len(t, versions, 2)
	require.Equal(t, 2, versions[0].Number)
	require.Equal(t, "test", versions[0].SavedBy)
	require.Equal(t, "New mailbox for the election period", versions[0].Note)
	require.Equal(t, "system", versions[1].SavedBy)

	v1, err := b.store.Version(b.ctx, 1)
	require.NoError(t, err)
	require.Equal(t, "campaigns@regulator.example.org", v1.Settings.ContactMailbox)
	_, err = b.store.Version(b.ctx, 9)
	require.Equal(t, apperr.NotFound, apperr.CodeOf(err))

	// Versions are kept as saved.
	_, err = b.pool.Exec(b.ctx, "UPDATE organisation_settings SET note = 'x' WHERE version = 1")
	require.ErrorContains(t, err, "kept as saved")
}

func TestSaveReportsEveryProblemAtOnce(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	bad := &organisation.Settings{
		Website:        "http://www.regulator.example.org",
		ContactMailbox: "not an address",
		Phone:          "call us",
		Controller:     organisation.Contact{Name: "Controller", Email: "controller@"},
		DPO:            organisation.Contact{Email: "dpo@regulator.example.org"},
		Signatories: map[string]organisation.Signatory{
			"":                     {Name: "Sam Okafor"},
			"complaints-follow-up": {Name: "Alex Moyo", Title: "Head", Image: []byte("this is text, not a picture, though named sig.png")},
			"election-reminder":    {Title: "Director"},
		},
		References: []organisation.Reference{
			{Key: "guidance.bulk-email", Title: "Bulk email", URL: "https://example.org/a"},
			{Key: "guidance.bulk-email", Title: "Again", URL: "ftp://example.org/b"},
			{Key: "Guidance", URL: "https://example.org/c", URLCY: "javascript:alert(1)"},
		},
	}
	_, err := b.store.Save(b.ctx, bad, "")
	require.Equal(t, apperr.Invalid, apperr.CodeOf(err))
	f := fieldsOf(err)
	require.Equal(t, "Enter the regulator's name", f["name"])
	require.Equal(t, "Enter the regulator's postal address, one line per part", f["address"])
	require.Contains(t, f["phone"], "as people dial it")
	require.Equal(t, "Enter the website as a full https address, like https://www.regulator.example.org", f["website"])
	require.Contains(t, f["contact_mailbox"], "as an email address")
	require.Contains(t, f["controller_email"], "as an email address")
	require.Equal(t, "Enter the data protection officer's name", f["dpo_name"])
	require.Equal(t, "Enter the job title of who signs any other letter", f["signatory-default-title"])
	require.Equal(t, "The signature image for complaints follow-up letters must be a PNG or JPEG picture", f["signatory-complaints-follow-up-image"])
	require.Equal(t, "Enter the name of who signs election reminder letters", f["signatory-election-reminder-name"])
	require.Contains(t, f["reference-1-key"], "same key as document 1")
	require.Contains(t, f["reference-1-url"], "https://")
	require.Contains(t, f["reference-2-key"], "lower case words joined by dots")
	require.Equal(t, "Enter the title of document 3", f["reference-2-title"])
	require.Contains(t, f["reference-2-url_cy"], "Welsh web address")
	require.Len(t, f, 15, "%v", f)
	require.Equal(t, 0, b.count(t, "SELECT count(*) FROM audit_log WHERE action = 'organisation.save'"))
}

func TestImagesAreCheckedByContent(t *testing.T) {
	t.Parallel()
	good := pngImage(t)
	typ, problem := organisation.CheckImage(good)
	require.Empty(t, problem)
	require.Equal(t, "image/png", typ)

	// A PNG's signature followed by anything else is not a PNG.
	_, problem = organisation.CheckImage(append([]byte("\x89PNG\r\n\x1a\n"), []byte("hello")...))
	require.Contains(t, problem, "could not be read")
	_, problem = organisation.CheckImage([]byte("GIF89a......"))
	require.Contains(t, problem, "PNG or JPEG")
	big := append(append([]byte(nil), good...), make([]byte, organisation.MaxImageBytes)...)
	_, problem = organisation.CheckImage(big)
	require.Contains(t, problem, "200 KB or smaller")
}
