// Verify an ikd QR presentation ("IKD1:" + base45 of a device-signed
// COSE_Sign1 wrapping the issuer's COSE_Sign1 CWT) with two independent COSE
// libraries, and print what it carries.
//
// stdin:  {"text": "IKD1:...", "issuerPubHex": "04..."}
// stdout: {"ok": bool, "checks": {...}, "tamper": {...}, "kidHex", "outerAlg",
//          "innerAlg", "signedAt", "nonceHex", "deviceKeyHex", "claims": {...}}
// ok is true when both libraries verify both layers; each check is "ok" or
// the error. tamper reports what each library said of copies with one byte
// of the issuer claims or of the signing time flipped ("rejected" is right).
import { auth0, coseTs, base45, hex, unhex, joseKey, coseKeyPoint, uncompressed, plain, print, readStdin, IKD_CLAIM, LABEL } from './qrcred-lib.mjs';

const input = await readStdin();
const out = { ok: false, checks: {}, tamper: {} };
const check = async (name, fn) => {
  try { await fn(); out.checks[name] = 'ok'; return true; } catch (e) { out.checks[name] = String(e.message || e); return false; }
};
try {
  if (!input.text.startsWith('IKD1:')) throw new Error('no IKD1: prefix');
  const outerBytes = new Uint8Array(base45.decode(input.text.slice(5)));
  if (base45.encode(outerBytes) !== input.text.slice(5)) throw new Error('base45 does not round-trip');

  // Layer 2, read before its key is known: the device-signed presentation.
  const outer = auth0.Sign1.decode(outerBytes);
  out.outerAlg = outer.protectedHeaders.get(1);
  const pres = coseTs.decodeCBOR(outer.payload);
  const innerBytes = pres.get(1);
  out.signedAt = pres.get(2);
  out.nonceHex = pres.has(3) ? hex(pres.get(3)) : null;

  // Layer 1: the issuer CWT, with the issuer key the caller trusts.
  const issuerPub = unhex(input.issuerPubHex);
  const inner = auth0.Sign1.decode(innerBytes);
  out.innerAlg = inner.protectedHeaders.get(1);
  out.kidHex = hex(inner.protectedHeaders.get(4));
  const claims = coseTs.decodeCBOR(inner.payload);
  out.claims = plain(claims);
  const devicePoint = coseKeyPoint(claims.get(8).get(1));
  out.deviceKeyHex = hex(uncompressed(devicePoint));

  const issuerJose = await joseKey(issuerPub);
  const deviceJose = await joseKey(devicePoint);
  const tsKey = (point) => { const k = coseTs.ECDSAKey.fromPublic(point); k.alg = -7; return k; };
  const results = await Promise.all([
    check('auth0Inner', () => auth0.Sign1.decode(innerBytes).verify(issuerJose)),
    check('auth0Outer', () => auth0.Sign1.decode(outerBytes).verify(deviceJose)),
    check('cosetsInner', () => coseTs.Sign1Message.fromBytes(tsKey(issuerPub), innerBytes)),
    check('cosetsOuter', () => coseTs.Sign1Message.fromBytes(tsKey(devicePoint), outerBytes)),
  ]);
  out.ok = results.every(Boolean);

  // Negative controls: one flipped byte must break each signature.
  const flip = (b, i) => { const c = b.slice(); c[i] ^= 0x01; return c; };
  const at = (hay, needle) => { for (let i = 0; i + needle.length <= hay.length; i++) if (needle.every((x, j) => hay[i + j] === x)) return i; return -1; };
  // In the ikd claim: a letter of the name, or for usia age_over_21 (the
  // payload's last byte: true and false differ in their low bit).
  const nama = claims.get(IKD_CLAIM).get(LABEL.nama);
  const badInner = typeof nama === 'string'
    ? flip(innerBytes, at(innerBytes, [...new TextEncoder().encode(nama)]) + 1)
    : flip(innerBytes, at(innerBytes, [...inner.payload]) + inner.payload.length - 1);
  const presAt = at(outerBytes, [...outer.payload]);
  const badOuter = flip(outerBytes, presAt + outer.payload.length - 1); // last byte of the signing time
  const verdict = async (fn) => { try { await fn(); return 'ACCEPTED'; } catch { return 'rejected'; } };
  out.tamper.auth0Inner = await verdict(() => auth0.Sign1.decode(badInner).verify(issuerJose));
  out.tamper.cosetsInner = await verdict(() => coseTs.Sign1Message.fromBytes(tsKey(issuerPub), badInner));
  out.tamper.auth0Outer = await verdict(() => auth0.Sign1.decode(badOuter).verify(deviceJose));
  out.tamper.cosetsOuter = await verdict(() => coseTs.Sign1Message.fromBytes(tsKey(devicePoint), badOuter));
} catch (e) {
  out.error = String(e.stack || e);
}
print(out);
