package httpapi_test

import (
	"crypto/ecdsa"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/ikd-project/ikd/internal/aktivasi"
	"github.com/ikd-project/ikd/internal/httpapi"
	"github.com/ikd-project/ikd/internal/ikdtest"
	"github.com/ikd-project/ikd/internal/ikdtest/nodetest"
	"github.com/ikd-project/ikd/internal/kms"
	"github.com/ikd-project/ikd/internal/kredensial/qrcred"
	"github.com/ikd-project/ikd/internal/store"
	"github.com/ikd-project/ikd/internal/verify"
)

// walletRun is what interop/node/oid4vci-wallet.mjs prints.
type walletRun struct {
	Issuer           string                     `json:"issuer"`
	MetadataVersion  string                     `json:"metadataVersion"`
	ConfigurationIDs []string                   `json:"configurationIds"`
	Token            map[string]any             `json:"token"`
	Nonces           []string                   `json:"nonces"`
	DeviceJWK        json.RawMessage            `json:"deviceJwk"`
	Credentials      map[string][]string        `json:"credentials"`
	Responses        map[string]json.RawMessage `json:"responses"`
}

// TestOID4VCIInteropWallet redeems an offer with an independent OpenID4VCI
// 1.0 client, npm @openid4vc/openid4vci: offer by reference, issuer
// metadata, pre-authorized code with tx_code, then for every configuration
// of the offer a nonce, a key proof and a credential request. Each answer
// must hold one credential of the configuration asked for, bound to the
// wallet's one device key, and ikd's verifier must accept presentations of
// each. In CI a missing node or package fails the test (nodetest).
func TestOID4VCIInteropWallet(t *testing.T) {
	nodetest.Dir(t)
	ikdtest.ForEachBackend(t, func(t *testing.T, st store.Store) {
		e := start(t, st)
		o := e.offer(t)
		var run walletRun
		nodetest.Run(t, "oid4vci-wallet.mjs", map[string]string{
			"offerUri": aktivasi.OfferURI(e.url, o.Code), "txCode": e.mailedCode(t)}, &run)
		want := httpapi.ConfigurationIDs()
		// The library reads ikd's metadata as OpenID4VCI 1.0 ("V1"), so it
		// sends 1.0 requests (credential_configuration_id, proofs).
		if run.Issuer != e.url || fmt.Sprint(run.ConfigurationIDs) != fmt.Sprint(want) || run.Token["token_type"] != "Bearer" ||
			run.MetadataVersion != "V1" {
			t.Fatalf("wallet run: issuer %q, metadata %q, configurations %v, token %v",
				run.Issuer, run.MetadataVersion, run.ConfigurationIDs, run.Token)
		}
		if len(run.Nonces) != len(want) || len(distinct(run.Nonces)) != len(want) {
			t.Errorf("nonces %v: want a fresh one per request", run.Nonces)
		}
		for _, id := range want {
			if len(run.Credentials[id]) != 1 || run.Credentials[id][0] == "" {
				t.Errorf("%s: %d credentials in %s, want 1", id, len(run.Credentials[id]), run.Responses[id])
			}
		}
		if t.Failed() {
			t.FailNow()
		}
		dev := deviceKey(t, run.DeviceJWK)
		wantBound(t, st, dev)
		creds := map[string]string{}
		for id, c := range run.Credentials {
			creds[id] = c[0]
		}
		verifyAll(t, e, creds, dev)
	})
}

// distinct returns the distinct strings of ss.
func distinct(ss []string) map[string]bool {
	m := map[string]bool{}
	for _, s := range ss {
		m[s] = true
	}
	return m
}

// deviceKey parses the wallet's private device JWK.
func deviceKey(t testing.TB, raw json.RawMessage) *ecdsa.PrivateKey {
	t.Helper()
	var k jose.JSONWebKey
	if err := k.UnmarshalJSON(raw); err != nil {
		t.Fatalf("device JWK: %v", err)
	}
	priv, ok := k.Key.(*ecdsa.PrivateKey)
	if !ok {
		t.Fatalf("device JWK is %T, want an ECDSA private key", k.Key)
	}
	return priv
}

// wantBound checks that the wallet's key is the resident's one active
// device, holding one credential per configuration.
func wantBound(t testing.TB, st store.Store, dev *ecdsa.PrivateKey) {
	t.Helper()
	jkt, err := kms.Thumbprint(&dev.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	bound, err := st.GetPerangkatAktif(ctx, siti)
	if err != nil || bound.JKT != jkt {
		t.Fatalf("active device %+v (%v), want the wallet's key %s", bound, err, jkt)
	}
	wantOneDevice(t, st, len(httpapi.ConfigurationIDs()))
}

// verifyAll presents every credential with the device key and has ikd's
// verifier check it against the trust list.
func verifyAll(t testing.TB, e *env, creds map[string]string, dev *ecdsa.PrivateKey) {
	t.Helper()
	tl := e.trust(t)
	now := time.Now()
	sd := presentSDJWT(t, creds, dev, "https://bank.example", "kb-nonce")
	res := verify.Verify(sd, verify.Options{Trust: tl, Now: now, Aud: "https://bank.example", Nonce: "kb-nonce", RequireKB: true})
	wantResult(t, "SD-JWT VC from the interop wallet", res, true, "")
	if res.Claims["nik"] != siti || res.Claims["nama"] != "SITI AMINAH" {
		t.Errorf("SD-JWT claims %v", res.Claims)
	}
	for _, p := range qrcred.Profiles {
		id := httpapi.ConfigQRPrefix + string(p)
		qr, err := qrcred.Present(mustB64(t, creds[id]), dev, now, []byte("qr-nonce"))
		if err != nil {
			t.Fatalf("%s: present: %v", id, err)
		}
		res := verify.Verify(qr, verify.Options{Trust: tl, Now: now, Nonce: "qr-nonce"})
		wantResult(t, id+" from the interop wallet", res, true, "")
		if res.Profile != string(p) {
			t.Errorf("%s: verified as profile %q", id, res.Profile)
		}
	}
}
