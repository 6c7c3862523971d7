// Package testwallet is a small OpenID4VCI wallet for tests: it redeems a
// credential offer (pre-authorized code with the e-mailed tx_code) over
// real HTTP, with a fresh P-256 device key and a key proof JWT, as a
// resident's wallet would.
package testwallet

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// Wallet is a device with its key.
type Wallet struct {
	Key    *ecdsa.PrivateKey
	Client *http.Client
}

// New returns a wallet with a fresh device key.
func New(c *http.Client) (*Wallet, error) {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	return &Wallet{Key: k, Client: c}, nil
}

// Redeem runs the wallet's side of an activation: fetch the offer the
// openid-credential-offer:// URI points to, trade the pre-authorized code
// and txCode for an access token, then request config's credential and
// after it every other configuration of the offer, one OpenID4VCI 1.0
// credential request each, with a fresh nonce and a key proof by the one
// device key. It returns the credentials by configuration.
func (w *Wallet) Redeem(offerURI, txCode, config string) (map[string]string, error) {
	u, err := url.Parse(offerURI)
	if err != nil || u.Scheme != "openid-credential-offer" {
		return nil, fmt.Errorf("offer URI %q: %v", offerURI, err)
	}
	var offer struct {
		Issuer  string   `json:"credential_issuer"`
		Configs []string `json:"credential_configuration_ids"`
		Grants  map[string]struct {
			Code string `json:"pre-authorized_code"`
		} `json:"grants"`
	}
	if err := w.do("GET", u.Query().Get("credential_offer_uri"), "", "", "", &offer); err != nil {
		return nil, fmt.Errorf("offer: %w", err)
	}
	code := offer.Grants["urn:ietf:params:oauth:grant-type:pre-authorized_code"].Code
	form := url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:pre-authorized_code"},
		"pre-authorized_code": {code}, "tx_code": {txCode}}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := w.do("POST", offer.Issuer+"/oid4vci/token", "application/x-www-form-urlencoded", form.Encode(), "", &tok); err != nil {
		return nil, fmt.Errorf("token: %w", err)
	}
	out := map[string]string{}
	for _, c := range append([]string{config}, offer.Configs...) {
		if _, done := out[c]; done {
			continue
		}
		cred, err := w.Request(offer.Issuer, tok.AccessToken, c)
		if err != nil {
			return nil, err
		}
		out[c] = cred
	}
	return out, nil
}

// Request sends one credential request for config to the issuer with the
// access token: a fresh nonce from the nonce endpoint, a key proof over it,
// and the one credential of the answer.
func (w *Wallet) Request(issuer, accessToken, config string) (string, error) {
	var nonce struct {
		CNonce string `json:"c_nonce"`
	}
	if err := w.do("POST", issuer+"/oid4vci/nonce", "", "", "", &nonce); err != nil {
		return "", fmt.Errorf("nonce: %w", err)
	}
	proof, err := w.proof(issuer, nonce.CNonce)
	if err != nil {
		return "", fmt.Errorf("proof: %w", err)
	}
	body, _ := json.Marshal(map[string]any{"credential_configuration_id": config, "proofs": map[string]any{"jwt": []string{proof}}})
	var res struct {
		Credentials []struct {
			Credential string `json:"credential"`
		} `json:"credentials"`
	}
	if err := w.do("POST", issuer+"/oid4vci/credential", "application/json", string(body), "Bearer "+accessToken, &res); err != nil {
		return "", fmt.Errorf("credential %s: %w", config, err)
	}
	if len(res.Credentials) != 1 || res.Credentials[0].Credential == "" {
		return "", fmt.Errorf("credential %s: %d credentials in the answer, want 1", config, len(res.Credentials))
	}
	return res.Credentials[0].Credential, nil
}

// proof is the key proof JWT over the nonce (OpenID4VCI §8.2.1.1).
func (w *Wallet) proof(aud, nonce string) (string, error) {
	opts := (&jose.SignerOptions{ExtraHeaders: map[jose.HeaderKey]any{"jwk": jose.JSONWebKey{Key: &w.Key.PublicKey}}}).
		WithType("openid4vci-proof+jwt")
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.ES256, Key: w.Key}, opts)
	if err != nil {
		return "", err
	}
	payload, _ := json.Marshal(map[string]any{"aud": aud, "iat": time.Now().Unix(), "nonce": nonce})
	jws, err := s.Sign(payload)
	if err != nil {
		return "", err
	}
	return jws.CompactSerialize()
}

// do sends a request and decodes a 200 answer's JSON into out.
func (w *Wallet) do(method, u, contentType, body, auth string, out any) error {
	req, err := http.NewRequest(method, u, strings.NewReader(body))
	if err != nil {
		return err
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	res, err := w.Client.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("%s %s: %d %s", method, u, res.StatusCode, b)
	}
	return json.Unmarshal(b, out)
}

var codeRE = regexp.MustCompile(`Kode aktivasi KTP digital \(IKD\) Anda: (\d{6})`)

// MailedCode returns the activation code of the newest activation mail in
// an outbox directory (other mail, such as the notice of a changed
// address, is passed over): what the resident reads in their e-mail.
func MailedCode(outbox string) (string, error) {
	files, err := filepath.Glob(filepath.Join(outbox, "*.eml"))
	if err != nil || len(files) == 0 {
		return "", fmt.Errorf("no mail in %s", outbox)
	}
	var code string
	var at time.Time
	for _, f := range files {
		fi, err := os.Stat(f)
		if err != nil || fi.ModTime().Before(at) {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			return "", err
		}
		if m := codeRE.FindSubmatch(b); m != nil { // not another mail, such as a notice
			code, at = string(m[1]), fi.ModTime()
		}
	}
	if code == "" {
		return "", fmt.Errorf("no activation code in %s", outbox)
	}
	return code, nil
}
