package sdjwt

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/ikd-project/ikd/internal/kredensial"
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
func split(s string) (parts, *kredensial.Error) {
	if s == "" {
		return parts{}, kredensial.Fail(kredensial.Unreadable, "empty input")
	}
	if len(s) > MaxLength {
		return parts{}, kredensial.Fail(kredensial.BadEncoding, "SD-JWT is %d bytes, longer than %d", len(s), MaxLength)
	}
	if !base64URLOnly(s) {
		return parts{}, kredensial.Fail(kredensial.BadEncoding, "SD-JWT holds characters outside base64url, '.' and '~'")
	}
	last := strings.LastIndexByte(s, '~')
	if last < 0 {
		return parts{}, kredensial.Fail(kredensial.BadEncoding, "no '~': a JWT, not an SD-JWT")
	}
	p := parts{prefix: s[:last+1], kb: s[last+1:]}
	var rest string
	var more bool
	p.jws, rest, more = strings.Cut(s[:last], "~")
	if n := strings.Count(p.prefix, "~") - 1; n > 0 {
		p.disclosures = make([]string, 0, n)
	}
	for more {
		var d string
		d, rest, more = strings.Cut(rest, "~")
		if d == "" {
			return parts{}, kredensial.Fail(kredensial.BadEncoding, "empty Disclosure segment")
		}
		if strings.IndexByte(d, '.') >= 0 {
			return parts{}, kredensial.Fail(kredensial.BadEncoding, "a Disclosure segment holds '.'")
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
	err     *kredensial.Error // set when the Disclosure does not decode

	// Set by decodeAll when a digest in the payload or in another
	// Disclosure references this one.
	referenced bool

	// Filled in by process.
	used   bool
	path   string
	parent *disclosure
}

// decodeDisclosure decodes base64url JSON [salt, name, value] or [salt, value].
func (sc *scratch) decodeDisclosure(enc string, d *disclosure) {
	*d = disclosure{enc: enc, digest: sc.digest(enc)}
	raw, err := sc.decode(enc)
	if err != nil {
		d.err = kredensial.Fail(kredensial.BadEncoding, "Disclosure is not base64url: %v", err)
		return
	}
	arr, other, isArr, err := sc.parseDisclosure(raw)
	if err != nil || !isArr && other != nil {
		if err == nil {
			err = fmt.Errorf("a JSON %s", jsonKind(other))
		}
		d.err = kredensial.Fail(kredensial.BadEncoding, "Disclosure is not a JSON array: %v", err)
		return
	}
	switch arr.n { // 0 for null
	case 3:
		d.hasName = true
		if !arr.isStr[1] {
			d.err = kredensial.Fail(kredensial.BadEncoding, "Disclosure claim name is not a string")
			return
		}
		d.name = arr.str[1]
		d.value = arr.at(2)
	case 2:
		d.value = arr.at(1)
	default:
		d.err = kredensial.Fail(kredensial.BadEncoding, "Disclosure has %d elements, want 2 or 3", arr.n)
		return
	}
	if !arr.isStr[0] {
		d.err = kredensial.Fail(kredensial.BadEncoding, "Disclosure salt is not a string")
		return
	}
	d.salt = arr.str[0]
}

// jsonKind names the JSON type of a decoded value.
func jsonKind(v any) string {
	switch v.(type) {
	case map[string]any:
		return "object"
	case string:
		return "string"
	case bool:
		return "boolean"
	default:
		return "number"
	}
}

// markReferenced marks referenced every Disclosure in byDigest whose
// digest v references, through _sd arrays and {"...": digest} array
// elements, at any depth up to maxDepth, and returns how many digests it
// met.
func markReferenced(v any, byDigest map[string]*disclosure, depth int) (n int) {
	if depth > maxDepth {
		return 0
	}
	switch t := v.(type) {
	case map[string]any:
		switch arr := t["_sd"].(type) {
		case digestList:
			n += len(arr)
			for _, s := range arr {
				if d := byDigest[s]; d != nil {
					d.referenced = true
				}
			}
		case []any:
			for _, e := range arr {
				if s, ok := e.(string); ok {
					n++
					if d := byDigest[s]; d != nil {
						d.referenced = true
					}
				}
			}
		}
		if s, ok := t["..."].(string); ok && len(t) == 1 {
			n++
			if d := byDigest[s]; d != nil {
				d.referenced = true
			}
		}
		for _, c := range t {
			n += markReferenced(c, byDigest, depth+1)
		}
	case []any:
		for _, c := range t {
			n += markReferenced(c, byDigest, depth+1)
		}
	}
	return n
}

// decodeAll decodes the Disclosures and checks that each one is referenced
// by the signed payload or by another Disclosure, before any of their
// contents are trusted: an altered Disclosure no longer matches any digest,
// so it is reported as bad_disclosure even when it no longer decodes.
func decodeAll(payload map[string]any, encs []string) (map[string]*disclosure, []*disclosure, *kredensial.Error) {
	sc := newScratch(0)
	defer sc.put()
	byDigest, list, _, err := sc.decodeAll(payload, encs)
	return byDigest, list, err
}

// decodeAll is decodeAll with sc's buffers; it also returns how many
// digests the payload and the Disclosures hold, for processSized.
func (sc *scratch) decodeAll(payload map[string]any, encs []string) (map[string]*disclosure, []*disclosure, int, *kredensial.Error) {
	byDigest := make(map[string]*disclosure, len(encs))
	list := make([]*disclosure, len(encs))
	all := make([]disclosure, len(encs))
	for i, enc := range encs {
		d := &all[i]
		sc.decodeDisclosure(enc, d)
		if byDigest[d.digest] != nil {
			return nil, nil, 0, kredensial.Fail(kredensial.BadDisclosure, "the same Disclosure appears twice")
		}
		byDigest[d.digest] = d
		list[i] = d
	}
	digests := markReferenced(payload, byDigest, 0)
	for _, d := range list {
		if d.err == nil {
			digests += markReferenced(d.value, byDigest, 0)
		}
	}
	for i, d := range list {
		if !d.referenced {
			return nil, nil, 0, kredensial.Fail(kredensial.BadDisclosure, "Disclosure %d is not referenced by any digest (altered, forged or from another credential)", i+1)
		}
	}
	for i, d := range list {
		if d.err != nil {
			return nil, nil, 0, kredensial.Fail(d.err.Reason, "Disclosure %d: %s", i+1, d.err.Detail)
		}
	}
	return byDigest, list, digests, nil
}

// processor replaces digests by the disclosed claims (RFC 9901 section 7.1).
type processor struct {
	byDigest  map[string]*disclosure
	seen      map[string]bool // every digest met so far, decoys included
	disclosed []string        // paths of the claims that Disclosures revealed
	path      []byte          // the path of the value being processed
	pathBuf   [64]byte
}

// pushName extends the path with an object member name and returns what
// pop needs to restore it.
func (p *processor) pushName(name string) int {
	mark := len(p.path)
	if mark > 0 {
		p.path = append(p.path, '.')
	}
	p.path = append(p.path, name...)
	return mark
}

// pushIndex extends the path with an array index.
func (p *processor) pushIndex(i int) int {
	mark := len(p.path)
	p.path = append(p.path, '[')
	p.path = strconv.AppendInt(p.path, int64(i), 10)
	p.path = append(p.path, ']')
	return mark
}

func (p *processor) pop(mark int) { p.path = p.path[:mark] }

// value processes any JSON value, in place.
func (p *processor) value(v any, parent *disclosure, depth int) (any, *kredensial.Error) {
	if depth > maxDepth {
		return nil, kredensial.Fail(kredensial.BadEncoding, "nesting deeper than %d", maxDepth)
	}
	switch t := v.(type) {
	case map[string]any:
		return p.object(t, parent, depth, false)
	case []any:
		return p.array(t, parent, depth)
	default:
		return v, nil
	}
}

// object processes an object in place: its plain members, then the
// Disclosures its _sd array references. top marks the payload itself,
// where the registered claims may not be disclosed.
func (p *processor) object(m map[string]any, parent *disclosure, depth int, top bool) (map[string]any, *kredensial.Error) {
	for k, v := range m {
		if k == "_sd" {
			continue
		}
		mark := p.pushName(k)
		pv, err := p.value(v, parent, depth+1)
		p.pop(mark)
		if err != nil {
			return nil, err
		}
		if _, isArray := v.([]any); isArray {
			m[k] = pv // shortened in place; objects and scalars stay as they are
		}
	}
	sdv, ok := m["_sd"]
	if !ok {
		return m, nil
	}
	delete(m, "_sd")
	digests, ok := sdv.(digestList)
	if !ok {
		arr, ok := sdv.([]any)
		if !ok {
			return nil, kredensial.Fail(kredensial.BadEncoding, "_sd at %q is not an array", p.path)
		}
		digests = make(digestList, len(arr))
		for i, e := range arr {
			if digests[i], ok = e.(string); !ok {
				return nil, kredensial.Fail(kredensial.BadEncoding, "_sd at %q holds a non-string", p.path)
			}
		}
	}
	for _, dg := range digests {
		if p.seen[dg] {
			return nil, kredensial.Fail(kredensial.BadDisclosure, "digest %s appears more than once", dg)
		}
		p.seen[dg] = true
		d := p.byDigest[dg]
		if d == nil {
			continue // undisclosed claim or decoy
		}
		if !d.hasName {
			return nil, kredensial.Fail(kredensial.BadDisclosure, "an array-element Disclosure is referenced from _sd at %q", p.path)
		}
		switch {
		case d.name == "_sd" || d.name == "...":
			return nil, kredensial.Fail(kredensial.BadDisclosure, "Disclosure uses the reserved name %q", d.name)
		case top && reserved[d.name]:
			return nil, kredensial.Fail(kredensial.BadDisclosure, "registered claim %q must not be selectively disclosed", d.name)
		}
		mark := p.pushName(d.name)
		if _, clash := m[d.name]; clash {
			return nil, kredensial.Fail(kredensial.BadDisclosure, "Disclosure for %q would overwrite an existing claim", p.path)
		}
		d.used, d.path, d.parent = true, string(p.path), parent
		pv, err := p.value(d.value, d, depth+1)
		p.pop(mark)
		if err != nil {
			return nil, err
		}
		m[d.name] = pv
		p.disclosed = append(p.disclosed, d.path)
	}
	return m, nil
}

// array processes an array in place: {"...": digest} elements are replaced
// by their disclosed value, or dropped when not disclosed.
func (p *processor) array(a []any, parent *disclosure, depth int) ([]any, *kredensial.Error) {
	out := a[:0] // each element is read before its slot is written
	for i, e := range a {
		mark := p.pushIndex(i)
		pv, keep, err := p.element(e, parent, depth)
		p.pop(mark)
		if err != nil {
			return nil, err
		}
		if keep {
			out = append(out, pv)
		}
	}
	clear(a[len(out):])
	return out, nil
}

// element processes the array element e, whose path is p.path; keep is
// false for the digest of an undisclosed element.
func (p *processor) element(e any, parent *disclosure, depth int) (pv any, keep bool, err *kredensial.Error) {
	if obj, ok := e.(map[string]any); ok && len(obj) == 1 {
		if ref, ok := obj["..."]; ok {
			dg, ok := ref.(string)
			if !ok {
				return nil, false, kredensial.Fail(kredensial.BadEncoding, "array element digest at %q is not a string", p.path)
			}
			if p.seen[dg] {
				return nil, false, kredensial.Fail(kredensial.BadDisclosure, "digest %s appears more than once", dg)
			}
			p.seen[dg] = true
			d := p.byDigest[dg]
			if d == nil {
				return nil, false, nil
			}
			if d.hasName {
				return nil, false, kredensial.Fail(kredensial.BadDisclosure, "an object-property Disclosure is referenced as array element %q", p.path)
			}
			d.used, d.path, d.parent = true, string(p.path), parent
			pv, err := p.value(d.value, d, depth+1)
			if err != nil {
				return nil, false, err
			}
			p.disclosed = append(p.disclosed, d.path)
			return pv, true, nil
		}
	}
	pv, err = p.value(e, parent, depth+1)
	return pv, err == nil, err
}

// process runs RFC 9901's processing over the signed payload, in place: it
// returns the payload with the disclosed claims in place and _sd, _sd_alg
// removed, and the sorted paths of the disclosed claims. The payload and
// the Disclosures' values are modified, so read from them first anything
// that must come from what the issuer signed.
func process(payload map[string]any, byDigest map[string]*disclosure, list []*disclosure) (map[string]any, []string, *kredensial.Error) {
	return processSized(payload, byDigest, list, 4*DecoyBlock)
}

// processSized is process for a payload and Disclosures that hold about
// digests digests.
func processSized(payload map[string]any, byDigest map[string]*disclosure, list []*disclosure, digests int) (map[string]any, []string, *kredensial.Error) {
	p := &processor{byDigest: byDigest, seen: make(map[string]bool, digests), disclosed: make([]string, 0, len(list))}
	p.path = p.pathBuf[:0]
	out, err := p.object(payload, nil, 0, true)
	if err != nil {
		return nil, nil, err
	}
	delete(out, "_sd_alg")
	for i, d := range list {
		if !d.used {
			return nil, nil, kredensial.Fail(kredensial.BadDisclosure, "Disclosure %d is not referenced from where it could be processed", i+1)
		}
	}
	slices.Sort(p.disclosed)
	return out, p.disclosed, nil
}
