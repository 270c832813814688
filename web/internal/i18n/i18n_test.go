package i18n

import (
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/require"
)

func TestTranslateFallsBackToEnglishThenTheKey(t *testing.T) {
	c := MustLoad(fstest.MapFS{
		"l/en.json": {Data: []byte(`{"hello": "Hello", "files": "%d files", "only.en": "English only"}`)},
		"l/cy.json": {Data: []byte(`{"hello": "Helo", "files": "%d ffeil"}`)},
	}, "l")
	require.Equal(t, "Helo", c.Translate(Welsh, "hello"))
	require.Equal(t, "3 ffeil", c.Translate(Welsh, "files", 3))
	require.Equal(t, "English only", c.Translate(Welsh, "only.en"))
	require.Equal(t, "no.such.key", c.Translate(Welsh, "no.such.key"))
	require.True(t, c.Has("only.en"))
	require.False(t, c.Has("no.such.key"))
	require.Equal(t, []string{"files", "hello"}, c.Keys(Welsh))
}

func TestMustLoadRefusesAMissingLanguage(t *testing.T) {
	require.Panics(t, func() {
		MustLoad(fstest.MapFS{"l/en.json": {Data: []byte(`{}`)}}, "l")
	})
}
