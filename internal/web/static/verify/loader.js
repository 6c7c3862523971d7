// loader.js loads ikd's verifier core, compiled to WebAssembly
// (ikd-verify.wasm, built from cmd/ikd-verify-wasm), and exposes
//
//   window.ikd.verify(input, trustListJWS, nonce, nowMillis, pins) → Promise<Result>
//
// input is the QR text (IKD1:…) or an SD-JWT presentation, trustListJWS the
// cached trust list, nonce the verifier's nonce or "", nowMillis the time
// (Date.now() when omitted) and pins the province's key IDs the trust list
// must be signed by (comma-separated; none when omitted). Result is verify.Result as JSON: {valid, reason,
// message_id, message_en, format, profile, claims, issuer, signed_at, expiry,
// trust_age_ns, stale_ns}. Everything runs in the page: no network.
(function () {
  "use strict";
  const base = document.currentScript
    ? new URL(".", document.currentScript.src)
    : new URL("/static/verify/", location.href);
  let ready = null;

  function script(src) {
    return new Promise((resolve, reject) => {
      const s = document.createElement("script");
      s.src = src;
      s.onload = resolve;
      s.onerror = () => reject(new Error("ikd: cannot load " + src));
      document.head.appendChild(s);
    });
  }

  function load() {
    if (!ready) {
      ready = (async () => {
        if (typeof Go === "undefined") {
          await script(new URL("wasm_exec.js", base).href);
        }
        const go = new Go();
        const url = new URL("ikd-verify.wasm", base);
        let result;
        try {
          result = await WebAssembly.instantiateStreaming(fetch(url), go.importObject);
        } catch (e) { // a server without the application/wasm type
          const buf = await (await fetch(url)).arrayBuffer();
          result = await WebAssembly.instantiate(buf, go.importObject);
        }
        go.run(result.instance); // registers globalThis.ikdVerify and keeps running
        return globalThis.ikdVerify;
      })();
      ready.catch(() => { ready = null; });
    }
    return ready;
  }

  window.ikd = window.ikd || {};
  window.ikd.load = load;
  window.ikd.verify = async function (input, trustListJWS, nonce, nowMillis, pins) {
    const verify = await load();
    const now = nowMillis === undefined ? Date.now() : Number(nowMillis);
    return JSON.parse(verify(String(input), String(trustListJWS), now, nonce ? String(nonce) : "", pins ? String(pins) : ""));
  };
})();
