package web_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/campaignwatch/campaignwatch/internal/testdb"
)

// pgxConnectServer connects to the test server's maintenance database.
func pgxConnectServer(t testing.TB) (*pgx.Conn, error) {
	c, err := pgx.Connect(context.Background(), testdb.ServerURL(t))
	if err == nil {
		t.Cleanup(func() { c.Close(context.Background()) })
	}
	return c, err
}
