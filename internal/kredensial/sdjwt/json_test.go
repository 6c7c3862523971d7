package sdjwt

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/ikd-project/ikd/internal/kredensial/jws"
)

// jsonCases are inputs on which parseJSON must agree with jws.DecodeJSON.
var jsonCases = []string{
	// Accepted.
	`{}`, `[]`, `""`, `0`, `-0`, `1.5e10`, `-12.25E-3`, `1E+2`, `true`, `false`, `null`,
	` {"a" : [1, "x", {"b": null}] } `, "\t\r\n[1,2]\n",
	`{"a":1,"a":2}`, `{"a":{"x":1},"a":[2]}`,
	`["JL. SUPRAPTO NO. 12","Bengkulu é ü 日本"]`,
	`"a\"b\\c\/d\b\f\n\r\t"`, `"\u00e9\u65e5"`, `"\ud83d\ude00"`, `"\ud83d"`, `"\ude00x"`,
	`{"\u0061":"b"}`, "\"\xff\xfe\"", "\"a\xc3\"", "{\"\xff\":1}",
	`[123456789012345678901234567890]`, `{"_sd":["a","b"],"...":"c"}`,
	`{"_sd":[]}`, `{"_sd":[ "a" , "b\u0063" ]}`, `{"_sd":["a",1]}`, `{"_sd":[1,"a"]}`, `{"_sd":"a"}`,
	`{"_sd":null}`, `[{"_sd":["x"]},{"a":{"_sd":["y"]}}]`, `{"_sd":["a",{"_sd":["b"]}]}`,
	`{"_sd":["a" "b"]}`, `{"_sd":["a",]}`, `{"_sd":["a"`, `{"_sd":[`, `{"_sd":["a\x"]}`,
	`{"_sd":` + strings.Repeat("[", 9999) + strings.Repeat("]", 9999) + `}`,
	`{"_sd":` + strings.Repeat("[", 10000) + strings.Repeat("]", 10000) + `}`,
	// Disclosures.
	`["c2FsdA","nik","1771015708900002"]`, ` [ "s" , "DE" ] `, `["s","alamat",{"_sd":["a","b"]}]`,
	`["s",{"_sd":["a"]}]`, `["s","n",1,2]`, `["s"]`, `[1,"n","v"]`, `["s",2,"v"]`, `["s","n","v"]x`,
	`["s\u0041","n\"","v"]`, `["s","n",["a",{"...":"d"}]]`, `["s","n"`, `["s",`, `["s" "n"]`,
	"[\"s\xff\",\"n\",\"v\"]",
	`[` + strings.Repeat("[", 9999) + strings.Repeat("]", 9999) + `]`,
	`["s",` + strings.Repeat("[", 10000) + strings.Repeat("]", 10000) + `]`,
	strings.Repeat("[", 10000) + strings.Repeat("]", 10000),
	// Rejected.
	``, ` `, `{`, `[`, `"`, `"abc`, `"a\`, `{"a"}`, `{"a":}`, `{"a":1,}`, `[1,]`, `[1 2]`,
	`{"a":1 "b":2}`, `{1:2}`, `{'a':1}`, `01`, `-`, `1.`, `.5`, `1e`, `1e+`, `+1`, `0x10`,
	`NaN`, `Infinity`, `tru`, `nul`, `True`, `{} {}`, `1 2`, `[1]x`, `"a" "b"`,
	"\"a\x01b\"", "\"a\tb\"", `"\x"`, `"\u12"`, `"\u12G4"`, `"\a"`,
	"\xef\xbb\xbf{}", "[1]\x00",
	strings.Repeat("[", 10001) + strings.Repeat("]", 10001),
}

// compareWithEncodingJSON returns how parseJSON and parseSD (with its
// digestLists turned back into []any) differ from jws.DecodeJSON on s, or
// "" when they agree.
func compareWithEncodingJSON(s string) string {
	var std any
	errStd := jws.DecodeJSON([]byte(s), &std)
	mine, errMine := parseJSON(s)
	sd, errSD := newScratch(len(s)).parseSD(s)
	switch {
	case (errMine == nil) != (errStd == nil):
		return fmt.Sprintf("parseJSON error %v, encoding/json error %v", errMine, errStd)
	case (errSD == nil) != (errStd == nil):
		return fmt.Sprintf("parseSD error %v, encoding/json error %v", errSD, errStd)
	case errStd != nil:
		return ""
	case !reflect.DeepEqual(mine, std):
		return fmt.Sprintf("parseJSON %#v, encoding/json %#v", mine, std)
	case !reflect.DeepEqual(undigest(sd), std):
		return fmt.Sprintf("parseSD %#v, encoding/json %#v", sd, std)
	}
	return compareDisclosure(s, std, errStd)
}

// compareDisclosure returns how parseDisclosure differs from std, which
// jws.DecodeJSON gave (with the error errStd) on s, or "".
func compareDisclosure(s string, std any, errStd error) string {
	d, other, isArray, err := newScratch(len(s)).parseDisclosure(s)
	if (err == nil) != (errStd == nil) {
		return fmt.Sprintf("parseDisclosure error %v, encoding/json error %v", err, errStd)
	}
	if err != nil {
		return ""
	}
	arr, stdIsArray := std.([]any)
	switch {
	case isArray != stdIsArray:
		return fmt.Sprintf("parseDisclosure isArray %v for %#v", isArray, std)
	case !isArray && !reflect.DeepEqual(undigest(other), std):
		return fmt.Sprintf("parseDisclosure other %#v, encoding/json %#v", other, std)
	case !isArray:
		return ""
	case d.n != len(arr):
		return fmt.Sprintf("parseDisclosure %d elements, encoding/json %d", d.n, len(arr))
	}
	for i := 0; i < len(arr) && i < 3; i++ {
		if _, isStr := arr[i].(string); i < 2 && d.isStr[i] != isStr {
			return fmt.Sprintf("parseDisclosure element %d isStr %v: %#v", i, d.isStr[i], arr[i])
		}
		if got := undigest(d.at(i)); !reflect.DeepEqual(got, arr[i]) {
			return fmt.Sprintf("parseDisclosure element %d %#v, encoding/json %#v", i, got, arr[i])
		}
	}
	return ""
}

// undigest turns the digestLists in v back into []any.
func undigest(v any) any {
	switch t := v.(type) {
	case digestList:
		a := make([]any, len(t))
		for i, s := range t {
			a[i] = s
		}
		return a
	case []any:
		for i, e := range t {
			t[i] = undigest(e)
		}
	case map[string]any:
		for k, e := range t {
			t[k] = undigest(e)
		}
	}
	return v
}

func TestParseJSONMatchesEncodingJSON(t *testing.T) {
	for _, s := range jsonCases {
		name := s
		if len(name) > 40 {
			name = name[:40] + "..."
		}
		if diff := compareWithEncodingJSON(s); diff != "" {
			t.Errorf("%q: %s", name, diff)
		}
	}
}

// TestParseSDDigestLists checks where parseSD makes a digestList: for an
// "_sd" array of strings only.
func TestParseSDDigestLists(t *testing.T) {
	v, err := newScratch(0).parseSD(`{"_sd":["a","b"],"x":{"_sd":["c",1]},"y":["d"],"z":[{"_sd":[]}]}`)
	if err != nil {
		t.Fatal(err)
	}
	m := v.(map[string]any)
	if l, ok := m["_sd"].(digestList); !ok || len(l) != 2 || l[0] != "a" || l[1] != "b" {
		t.Errorf("_sd %#v", m["_sd"])
	}
	if _, ok := m["x"].(map[string]any)["_sd"].([]any); !ok {
		t.Errorf("mixed _sd %#v, want []any", m["x"])
	}
	if _, ok := m["y"].([]any); !ok {
		t.Errorf("y %#v, want []any", m["y"])
	}
	if l, ok := m["z"].([]any)[0].(map[string]any)["_sd"].(digestList); !ok || l == nil || len(l) != 0 {
		t.Errorf("empty _sd %#v", m["z"])
	}
	if v, err := parseJSON(`{"_sd":["a"]}`); err != nil {
		t.Fatal(err)
	} else if _, ok := v.(map[string]any)["_sd"].([]any); !ok {
		t.Errorf("parseJSON made %#v", v)
	}
}

// TestParseJSONShapes checks the Go types parseJSON produces, which the
// verifier and Verified.Claims rely on.
func TestParseJSONShapes(t *testing.T) {
	v, err := parseJSON(`{"n":17,"s":"x","a":[true,null],"o":{}}`)
	if err != nil {
		t.Fatal(err)
	}
	m, ok := v.(map[string]any)
	if !ok || len(m) != 4 {
		t.Fatalf("got %#v", v)
	}
	if n, ok := m["n"].(interface{ Int64() (int64, error) }); !ok {
		t.Errorf("number is %T, want json.Number", m["n"])
	} else if i, _ := n.Int64(); i != 17 {
		t.Errorf("number %v", i)
	}
	if a, ok := m["a"].([]any); !ok || len(a) != 2 || a[0] != true || a[1] != nil {
		t.Errorf("array %#v", m["a"])
	}
	if o, ok := m["o"].(map[string]any); !ok || o == nil || len(o) != 0 {
		t.Errorf("empty object %#v", m["o"])
	}
}

// FuzzParseJSON: parseJSON and parseSD accept exactly what encoding/json
// accepts, with the same result.
func FuzzParseJSON(f *testing.F) {
	for _, s := range jsonCases {
		if len(s) < 200 {
			f.Add(s)
		}
	}
	f.Fuzz(func(t *testing.T, s string) {
		if diff := compareWithEncodingJSON(s); diff != "" {
			t.Fatalf("%q: %s", s, diff)
		}
	})
}
