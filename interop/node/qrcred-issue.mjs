// Issue and present ikd QR credentials with @ldclabs/cose-ts (and, for one
// case, @auth0/cose), independently of Go, for the Go verifier to check.
//
// Claims use the private claim-key table of qrcred-lib.mjs (IKD_CLAIM).
//
// stdin:  {"iat": unix, "exp": unix, "signedAt": unix, "nonceHex": "..."}
// stdout: {"issuerPubHex": "04...", "kidHex": "...", "deviceKeyHex": "04...",
//          "cases": [{"name", "profile", "text", "want"}]}
// want is "VALID" or the reason ikd's verifier must give. The issuer CWT
// carries the device key uncompressed (y as 32 bytes), where ikd's own
// issuer writes the compressed form, so both are exercised.
import { randomBytes, createHash } from 'node:crypto';
import { auth0, coseTs, base45, hex, uncompressed, print, readStdin, IKD_CLAIM, PROFILE, LABEL, days } from './qrcred-lib.mjs';

const input = await readStdin();
const { ECDSAKey, Sign1Message, Header, encodeCBOR } = coseTs;

const issuer = ECDSAKey.generate(-7);
const device = ECDSAKey.generate(-7);
const stranger = ECDSAKey.generate(-7);
const issuerPub = uncompressed(issuer.getPublicKey());
const devicePub = uncompressed(device.getPublicKey());
const kid = randomBytes(8);

const claims = (profile) => {
  const c = new Map([
    [1, 'https://ikd.bengkuluprov.go.id'],
    [4, input.exp],
    [6, input.iat],
    [7, new Uint8Array(randomBytes(16))],
    [8, new Map([[1, new Map([[1, 2], [-1, 1], [-2, devicePub.subarray(1, 33)], [-3, devicePub.subarray(33)]])]])],
    [65535, new Map([['status_list', new Map([['idx', 4242], ['uri', 'https://ikd.bengkuluprov.go.id/status/1']])]])],
  ]);
  // The private claim-key table, under the private-use label -65537.
  const ikd = new Map([[LABEL.profile, PROFILE[profile] ?? 9]]);
  if (profile === 'usia') {
    ikd.set(LABEL.age_over_17, true).set(LABEL.age_over_21, false);
  } else {
    ikd.set(LABEL.nama, 'RAHMAT HIDAYAT').set(LABEL.nik, '1771021203050002').set(LABEL.tanggal_lahir, days('2005-03-12'))
      .set(LABEL.jenis_kelamin, 'L').set(LABEL.foto_hash, new Uint8Array(createHash('sha256').update('portrait').digest().subarray(0, 16)));
  }
  return c.set(IKD_CLAIM, ikd);
};

// The issuer's COSE_Sign1, tag 18, protected {alg: ES256, kid}.
const issue = (payload, key = issuer) => {
  const prot = new Header().setParam(1, -7).setParam(4, new Uint8Array(kid));
  return Sign1Message.withTag(new Sign1Message(payload, prot, new Header()).toBytes(key));
};
const presentation = (cwt) => {
  const p = new Map([[1, cwt], [2, input.signedAt]]);
  if (input.nonceHex) p.set(3, new Uint8Array(Buffer.from(input.nonceHex, 'hex')));
  return encodeCBOR(p);
};
// The device's COSE_Sign1, tag 18, protected {alg: ES256}.
const present = (cwt, key = device) =>
  'IKD1:' + base45.encode(Sign1Message.withTag(new Sign1Message(presentation(cwt), new Header().setParam(1, -7), new Header()).toBytes(key)));

const cases = [];
const add = (name, profile, text, want) => cases.push({ name, profile, text, want });

add('cose-ts both layers', 'dasar', present(issue(encodeCBOR(claims('dasar')))), 'VALID');
add('cose-ts usia', 'usia', present(issue(encodeCBOR(claims('usia')))), 'VALID');

// The outer layer signed by @auth0/cose (WebCrypto) instead.
{
  const d = device.getSecretKey();
  const b64u = (b) => Buffer.from(b).toString('base64url');
  const privJwk = { kty: 'EC', crv: 'P-256', x: b64u(devicePub.subarray(1, 33)), y: b64u(devicePub.subarray(33)), d: b64u(d) };
  const { importJWK } = await import('jose');
  const key = await importJWK(privJwk, 'ES256');
  const signed = await auth0.Sign1.sign(new auth0.ProtectedHeaders([[auth0.Headers.Algorithm, auth0.Algorithms.ES256]]),
    new auth0.UnprotectedHeaders([]), presentation(issue(encodeCBOR(claims('dasar')))), key);
  add('@auth0/cose outer layer', 'dasar', 'IKD1:' + base45.encode(signed.encode()), 'VALID');
}

// Negative cases made here, not by Go.
{
  const cwt = issue(encodeCBOR(claims('dasar')));
  const bad = cwt.slice();
  const i = Buffer.from(bad).indexOf('RAHMAT');
  bad[i] = 'B'.charCodeAt(0); // BAHMAT: the issuer signature no longer holds
  add('tampered issuer claims', 'dasar', present(bad), 'bad_signature');
  add('signed by another device', 'dasar', present(cwt, stranger), 'wrong_holder');
  add('issuer signature by a stranger under the kid', 'dasar', present(issue(encodeCBOR(claims('dasar')), stranger)), 'bad_signature');
  add('unknown profile', 'lengkap', present(issue(encodeCBOR(claims('lengkap')))), 'unsupported');
  const es384 = ECDSAKey.generate(-35);
  const prot384 = new Header().setParam(1, -35).setParam(4, new Uint8Array(kid));
  add('issuer alg ES384', 'dasar', present(Sign1Message.withTag(new Sign1Message(encodeCBOR(claims('dasar')), prot384, new Header()).toBytes(es384))), 'unsupported');
  add('IKD9 prefix (an unknown format version)', 'dasar', present(cwt).replace('IKD1:', 'IKD9:'), 'unsupported');
  // Strict claims: unknown labels, version 1's text keys, wrong types.
  const edited = (fn) => { const c = claims('dasar'); fn(c); return present(issue(encodeCBOR(c))); };
  add('unknown ikd label', 'dasar', edited((c) => c.get(IKD_CLAIM).set(10, 'x')), 'bad_encoding');
  add('unknown claim label', 'dasar', edited((c) => c.set(2, '1771021203050002')), 'bad_encoding');
  add('version 1 text keys', 'dasar', edited((c) => c.set('nama', 'RAHMAT HIDAYAT')), 'bad_encoding');
  add('tanggal_lahir as text', 'dasar', edited((c) => c.get(IKD_CLAIM).set(LABEL.tanggal_lahir, '2005-03-12')), 'bad_encoding');
  add('no profile', 'dasar', edited((c) => c.get(IKD_CLAIM).delete(LABEL.profile)), 'bad_encoding');
}

print({ issuerPubHex: hex(issuerPub), kidHex: hex(kid), deviceKeyHex: hex(devicePub), cases });
