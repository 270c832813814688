// Package openapi holds the hand-written OpenAPI 3.1 description of the
// JSON API (/api/v1). It is embedded so the server serves and renders the
// very file the tests validate every API response against.
package openapi

import _ "embed"

// Spec is the OpenAPI 3.1 description, as YAML.
//
//go:embed openapi.yaml
var Spec []byte
