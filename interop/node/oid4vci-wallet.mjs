// An independent OpenID4VCI 1.0 wallet: @openid4vc/openid4vci (with
// @openid4vc/oauth2 and @openid4vc/utils) redeems an ikd credential offer the
// way a third-party wallet would, and panva's jose holds the device key and
// signs the key proofs.
//
// 1. resolve the offer (credential_offer_uri) and the issuer metadata
//    (/.well-known/openid-credential-issuer, and the authorization server's);
// 2. the pre-authorized code token request, with the tx_code;
// 3. for EVERY configuration of the offer, in the offer's order: a fresh
//    c_nonce from the nonce endpoint, a P-256 key proof JWT over it (by the
//    one device key) and a credential request naming that configuration.
// Every step is the library's; nothing is done with a bare fetch.
//
// Usage: node oid4vci-wallet.mjs OFFER_URI TX_CODE
//    or: stdin {"offerUri": "openid-credential-offer://...", "txCode": "123456"}
// stdout: {"issuer", "configurationIds": [...], "token": {...},
//          "nonces": [...], "deviceJwk": {private JWK},
//          "credentials": {"<configuration id>": ["<credential>", ...]},
//          "responses": {"<configuration id>": <credential response body>}}
// On a failure: exit 1, and {"error", "step", "response"?} on stdout.
import { Openid4vciClient } from '@openid4vc/openid4vci';
import { clientAuthenticationAnonymous, HashAlgorithm } from '@openid4vc/oauth2';
import { setGlobalConfig } from '@openid4vc/utils';
import * as jose from 'jose';
import { createHash, randomBytes } from 'node:crypto';

async function input() {
  if (process.argv.length >= 4) return { offerUri: process.argv[2], txCode: process.argv[3] };
  const chunks = [];
  for await (const c of process.stdin) chunks.push(c);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

const { offerUri, txCode } = await input();
// The Go test serves ikd on http://127.0.0.1; a real issuer is https.
if (/^http:\/\/(127\.0\.0\.1|localhost)[:/]/.test(decodeURIComponent(offerUri.split('credential_offer_uri=')[1] ?? ''))) {
  setGlobalConfig({ allowInsecureUrls: true });
}

// The device key: P-256, generated here, never leaving this process except
// in the output (the Go test presents with it).
const { publicKey, privateKey } = await jose.generateKeyPair('ES256', { extractable: true });
const publicJwk = await jose.exportJWK(publicKey);

const hashes = { [HashAlgorithm.Sha256]: 'sha256', [HashAlgorithm.Sha384]: 'sha384', [HashAlgorithm.Sha512]: 'sha512' };
const callbacks = {
  hash: (data, alg) => new Uint8Array(createHash(hashes[alg]).update(data).digest()),
  generateRandom: (n) => new Uint8Array(randomBytes(n)),
  clientAuthentication: clientAuthenticationAnonymous(),
  // The library builds the proof's header and payload; jose signs them.
  signJwt: async (signer, { header, payload }) => {
    if (signer.method !== 'jwk' || signer.alg !== 'ES256') throw new Error(`unexpected signer ${signer.method} ${signer.alg}`);
    const jwt = await new jose.SignJWT(payload).setProtectedHeader(header).sign(privateKey);
    return { jwt, signerJwk: signer.publicJwk };
  },
};
const client = new Openid4vciClient({ callbacks });

let step = 'offer';
const out = { credentials: {}, responses: {}, nonces: [] };
try {
  const offer = await client.resolveCredentialOffer(offerUri);
  out.issuer = offer.credential_issuer;
  out.configurationIds = offer.credential_configuration_ids;
  step = 'metadata';
  const metadata = await client.resolveIssuerMetadata(offer.credential_issuer);
  out.metadataVersion = metadata.originalDraftVersion;
  step = 'token';
  const { accessTokenResponse } = await client.retrievePreAuthorizedCodeAccessTokenFromOffer({
    credentialOffer: offer, issuerMetadata: metadata, txCode,
  });
  out.token = { token_type: accessTokenResponse.token_type, expires_in: accessTokenResponse.expires_in };
  for (const id of offer.credential_configuration_ids) {
    step = `nonce for ${id}`;
    const { c_nonce: nonce } = await client.requestNonce({ issuerMetadata: metadata });
    out.nonces.push(nonce);
    step = `proof for ${id}`;
    const { jwt } = await client.createCredentialRequestJwtProof({
      issuerMetadata: metadata, credentialConfigurationId: id, nonce,
      signer: { method: 'jwk', alg: 'ES256', publicJwk },
    });
    step = `credential ${id}`;
    const res = await client.retrieveCredentials({
      issuerMetadata: metadata, accessToken: accessTokenResponse.access_token,
      credentialConfigurationId: id, proofs: { jwt: [jwt] },
    });
    out.responses[id] = res.credentialResponse;
    out.credentials[id] = (res.credentialResponse.credentials ?? []).map((c) => c.credential);
  }
  out.deviceJwk = await jose.exportJWK(privateKey);
  console.log(JSON.stringify(out));
} catch (e) {
  const response = e.response ? await e.response.clone().text().catch(() => undefined) : e.responseText;
  console.log(JSON.stringify({ error: String(e?.message ?? e), step, response, ...out }));
  process.exit(1);
}
