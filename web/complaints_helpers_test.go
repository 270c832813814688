package web_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/campaignwatch/campaignwatch/internal/testdb"
)

// multipartWriter writes fields and one file into buf and returns the
// content type.
func multipartWriter(buf *bytes.Buffer, fields map[string]string, fileField, filename string, data []byte) string {
	w := multipart.NewWriter(buf)
	for k, v := range fields {
		if v != "" {
			_ = w.WriteField(k, v)
		}
	}
	fw, _ := w.CreateFormFile(fileField, filename)
	_, _ = fw.Write(data)
	_ = w.Close()
	return w.FormDataContentType()
}

// pgxConnectServer connects to the test server's maintenance database.
func pgxConnectServer(t testing.TB) (*pgx.Conn, error) {
	c, err := pgx.Connect(context.Background(), testdb.ServerURL(t))
	if err == nil {
		t.Cleanup(func() { c.Close(context.Background()) })
	}
	return c, err
}
