package httpapi

import (
	_ "embed"
	"net/http"
	"slices"
)

// openapiJSON is the OpenAPI 3.1 document of the /api/v1/ endpoints. It
// is written by hand next to the handlers; redocly lint checks it
// (TestOpenAPILint) and every answer of the package's tests is validated
// against it (conform in openapi_contract_test.go).
//
//go:embed openapi.json
var openapiJSON []byte

// OpenAPI returns the OpenAPI 3.1 document of the /api/v1/ endpoints that
// GET /api/v1/openapi.json serves.
func OpenAPI() []byte { return slices.Clone(openapiJSON) }

// openapi serves the OpenAPI document. It needs no credential.
func (a *API) openapi(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Write(openapiJSON)
}
