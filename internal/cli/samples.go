package cli

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/ikd-project/ikd/internal/aktivasi"
	"github.com/ikd-project/ikd/internal/app"
	"github.com/ikd-project/ikd/internal/httpapi"
	"github.com/ikd-project/ikd/internal/kredensial/qrcred"
	"github.com/ikd-project/ikd/internal/kredensial/qrcred/qrimage"
	"github.com/ikd-project/ikd/internal/lembaga"
	"github.com/ikd-project/ikd/internal/penduduk"
	"github.com/ikd-project/ikd/internal/store"
	"github.com/ikd-project/ikd/internal/wilayah"
)

// codeMailer plays the demo resident's inbox: it keeps the activation code
// so the sample activation can go on, and still writes the mail to the
// outbox.
type codeMailer struct {
	code string
	next aktivasi.Mailer
}

func (m *codeMailer) SendActivationCode(ctx context.Context, c aktivasi.CodeMail) error {
	m.code = c.Code
	return m.next.SendActivationCode(ctx, c)
}

// SendEmailChanged writes the notice to the outbox.
func (m *codeMailer) SendEmailChanged(ctx context.Context, c aktivasi.ChangeMail) error {
	return m.next.SendEmailChanged(ctx, c)
}

// sample is one activated demo resident: the QR credential and the phone's key.
type sample struct {
	nik    string
	dasar  []byte
	device *ecdsa.PrivateKey
}

// writeSamples activates two demo residents through the real flow (offer,
// e-mailed code, token, nonce, device proof, credentials), revokes the
// second, and writes into DATA-DIR/samples the trust list and three QR
// images: valid (signed now, so it stays valid for 90 seconds), expired
// (signed 10 minutes ago) and revoked, with the ID of the key that signs
// the trust list to pin (trust-pin.txt) and a README.txt.
func writeSamples(ctx context.Context, env *Env, st store.Store, dig *app.DigitalID, api *httpapi.API, dir string) error {
	residents, err := eligibleResidents(ctx, st, 2)
	if err != nil {
		return err
	}
	svc := *dig.Aktivasi
	mailer := &codeMailer{next: dig.Outbox}
	svc.Mailer = mailer
	var got []sample
	for _, p := range residents {
		s, err := activateSample(ctx, &svc, mailer, p)
		if err != nil {
			return fmt.Errorf("sample activation: %w", err)
		}
		got = append(got, s)
	}
	if err := st.InTx(ctx, func(tx store.Tx) error {
		_, err := dig.Issuer.Revoke(ctx, tx, got[1].nik, "contoh kredensial yang dicabut")
		return err
	}); err != nil {
		return err
	}
	now := time.Now()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	for _, out := range []struct {
		name string
		s    sample
		at   time.Time
	}{{"valid", got[0], now}, {"expired", got[0], now.Add(-10 * time.Minute)}, {"revoked", got[1], now}} {
		text, err := qrcred.Present(out.s.dasar, out.s.device, out.at, nil)
		if err != nil {
			return err
		}
		png, err := qrimage.QRPNG(text, 4)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, out.name+".png"), png, 0o600); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, out.name+".txt"), []byte(text+"\n"), 0o600); err != nil {
			return err
		}
	}
	jws, err := api.SignTrustList(ctx)
	if err != nil {
		return err
	}
	trust := filepath.Join(dir, "trust-list.jwt")
	if err := os.WriteFile(trust, []byte(jws), 0o600); err != nil {
		return err
	}
	pin := filepath.Join(dir, "trust-pin.txt")
	if err := os.WriteFile(pin, []byte(dig.Keys.Active().ID+"\n"), 0o600); err != nil {
		return err
	}
	keyFile, err := demoInstitution(ctx, st, dig, dir)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "README.txt"), []byte(samplesReadme), 0o600); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "contoh QR / sample QR codes in %s (valid.png stays valid for 90 s; see README.txt there):\n  ikd verify --trust %s --pin $(cat %s) %s\n",
		dir, trust, pin, filepath.Join(dir, "valid.png"))
	fmt.Fprintf(env.Stdout, "kunci API lembaga demo / demo institution API key: %s (POST /api/v1/verifications)\n", keyFile)
	return nil
}

// samplesReadme describes the files of DATA-DIR/samples.
const samplesReadme = `Contoh KTP digital / digital ID samples (ikd demo --samples)

valid.png, valid.txt      QR of an activated demo resident, signed when the command ran:
                          VALID for 90 seconds, then stale_presentation
expired.png, expired.txt  the same resident's QR signed 10 minutes earlier: stale_presentation
revoked.png, revoked.txt  QR of a resident whose digital ID was revoked: revoked for 90
                          seconds, then stale_presentation (a verifier checks a QR's age first)
trust-list.jwt            the signed trust list (issuer keys and status lists) an offline verifier uses
trust-pin.txt             the ID of the province's key that signs the trust list: pin it, so a
                          trust list signed by anyone else is refused
api-key.txt               API key of a demo institution for POST /api/v1/verifications

Verify, pinning the province's key (as ikd keys list prints it):

  ikd verify --trust data/samples/trust-list.jwt --pin $(cat data/samples/trust-pin.txt) data/samples/valid.png

IKD_TRUST_PIN=KID[,KID...] does the same as --pin.
`

// demoBank is the name of the demo institution.
const demoBank = "Bank Demo Bengkulu"

// demoInstitution registers a demo bank allowed the basic identity fields
// and writes its API key (shown nowhere else) to DIR/api-key.txt.
func demoInstitution(ctx context.Context, st store.Store, dig *app.DigitalID, dir string) (string, error) {
	svc := &lembaga.Service{Store: st, Audit: dig.Aktivasi.Audit, Actor: "system:demo"}
	// A new run replaces the demo bank of an earlier one (whose key was in
	// the api-key.txt this run overwrites).
	all, err := st.ListLembaga(ctx)
	if err != nil {
		return "", err
	}
	for _, l := range all {
		if l.Nama == demoBank && l.State == store.LembagaAktif {
			if err := svc.Revoke(ctx, l.ID); err != nil {
				return "", err
			}
		}
	}
	_, key, err := svc.Register(ctx, demoBank, "verifikasi identitas nasabah untuk pembukaan rekening (demo)",
		[]string{"nama", "nik", "tanggal_lahir", "jenis_kelamin", "age_over_17"}, 60)
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, "api-key.txt")
	return path, os.WriteFile(path, []byte(key+"\n"), 0o600)
}

// eligibleResidents returns the first n residents who may activate: active
// NIK, recorded e-KTP, an e-mail address.
func eligibleResidents(ctx context.Context, st store.Store, n int) ([]store.Penduduk, error) {
	var out []store.Penduduk
	after := ""
	for len(out) < n {
		page, err := st.ListPenduduk(ctx, store.PendudukFilter{AfterNIK: after, Limit: 500})
		if err != nil {
			return nil, err
		}
		if len(page) == 0 {
			return nil, errors.New("no resident can be activated: create the demo province first (ikd demo)")
		}
		for _, p := range page {
			if p.StatusNIK == store.NIKAktif && penduduk.Terekam(&p) && p.Email != "" && len(out) < n {
				out = append(out, p)
			}
		}
		after = page[len(page)-1].NIK
	}
	return out, nil
}

// activateSample runs one activation as a wallet would and returns the
// dasar QR credential with the device key.
func activateSample(ctx context.Context, svc *aktivasi.Service, mailer *codeMailer, p store.Penduduk) (sample, error) {
	kantor := "DISDUKCAPIL-" + wilayah.Ancestor(p.DesaKode, wilayah.KabKota)
	offer, err := svc.Offer(ctx, aktivasi.OfferRequest{NIK: p.NIK, Petugas: "demo", Kantor: kantor})
	if err != nil {
		return sample{}, err
	}
	tok, err := svc.Redeem(ctx, offer.Code, mailer.code)
	if err != nil {
		return sample{}, err
	}
	nonce, err := svc.Nonce(ctx)
	if err != nil {
		return sample{}, err
	}
	device, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return sample{}, err
	}
	proof, err := proofJWT(device, svc.IssuerURL, nonce, svc.Now())
	if err != nil {
		return sample{}, err
	}
	creds, err := svc.Credential(ctx, tok.AccessToken, proof)
	if err != nil {
		return sample{}, err
	}
	for _, c := range creds {
		if c.ConfigurationID == aktivasi.ConfigQRPrefix+"dasar" {
			cwt, err := base64.RawURLEncoding.DecodeString(c.Credential)
			return sample{nik: p.NIK, dasar: cwt, device: device}, err
		}
	}
	return sample{}, errors.New("no dasar QR credential was issued")
}

// proofJWT signs an OpenID4VCI key proof with the device key, as the
// wallet does.
func proofJWT(device *ecdsa.PrivateKey, aud, nonce string, at time.Time) (string, error) {
	opts := (&jose.SignerOptions{ExtraHeaders: map[jose.HeaderKey]any{"jwk": jose.JSONWebKey{Key: &device.PublicKey}}}).
		WithType(aktivasi.ProofType)
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.ES256, Key: device}, opts)
	if err != nil {
		return "", err
	}
	payload := `{"aud":"` + aud + `","iat":` + strconv.FormatInt(at.Unix(), 10) + `,"nonce":"` + nonce + `"}`
	jws, err := s.Sign([]byte(payload))
	if err != nil {
		return "", err
	}
	return jws.CompactSerialize()
}
