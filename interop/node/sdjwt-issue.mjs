// Issues and presents an SD-JWT VC with @sd-jwt/sd-jwt-vc 0.19 (ES256 keys
// from @sd-jwt/crypto-nodejs), for ikd's Go verifier to check.
//
// stdin:  {"iss", "kid", "vct", "iat", "exp", "claims": {...},
//          "disclosureFrame": {...}, "presentationFrame": {...},
//          "aud", "nonce", "kbIat", "status"?: {"idx", "uri"}}
// stdout: {"issuerJwk", "holderJwk", "issuance", "presentation",
//          "wrongNonce", "noKB"}
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';
import { digest, generateSalt, ES256 } from '@sd-jwt/crypto-nodejs';

const chunks = [];
for await (const c of process.stdin) chunks.push(c);
const input = JSON.parse(Buffer.concat(chunks).toString('utf8'));

const issuer = await ES256.generateKeyPair();
const holder = await ES256.generateKeyPair();
const sdjwt = new SDJwtVcInstance({
  hasher: digest,
  hashAlg: 'sha-256',
  saltGenerator: generateSalt,
  signer: await ES256.getSigner(issuer.privateKey),
  signAlg: 'ES256',
  kbSigner: await ES256.getSigner(holder.privateKey),
  kbSignAlg: 'ES256',
});

const payload = {
  iss: input.iss,
  iat: input.iat,
  exp: input.exp,
  vct: input.vct,
  cnf: { jwk: holder.publicKey },
  ...input.claims,
};
if (input.status) payload.status = { status_list: input.status };

const issuance = await sdjwt.issue(payload, input.disclosureFrame, { header: { kid: input.kid } });
const kb = (nonce) => ({ kb: { payload: { iat: input.kbIat, aud: input.aud, nonce } } });
const presentation = await sdjwt.present(issuance, input.presentationFrame, kb(input.nonce));
const wrongNonce = await sdjwt.present(issuance, input.presentationFrame, kb(input.nonce + '-other'));
const noKB = await sdjwt.present(issuance, input.presentationFrame);

process.stdout.write(JSON.stringify({
  issuerJwk: issuer.publicKey,
  holderJwk: holder.publicKey,
  issuance,
  presentation,
  wrongNonce,
  noKB,
}));
