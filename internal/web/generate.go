package web

// The offline verifier page's WebAssembly build of package verify (see
// cmd/ikd-verify-wasm), and the wasm_exec.js of the same Go toolchain. Both
// are committed and embedded with the rest of static/; TestWasmUpToDate
// fails when they differ from what this rebuilds.
//
//go:generate env GOOS=js GOARCH=wasm go build -trimpath -buildvcs=false "-ldflags=-s -w -buildid=" -o static/verify/ikd-verify.wasm ../../cmd/ikd-verify-wasm
//go:generate sh -c "cp \"$(go env GOROOT)/lib/wasm/wasm_exec.js\" static/verify/wasm_exec.js"
//
// Then the Brotli and gzip forms of every text and wasm file, which
// package assets serves (TestPrecompressed checks them):
//
//go:generate go run ./precompress static
