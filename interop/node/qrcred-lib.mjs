// Shared helpers for the qrcred-*.mjs interop scripts. Loads the two
// independent COSE implementations (@auth0/cose on node's WebCrypto,
// @ldclabs/cose-ts on @noble/curves) and converts keys between the forms
// they take.
import { register, createRequire } from 'node:module';
import { ECDH } from 'node:crypto';
import * as jose from 'jose';

register('./qrcred-ext-hook.mjs', import.meta.url);
const require = createRequire(import.meta.url);

export const base45 = require('base45');
export const auth0 = await import('@auth0/cose');
export const coseTs = {
  ...(await import('@ldclabs/cose-ts/sign1')),
  ...(await import('@ldclabs/cose-ts/ecdsa')),
  ...(await import('@ldclabs/cose-ts/header')),
  ...(await import('@ldclabs/cose-ts/utils')),
};

// IKD_CLAIM is the private-use CWT claim label under which ikd's issuer
// CWT carries the profile and the resident claims, with the labels of
// PROFILE and LABEL (the private claim-key table of package qrcred).
export const IKD_CLAIM = -65537;
export const PROFILE = { dasar: 1, usia: 2, foto: 3 };
export const LABEL = {
  profile: 1, nama: 2, nik: 3, tanggal_lahir: 4, jenis_kelamin: 5, foto_hash: 6, foto: 7, age_over_17: 8, age_over_21: 9,
};
// days returns a YYYY-MM-DD date as days since 1970-01-01 (RFC 8943).
export const days = (date) => Date.parse(date + 'T00:00:00Z') / 86400000;

export const hex = (b) => Buffer.from(b).toString('hex');
export const unhex = (h) => new Uint8Array(Buffer.from(h, 'hex'));
const b64u = (b) => Buffer.from(b).toString('base64url');

// uncompressed returns the 65-byte SEC1 point for a 33- or 65-byte one.
export const uncompressed = (point) =>
  new Uint8Array(ECDH.convertKey(Buffer.from(point), 'prime256v1', undefined, undefined, 'uncompressed'));

// joseKey imports a P-256 SEC1 point as a WebCrypto key for @auth0/cose.
export const joseKey = (point) => {
  const p = uncompressed(point);
  return jose.importJWK({ kty: 'EC', crv: 'P-256', x: b64u(p.subarray(1, 33)), y: b64u(p.subarray(33)) }, 'ES256');
};

// coseKeyPoint returns the SEC1 point of an EC2 P-256 COSE_Key map whose y
// is either the 32-byte coordinate or the compressed sign bit.
export const coseKeyPoint = (k) => {
  if (k.get(1) !== 2 || k.get(-1) !== 1) throw new Error(`COSE_Key kty ${k.get(1)} crv ${k.get(-1)}`);
  const x = k.get(-2), y = k.get(-3);
  if (typeof y === 'boolean') return Uint8Array.from([y ? 3 : 2, ...x]);
  return Uint8Array.from([4, ...x, ...y]);
};

// plain turns decoded CBOR into JSON: maps become objects keyed by the
// label as text, byte strings become {"hex": "..."}.
export const plain = (v) => {
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [String(k), plain(x)]));
  if (v instanceof Uint8Array) return { hex: hex(v) };
  if (Array.isArray(v)) return v.map(plain);
  return v;
};

export const print = (o) => process.stdout.write(JSON.stringify(o) + '\n');

export const readStdin = async () => {
  let s = '';
  for await (const chunk of process.stdin) s += chunk;
  return JSON.parse(s);
};
