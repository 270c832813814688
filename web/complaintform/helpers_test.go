package complaintform_test

import (
	"bytes"
	"mime/multipart"
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
