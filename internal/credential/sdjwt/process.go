package sdjwt

import (
	"github.com/ikd-project/ikd/internal/credential/jws"
	"slices"
	"strconv"
	"strings"

	"github.com/ikd-project/ikd/internal/credential"
)

// maxDepth bounds the nesting of a payload and its Disclosures.
const maxDepth = 32

// parts is an SD-JWT split at its '~' separators.
type parts struct {
	jws         string   // the issuer-signed JWT
	disclosures []string // the encoded Disclosures, in order
	kb          string   // the Key Binding JWT, "" when absent
	prefix      string   // everything up to and including the last '~' (what sd_hash covers)
}

// split parses the compact serialization <jws>~<d>~...~<d>~[<kb-jwt>].
func split(s string) (parts, *credential.Error) {
	if s == "" {
		return parts{}, credential.Fail(credential.Unreadable, "empty input")
	}
	if len(s) > MaxLength {
		return parts{}, credential.Fail(credential.BadEncoding, "SD-JWT is %d bytes, longer than %d", len(s), MaxLength)
	}
	if !base64URLOnly(s) {
		return parts{}, credential.Fail(credential.BadEncoding, "SD-JWT holds characters outside base64url, '.' and '~'")
	}
	last := strings.LastIndexByte(s, '~')
	if last < 0 {
		return parts{}, credential.Fail(credential.BadEncoding, "no '~': a JWT, not an SD-JWT")
	}
	p := parts{prefix: s[:last+1], kb: s[last+1:]}
	segs := strings.Split(s[:last], "~")
	p.jws = segs[0]
	for _, d := range segs[1:] {
		if d == "" {
			return parts{}, credential.Fail(credential.BadEncoding, "empty Disclosure segment")
		}
		if strings.Contains(d, ".") {
			return parts{}, credential.Fail(credential.BadEncoding, "a Disclosure segment holds '.'")
		}
		p.disclosures = append(p.disclosures, d)
	}
	return p, nil
}

// disclosure is one decoded Disclosure.
type disclosure struct {
	enc     string
	digest  string
	salt    string
	name    string // object property name; "" for an array element
	hasName bool   // three elements [salt, name, value] rather than two
	value   any
	err     *credential.Error // set when the Disclosure does not decode

	// Filled in by process.
	used   bool
	path   string
	parent *disclosure
}

// decodeDisclosure decodes base64url JSON [salt, name, value] or [salt, value].
func decodeDisclosure(enc string) *disclosure {
	d := &disclosure{enc: enc, digest: digest(enc)}
	raw, err := b64.DecodeString(enc)
	if err != nil {
		d.err = credential.Fail(credential.BadEncoding, "Disclosure is not base64url: %v", err)
		return d
	}
	var arr []any
	if err := jws.DecodeJSON(raw, &arr); err != nil {
		d.err = credential.Fail(credential.BadEncoding, "Disclosure is not a JSON array: %v", err)
		return d
	}
	var ok bool
	switch len(arr) {
	case 3:
		d.hasName = true
		if d.name, ok = arr[1].(string); !ok {
			d.err = credential.Fail(credential.BadEncoding, "Disclosure claim name is not a string")
			return d
		}
		d.value = arr[2]
	case 2:
		d.value = arr[1]
	default:
		d.err = credential.Fail(credential.BadEncoding, "Disclosure has %d elements, want 2 or 3", len(arr))
		return d
	}
	if d.salt, ok = arr[0].(string); !ok {
		d.err = credential.Fail(credential.BadEncoding, "Disclosure salt is not a string")
	}
	return d
}

// collectDigests adds to set every digest that v references, through _sd
// arrays and {"...": digest} array elements, at any depth.
func collectDigests(v any, set map[string]bool, depth int) {
	if depth > maxDepth {
		return
	}
	switch t := v.(type) {
	case map[string]any:
		if arr, ok := t["_sd"].([]any); ok {
			for _, e := range arr {
				if s, ok := e.(string); ok {
					set[s] = true
				}
			}
		}
		if s, ok := t["..."].(string); ok && len(t) == 1 {
			set[s] = true
		}
		for _, c := range t {
			collectDigests(c, set, depth+1)
		}
	case []any:
		for _, c := range t {
			collectDigests(c, set, depth+1)
		}
	}
}

// decodeAll decodes the Disclosures and checks that each one is referenced
// by the signed payload or by another Disclosure, before any of their
// contents are trusted: an altered Disclosure no longer matches any digest,
// so it is reported as bad_disclosure even when it no longer decodes.
func decodeAll(payload map[string]any, encs []string) (map[string]*disclosure, []*disclosure, *credential.Error) {
	byDigest := make(map[string]*disclosure, len(encs))
	list := make([]*disclosure, 0, len(encs))
	referenced := map[string]bool{}
	collectDigests(payload, referenced, 0)
	for _, enc := range encs {
		d := decodeDisclosure(enc)
		if byDigest[d.digest] != nil {
			return nil, nil, credential.Fail(credential.BadDisclosure, "the same Disclosure appears twice")
		}
		byDigest[d.digest] = d
		list = append(list, d)
		if d.err == nil {
			collectDigests(d.value, referenced, 0)
		}
	}
	for i, d := range list {
		if !referenced[d.digest] {
			return nil, nil, credential.Fail(credential.BadDisclosure, "Disclosure %d is not referenced by any digest (altered, forged or from another credential)", i+1)
		}
	}
	for i, d := range list {
		if d.err != nil {
			return nil, nil, credential.Fail(d.err.Reason, "Disclosure %d: %s", i+1, d.err.Detail)
		}
	}
	return byDigest, list, nil
}

// processor replaces digests by the disclosed claims (RFC 9901 section 7.1).
type processor struct {
	byDigest  map[string]*disclosure
	seen      map[string]bool // every digest met so far, decoys included
	disclosed []string        // paths of the claims that Disclosures revealed
}

func joinPath(base, name string) string {
	if base == "" {
		return name
	}
	return base + "." + name
}

// value processes any JSON value.
func (p *processor) value(v any, path string, parent *disclosure, depth int) (any, *credential.Error) {
	if depth > maxDepth {
		return nil, credential.Fail(credential.BadEncoding, "nesting deeper than %d", maxDepth)
	}
	switch t := v.(type) {
	case map[string]any:
		return p.object(t, path, parent, depth, false)
	case []any:
		return p.array(t, path, parent, depth)
	default:
		return v, nil
	}
}

// object processes an object: its plain members, then the Disclosures its
// _sd array references. top marks the payload itself, where the
// registered claims may not be disclosed.
func (p *processor) object(m map[string]any, path string, parent *disclosure, depth int, top bool) (map[string]any, *credential.Error) {
	out := make(map[string]any, len(m))
	for k, v := range m {
		if k == "_sd" {
			continue
		}
		pv, err := p.value(v, joinPath(path, k), parent, depth+1)
		if err != nil {
			return nil, err
		}
		out[k] = pv
	}
	sdv, ok := m["_sd"]
	if !ok {
		return out, nil
	}
	arr, ok := sdv.([]any)
	if !ok {
		return nil, credential.Fail(credential.BadEncoding, "_sd at %q is not an array", path)
	}
	for _, e := range arr {
		dg, ok := e.(string)
		if !ok {
			return nil, credential.Fail(credential.BadEncoding, "_sd at %q holds a non-string", path)
		}
		if p.seen[dg] {
			return nil, credential.Fail(credential.BadDisclosure, "digest %s appears more than once", dg)
		}
		p.seen[dg] = true
		d := p.byDigest[dg]
		if d == nil {
			continue // undisclosed claim or decoy
		}
		if !d.hasName {
			return nil, credential.Fail(credential.BadDisclosure, "an array-element Disclosure is referenced from _sd at %q", path)
		}
		switch {
		case d.name == "_sd" || d.name == "...":
			return nil, credential.Fail(credential.BadDisclosure, "Disclosure uses the reserved name %q", d.name)
		case top && reserved[d.name]:
			return nil, credential.Fail(credential.BadDisclosure, "registered claim %q must not be selectively disclosed", d.name)
		}
		if _, clash := out[d.name]; clash {
			return nil, credential.Fail(credential.BadDisclosure, "Disclosure for %q would overwrite an existing claim", joinPath(path, d.name))
		}
		d.used, d.path, d.parent = true, joinPath(path, d.name), parent
		pv, err := p.value(d.value, d.path, d, depth+1)
		if err != nil {
			return nil, err
		}
		out[d.name] = pv
		p.disclosed = append(p.disclosed, d.path)
	}
	return out, nil
}

// array processes an array: {"...": digest} elements are replaced by their
// disclosed value, or dropped when not disclosed.
func (p *processor) array(a []any, path string, parent *disclosure, depth int) ([]any, *credential.Error) {
	out := make([]any, 0, len(a))
	for i, e := range a {
		ipath := path + "[" + strconv.Itoa(i) + "]"
		if obj, ok := e.(map[string]any); ok && len(obj) == 1 {
			if ref, ok := obj["..."]; ok {
				dg, ok := ref.(string)
				if !ok {
					return nil, credential.Fail(credential.BadEncoding, "array element digest at %q is not a string", ipath)
				}
				if p.seen[dg] {
					return nil, credential.Fail(credential.BadDisclosure, "digest %s appears more than once", dg)
				}
				p.seen[dg] = true
				d := p.byDigest[dg]
				if d == nil {
					continue
				}
				if d.hasName {
					return nil, credential.Fail(credential.BadDisclosure, "an object-property Disclosure is referenced as array element %q", ipath)
				}
				d.used, d.path, d.parent = true, ipath, parent
				pv, err := p.value(d.value, ipath, d, depth+1)
				if err != nil {
					return nil, err
				}
				out = append(out, pv)
				p.disclosed = append(p.disclosed, ipath)
				continue
			}
		}
		pv, err := p.value(e, ipath, parent, depth+1)
		if err != nil {
			return nil, err
		}
		out = append(out, pv)
	}
	return out, nil
}

// process runs RFC 9901's processing over the signed payload: it returns the
// payload with the disclosed claims in place and _sd, _sd_alg removed, and
// the sorted paths of the disclosed claims.
func process(payload map[string]any, byDigest map[string]*disclosure, list []*disclosure) (map[string]any, []string, *credential.Error) {
	p := &processor{byDigest: byDigest, seen: map[string]bool{}}
	out, err := p.object(payload, "", nil, 0, true)
	if err != nil {
		return nil, nil, err
	}
	delete(out, "_sd_alg")
	for i, d := range list {
		if !d.used {
			return nil, nil, credential.Fail(credential.BadDisclosure, "Disclosure %d is not referenced from where it could be processed", i+1)
		}
	}
	slices.Sort(p.disclosed)
	return out, p.disclosed, nil
}
