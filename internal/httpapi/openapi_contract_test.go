package httpapi_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/ikd-project/ikd/internal/httpapi"
)

// The contract test: every /api/v1/ answer that the package's tests get
// from a server they start goes through conform, which fails the test
// when the answer is not one the OpenAPI document (openapi.json, served at
// GET /api/v1/openapi.json) declares for its operation: an undeclared
// status, another content type, a missing or wrong declared header, or a
// body that does not match the response's schema. A success answer must
// also come from a request that the document accepts (its parameters and
// body), so that the document never refuses what the server serves.

// loadContract parses and validates the embedded document once.
var loadContract = sync.OnceValues(func() (*openapi3.T, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(httpapi.OpenAPI())
	if err != nil {
		return nil, fmt.Errorf("openapi.json does not load: %w", err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		return nil, fmt.Errorf("openapi.json is not a valid OpenAPI document: %w", err)
	}
	return doc, nil
})

// contractDoc returns the loaded document or fails t.
func contractDoc(t testing.TB) *openapi3.T {
	t.Helper()
	doc, err := loadContract()
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

var pathParamRE = regexp.MustCompile(`\{([^}]+)\}`)

// checkContract reports whether an answer of the API matches the
// document. It returns the operation's ID, or "" for an answer it does
// not check: a path outside /api/v1/, or one the server's router answered
// itself (404 or 405, r.Pattern empty), such as an endpoint whose service
// the test's server was started without. A route the server matched must
// be an operation of the document. req must have been served (its
// Pattern and path values set by the router); reqBody is its body.
func checkContract(doc *openapi3.T, req *http.Request, reqBody []byte, status int, header http.Header, body []byte) (string, error) {
	if !strings.HasPrefix(req.URL.Path, "/api/v1/") || req.Pattern == "" {
		return "", nil
	}
	method, path, ok := strings.Cut(req.Pattern, " ")
	if !ok {
		return "", fmt.Errorf("route %q has no method: the document cannot describe it", req.Pattern)
	}
	if method == http.MethodHead {
		return "", nil
	}
	item := doc.Paths.Value(path)
	var op *openapi3.Operation
	if item != nil {
		op = item.GetOperation(method)
	}
	if op == nil {
		return "", fmt.Errorf("the server serves %s but the document has no such operation", req.Pattern)
	}
	params := map[string]string{}
	for _, m := range pathParamRE.FindAllStringSubmatch(path, -1) {
		params[m[1]] = req.PathValue(m[1])
	}
	route := &routers.Route{Spec: doc, Path: path, PathItem: item, Method: method, Operation: op}
	ctx := context.Background()
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: bearerSent}}
	if err := openapi3filter.ValidateResponse(ctx, &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in, Status: status, Header: header, Body: io.NopCloser(bytes.NewReader(body)),
		Options: &openapi3filter.Options{IncludeResponseStatus: true},
	}); err != nil {
		return op.OperationID, fmt.Errorf("%s answered %d, not as the document says: %w", op.OperationID, status, err)
	}
	if status < 300 {
		// The server reads the body as JSON whatever its Content-Type; the
		// document asks clients for application/json.
		rq := req.Clone(ctx)
		if rq.Header.Get("Content-Type") == "" && len(reqBody) > 0 {
			rq.Header.Set("Content-Type", "application/json")
		}
		rq.Body = io.NopCloser(bytes.NewReader(reqBody))
		in.Request = rq
		if err := openapi3filter.ValidateRequest(ctx, in); err != nil {
			return op.OperationID, fmt.Errorf("%s answered %d to a request the document refuses: %w", op.OperationID, status, err)
		}
	}
	return op.OperationID, nil
}

// bearerSent checks only that the request carries a Bearer credential:
// whether it is a good one is the server's to say (a success answer
// proves it).
func bearerSent(_ context.Context, ai *openapi3filter.AuthenticationInput) error {
	if ai.SecurityScheme == nil || ai.SecurityScheme.Type != "http" || ai.SecurityScheme.Scheme != "bearer" {
		return fmt.Errorf("security scheme %q is not an HTTP Bearer scheme", ai.SecuritySchemeName)
	}
	scheme, tok, _ := strings.Cut(ai.RequestValidationInput.Request.Header.Get("Authorization"), " ")
	if !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(tok) == "" {
		return errors.New("no Authorization: Bearer credential")
	}
	return nil
}

// conformer is an http.Handler that checks each /api/v1/ answer of next
// against the document (checkContract) and fails t for any that does not
// match. It records the statuses seen per operation.
type conformer struct {
	t    testing.TB
	doc  *openapi3.T
	next http.Handler

	mu   sync.Mutex
	seen map[string]map[int]bool // operation ID: statuses answered
}

// conform wraps h, the handler of a test's server, in a conformer.
func conform(t testing.TB, h http.Handler) *conformer {
	return &conformer{t: t, doc: contractDoc(t), next: h, seen: map[string]map[int]bool{}}
}

func (c *conformer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !strings.HasPrefix(r.URL.Path, "/api/v1/") {
		c.next.ServeHTTP(w, r)
		return
	}
	reqBody, err := io.ReadAll(r.Body)
	if err != nil {
		c.t.Errorf("openapi contract: reading the body of %s %s: %v", r.Method, r.URL.Path, err)
	}
	r.Body = io.NopCloser(bytes.NewReader(reqBody))
	rec := &recorder{ResponseWriter: w}
	c.next.ServeHTTP(rec, r)
	if rec.status == 0 {
		rec.WriteHeader(http.StatusOK)
	}
	op, err := checkContract(c.doc, r, reqBody, rec.status, rec.header, rec.body.Bytes())
	if err != nil {
		c.t.Errorf("openapi contract: %s %s: %v\nanswer: %d %s\n%.600s", r.Method, r.URL.Path, err, rec.status, rec.header.Get("Content-Type"), rec.body.Bytes())
	}
	if op != "" {
		c.mu.Lock()
		if c.seen[op] == nil {
			c.seen[op] = map[int]bool{}
		}
		c.seen[op][rec.status] = true
		c.mu.Unlock()
	}
}

// checkAnswerContract fails t unless a request served in-process with an
// httptest.ResponseRecorder got an answer that the document declares.
func checkAnswerContract(t testing.TB, req *http.Request, reqBody string, res *httptest.ResponseRecorder) {
	t.Helper()
	if _, err := checkContract(contractDoc(t), req, []byte(reqBody), res.Code, res.Result().Header, res.Body.Bytes()); err != nil {
		t.Fatalf("openapi contract: %s %s: %v\nanswer: %d %s", req.Method, req.URL.Path, err, res.Code, res.Body)
	}
}

// recorder passes an answer through and keeps a copy of its status,
// headers and body.
type recorder struct {
	http.ResponseWriter
	status int
	header http.Header
	body   bytes.Buffer
}

func (w *recorder) WriteHeader(code int) {
	if w.status == 0 {
		w.status, w.header = code, w.ResponseWriter.Header().Clone()
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *recorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	w.body.Write(b)
	return w.ResponseWriter.Write(b)
}

func (w *recorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// declared lists the document's operations as "ID STATUS" for each
// response it declares.
func declared(doc *openapi3.T) []string {
	var out []string
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			for code := range op.Responses.Map() {
				out = append(out, op.OperationID+" "+code)
			}
		}
	}
	sort.Strings(out)
	return out
}

// answered lists the operations and statuses c saw, as declared does.
func (c *conformer) answered() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for op, codes := range c.seen {
		for code := range codes {
			out = append(out, op+" "+strconv.Itoa(code))
		}
	}
	sort.Strings(out)
	return out
}

// missing returns the entries of want that got lacks.
func missing(want, got []string) []string {
	var out []string
	for _, w := range want {
		if !slices.Contains(got, w) {
			out = append(out, w)
		}
	}
	return out
}
