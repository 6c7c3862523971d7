// Reads a status list token made by ikd's Go code with independent
// implementations: panva's jose verifies the JWT (ES256, typ
// statuslist+jwt, iat/exp), @sd-jwt/jwt-status-list 0.19 (pako zlib)
// decodes the list.
//
// stdin:  {"token", "jwk", "currentDate": <seconds>, "indexes": [...]}
// stdout: {"ok", "header"?, "claims"?, "bits"?, "size"?, "statuses"?, "error"?}
import * as jose from 'jose';
import { getListFromStatusListJWT } from '@sd-jwt/jwt-status-list';

const chunks = [];
for await (const c of process.stdin) chunks.push(c);
const input = JSON.parse(Buffer.concat(chunks).toString('utf8'));

const out = {};
try {
  const key = await jose.importJWK(input.jwk, 'ES256');
  const { payload, protectedHeader } = await jose.jwtVerify(input.token, key, {
    algorithms: ['ES256'],
    typ: 'statuslist+jwt',
    currentDate: new Date(input.currentDate * 1000),
  });
  const list = getListFromStatusListJWT(input.token);
  out.ok = true;
  out.header = protectedHeader;
  out.claims = { sub: payload.sub, iss: payload.iss, iat: payload.iat, exp: payload.exp, ttl: payload.ttl };
  out.bits = list.getBitsPerStatus();
  out.size = list.statusList.length;
  out.statuses = input.indexes.map((i) => list.getStatus(i));
} catch (e) {
  out.ok = false;
  out.error = String(e && e.message ? e.message : e);
}
process.stdout.write(JSON.stringify(out));
