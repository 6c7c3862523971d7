// Verifies SD-JWT VCs (issued or presented by ikd's Go code) with independent
// implementations: @sd-jwt/sd-jwt-vc 0.19 for the SD-JWT and SD-JWT VC rules
// (digests, Disclosures, Key Binding JWT, sd_hash, status list), with panva's
// jose checking every ES256 signature. The holder key is taken from cnf.jwk.
//
// Note: @sd-jwt/core 0.19 silently drops a Disclosure that no digest
// references instead of rejecting it, so callers must assert on the returned
// claims, not only on success.
//
// stdin:  {"issuerJwk": {...}, "statusJwk"?: {...}, "statusListToken"?: "...",
//          "currentDate": <seconds>, "cases": [{"name", "token", "nonce"?}]}
// stdout: {"results": [{"name", "ok", "payload"?, "header"?, "kb"?, "error"?,
//          "joseOk", "joseIssuer"?, "joseError"?}]}
//         ok/error are @sd-jwt/sd-jwt-vc's verdict on the whole SD-JWT;
//         joseOk/joseError are jose's alone on the issuer-signed JWT.
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';
import { digest } from '@sd-jwt/crypto-nodejs';
import * as jose from 'jose';

const chunks = [];
for await (const c of process.stdin) chunks.push(c);
const input = JSON.parse(Buffer.concat(chunks).toString('utf8'));

const issuerKey = await jose.importJWK(input.issuerJwk, 'ES256');
const statusKey = input.statusJwk ? await jose.importJWK(input.statusJwk, 'ES256') : issuerKey;

// A verifier callback for @sd-jwt that checks the ES256 signature with jose.
const joseVerifier = (getKey) => async (data, sig, payload) => {
  const key = await getKey(payload);
  try {
    await jose.compactVerify(`${data}.${sig}`, key, { algorithms: ['ES256'] });
    return true;
  } catch {
    return false;
  }
};

const sdjwt = new SDJwtVcInstance({
  hasher: digest,
  hashAlg: 'sha-256',
  verifier: joseVerifier(async () => issuerKey),
  kbVerifier: joseVerifier(async (payload) => jose.importJWK(payload.cnf.jwk, 'ES256')),
  statusVerifier: joseVerifier(async () => statusKey),
  // The status list token is handed in; nothing is fetched over the network.
  statusListFetcher: async (uri) => {
    if (!input.statusListToken) throw new Error(`no status list token given for ${uri}`);
    return input.statusListToken;
  },
});

const results = [];
for (const c of input.cases) {
  const r = { name: c.name };
  // jose alone on the issuer-signed JWT: signature, typ and times.
  try {
    const { protectedHeader } = await jose.jwtVerify(c.token.split('~')[0], issuerKey, {
      algorithms: ['ES256'],
      typ: 'dc+sd-jwt',
      currentDate: new Date(input.currentDate * 1000),
    });
    r.joseOk = true;
    r.joseIssuer = protectedHeader;
  } catch (e) {
    r.joseOk = false;
    r.joseError = String(e && e.message ? e.message : e);
  }
  // @sd-jwt/sd-jwt-vc on the whole SD-JWT (+KB).
  try {
    const opts = { currentDate: input.currentDate };
    if (c.nonce) opts.keyBindingNonce = c.nonce;
    const v = await sdjwt.verify(c.token, opts);
    r.ok = true;
    r.payload = v.payload;
    r.header = v.header;
    r.kb = v.kb ? v.kb.payload : null;
  } catch (e) {
    r.ok = false;
    r.error = String(e && e.message ? e.message : e);
  }
  results.push(r);
}
process.stdout.write(JSON.stringify({ results }));
