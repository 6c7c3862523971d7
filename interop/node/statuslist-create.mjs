// Makes a status list and a signed status list token with independent
// implementations, for ikd's Go code to decode and verify:
// @sd-jwt/jwt-status-list 0.19 builds and compresses the list (pako zlib),
// panva's jose signs the JWT with a fresh P-256 key.
//
// stdin:  {"size", "bits", "set": [[index, status], ...], "sub", "iat",
//          "exp", "ttl", "kid"}
// stdout: {"lst", "token", "jwk"}
import * as jose from 'jose';
import { StatusList, createHeaderAndPayload } from '@sd-jwt/jwt-status-list';

const chunks = [];
for await (const c of process.stdin) chunks.push(c);
const input = JSON.parse(Buffer.concat(chunks).toString('utf8'));

const list = new StatusList(new Array(input.size).fill(0), input.bits);
for (const [i, s] of input.set) list.setStatus(i, s);

const { header, payload } = createHeaderAndPayload(
  list,
  { sub: input.sub, iat: input.iat, exp: input.exp, ttl: input.ttl },
  { alg: 'ES256', kid: input.kid },
);
const { publicKey, privateKey } = await jose.generateKeyPair('ES256', { extractable: true });
const token = await new jose.SignJWT(payload).setProtectedHeader(header).sign(privateKey);

process.stdout.write(JSON.stringify({
  lst: list.compressStatusList(),
  token,
  jwk: await jose.exportJWK(publicKey),
}));
