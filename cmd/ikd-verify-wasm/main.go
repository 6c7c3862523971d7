//go:build js && wasm

// Command ikd-verify-wasm is ikd's verifier core (package verify) compiled
// to WebAssembly for the offline verifier page. It registers one JavaScript
// function:
//
//	ikdVerify(input, trustListJWS, nowMillis, nonce, pins) → JSON string
//
// input is the QR text or SD-JWT presentation, trustListJWS the cached
// trust list, nowMillis the time (Date.now()), nonce the verifier's nonce
// or "", pins the province's pinned key IDs (comma-separated) or "". The
// JSON is a verify.Result; a trust list that does not parse, or that a
// key other than the pinned ones signed, gives a Result with that
// failure's reason. The page loads it with
// internal/web/static/verify/loader.js (window.ikd.verify).
package main

import (
	"encoding/json"
	"syscall/js"
	"time"

	"github.com/ikd-project/ikd/internal/verify"
)

func main() {
	js.Global().Set("ikdVerify", js.FuncOf(func(this js.Value, args []js.Value) any {
		str := func(i int) string {
			if i < len(args) && args[i].Type() == js.TypeString {
				return args[i].String()
			}
			return ""
		}
		var now time.Time
		if len(args) > 2 && args[2].Type() == js.TypeNumber {
			now = time.UnixMilli(int64(args[2].Float())).UTC()
		}
		b, err := json.Marshal(verify.VerifyPinned(str(0), str(1), str(4), now, str(3)))
		if err != nil {
			return `{"valid":false,"reason":"unreadable"}`
		}
		return string(b)
	}))
	select {}
}
