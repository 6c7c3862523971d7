package aktivasi_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/ikd-project/ikd/internal/aktivasi"
	"github.com/ikd-project/ikd/internal/audit"
	"github.com/ikd-project/ikd/internal/errs"
	"github.com/ikd-project/ikd/internal/ikdtest"
	"github.com/ikd-project/ikd/internal/issuance"
	"github.com/ikd-project/ikd/internal/kantor"
	"github.com/ikd-project/ikd/internal/mail"
	"github.com/ikd-project/ikd/internal/store"
)

const (
	issuerURL = "https://ikd.bengkuluprov.go.id"
	siti      = "1771015708900001"
)

var ctx = context.Background()

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// recorder stands in for the issuance and revocation services, which have
// their own tests: it records what activation asked of them, and refuses
// a configuration a device was issued before, as issuance does.
type recorder struct {
	mu      sync.Mutex
	issued  []store.Perangkat
	configs map[int64][]string // configurations issued, by device
	revoked []store.Perangkat
}

func (r *recorder) IssueFor(_ context.Context, _ store.Tx, p store.Penduduk, dev store.Perangkat, key *ecdsa.PublicKey, _ store.Aktivasi, configs []string) ([]aktivasi.Issued, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []aktivasi.Issued
	for _, c := range configs {
		if slices.Contains(r.configs[dev.ID], c) {
			return nil, issuance.ErrAlreadyIssued
		}
		out = append(out, aktivasi.Issued{ConfigurationID: c, Credential: c + " for " + p.NIK[:4]})
	}
	if r.configs == nil {
		r.configs = map[int64][]string{}
	}
	r.configs[dev.ID] = append(r.configs[dev.ID], configs...)
	r.issued = append(r.issued, dev)
	return out, nil
}

func (r *recorder) ReleaseDevice(ctx context.Context, tx store.Tx, nik, _, _ string) error {
	dev, err := tx.GetPerangkatAktif(ctx, nik)
	if err != nil {
		return err
	}
	r.mu.Lock()
	r.revoked = append(r.revoked, dev)
	r.mu.Unlock()
	return tx.ReleasePerangkat(ctx, dev.ID, time.Now())
}

type fixture struct {
	svc    *aktivasi.Service
	clock  *ikdtest.Clock
	outbox string
	rec    *recorder
	st     store.Store
}

func setup(t *testing.T, st store.Store) *fixture {
	t.Helper()
	clock := ikdtest.NewClock(time.Date(2026, 11, 23, 2, 0, 0, 0, time.UTC))
	if _, err := kantor.Seed(ctx, st); err != nil {
		t.Fatal(err)
	}
	b := &store.Batch{Keluarga: []store.KartuKeluarga{{NoKK: "1771010101150001", KepalaNIK: siti, Alamat: "JL. A", RT: "001", RW: "001", DesaKode: "17.71.01.1001"}}}
	for i, nik := range []string{siti, "1771011708850001", "1771011708860001", "1771011708870001"} {
		p := store.Penduduk{NIK: nik, NoKK: "1771010101150001", Hubungan: store.KepalaKeluarga, Nama: "SITI AMINAH", TempatLahir: "BENGKULU",
			TanggalLahir: day(1990, 8, 17), JenisKelamin: store.Perempuan, GolonganDarah: "O", Agama: "ISLAM", StatusKawin: store.Kawin,
			Kewarganegaraan: "WNI", Alamat: "JL. A", RT: "001", RW: "001", DesaKode: "17.71.01.1001", Email: "siti@example.id",
			StatusNIK: store.NIKAktif, TanggalPerekaman: day(2012, 5, 2)}
		switch i {
		case 1:
			p.TanggalPerekaman = time.Time{} // not recorded
		case 2:
			p.Email = "" // no e-mail
		case 3:
			p.StatusNIK = store.NIKNonaktif
		}
		b.Penduduk = append(b.Penduduk, p)
	}
	if err := st.InTx(ctx, func(tx store.Tx) error { _, err := tx.LoadBatch(ctx, b); return err }); err != nil {
		t.Fatal(err)
	}
	log, err := audit.New([]byte(strings.Repeat("a", 32)), clock.Now, nil)
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{clock: clock, outbox: t.TempDir(), rec: &recorder{}, st: st}
	f.svc = &aktivasi.Service{Store: st, Audit: log, Mailer: &mail.Outbox{Dir: f.outbox, Now: clock.Now}, Issuer: f.rec,
		Releaser: f.rec, IssuerURL: issuerURL, CodeKey: []byte(strings.Repeat("c", 32)), Now: clock.Now}
	return f
}

var codeRE = regexp.MustCompile(`Kode aktivasi KTP digital \(IKD\) Anda: (\d{6})`)

// lastCode reads the newest activation code from the outbox.
func (f *fixture) lastCode(t *testing.T) string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(f.outbox, "*.eml"))
	if len(files) == 0 {
		t.Fatal("no mail in the outbox")
	}
	b, err := os.ReadFile(files[len(files)-1])
	if err != nil {
		t.Fatal(err)
	}
	m := codeRE.FindSubmatch(b)
	if m == nil {
		t.Fatalf("no code in the mail:\n%s", b)
	}
	return string(m[1])
}

func (f *fixture) offer(t *testing.T) aktivasi.Offer {
	t.Helper()
	o, err := f.svc.Offer(ctx, aktivasi.OfferRequest{NIK: siti, Petugas: "petugas1", Kantor: "DISDUKCAPIL-17.71"})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func wantErr(t *testing.T, what string, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("%s: got %v, want %v", what, err, want)
	}
}

func TestOfferRules(t *testing.T) {
	ikdtest.ForEachBackend(t, func(t *testing.T, st store.Store) {
		f := setup(t, st)
		o := f.offer(t)
		code := f.lastCode(t)
		if o.EmailMask != "s***@example.id" || strings.Contains(o.Code+o.ID, code) || !o.ExpiresAt.Equal(f.clock.Now().Add(10*time.Minute)) {
			t.Errorf("offer %+v (the officer must never see the code %s)", o, code)
		}
		info, _ := os.ReadDir(f.outbox)
		if fi, _ := info[0].Info(); fi.Mode().Perm() != 0o600 {
			t.Errorf("outbox mail mode %v, want 0600", fi.Mode().Perm())
		}
		for nik, want := range map[string]string{
			"1771011708850001": "KTP-el belum direkam", "1771011708860001": "belum punya alamat e-mail",
			"1771011708870001": "NIK berstatus NONAKTIF", "1771011708880001": "tidak ditemukan", "12345": "NIK harus 16 digit",
		} {
			_, err := f.svc.Offer(ctx, aktivasi.OfferRequest{NIK: nik, Petugas: "petugas1", Kantor: "DISDUKCAPIL-17.71"})
			if msg := errs.Message(err, "id", ""); !strings.Contains(msg, want) {
				t.Errorf("offer for %s: %v, want %q", nik[:min(4, len(nik))], err, want)
			}
		}
		// The offer is audited, and so is the attempt on an unknown NIK
		// (refused like a resident of another area).
		events, err := st.ListAudit(ctx, 0, 10)
		if err != nil || len(events) != 2 || events[0].Action != "aktivasi.tawarkan" || events[0].Actor != "petugas1" ||
			events[1].Action != aktivasi.ActionRefused || !strings.Contains(events[1].Detail, "nik_tidak_dikenal") {
			t.Errorf("audit events: %+v, %v", events, err)
		}
	})
}

func TestWrongCodesKillTheOffer(t *testing.T) {
	ikdtest.ForEachBackend(t, func(t *testing.T, st store.Store) {
		f := setup(t, st)
		o := f.offer(t)
		code := f.lastCode(t)
		wrong := "000000"
		if code == wrong {
			wrong = "111111"
		}
		for i := 1; i < aktivasi.MaxAttempts; i++ {
			_, err := f.svc.Redeem(ctx, o.Code, wrong)
			wantErr(t, "wrong code", err, aktivasi.ErrWrongTxCode)
		}
		_, err := f.svc.Redeem(ctx, o.Code, wrong)
		wantErr(t, "fifth wrong code", err, aktivasi.ErrOfferDead)
		_, err = f.svc.Redeem(ctx, o.Code, code)
		wantErr(t, "right code after the offer died", err, aktivasi.ErrInvalidGrant)
		_, err = f.svc.Redeem(ctx, "not-a-code", code)
		wantErr(t, "unknown pre-authorized code", err, aktivasi.ErrInvalidGrant)
	})
}

func TestOfferExpires(t *testing.T) {
	ikdtest.ForEachBackend(t, func(t *testing.T, st store.Store) {
		f := setup(t, st)
		o := f.offer(t)
		f.clock.Advance(aktivasi.OfferTTL)
		_, err := f.svc.Redeem(ctx, o.Code, f.lastCode(t))
		wantErr(t, "redeem at expiry", err, aktivasi.ErrInvalidGrant)
	})
}

// TestConcurrentRedemption redeems one offer 1,000 times at once with the
// right code: exactly one gets a token.
func TestConcurrentRedemption(t *testing.T) {
	ikdtest.ForEachBackend(t, func(t *testing.T, st store.Store) {
		f := setup(t, st)
		o := f.offer(t)
		code := f.lastCode(t)
		const n = 1000
		var wg sync.WaitGroup
		var mu sync.Mutex
		ok, refused := 0, 0
		sem := make(chan struct{}, 64)
		for i := 0; i < n; i++ {
			wg.Go(func() {
				sem <- struct{}{}
				defer func() { <-sem }()
				_, err := f.svc.Redeem(ctx, o.Code, code)
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					ok++
				case errors.Is(err, aktivasi.ErrInvalidGrant):
					refused++
				default:
					t.Errorf("redeem: %v", err)
				}
			})
		}
		wg.Wait()
		if ok != 1 || refused != n-1 {
			t.Errorf("%d redemptions succeeded and %d were refused, want 1 and %d", ok, refused, n-1)
		}
	})
}

type device struct{ key *ecdsa.PrivateKey }

func newDevice(t *testing.T) device {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return device{k}
}

// proof signs a key proof JWT; signer, when not nil, signs instead of the
// device (while the header still carries the device's key).
func (d device) proof(t *testing.T, aud, nonce string, iat time.Time, signer *ecdsa.PrivateKey) string {
	t.Helper()
	key := d.key
	if signer != nil {
		key = signer
	}
	opts := (&jose.SignerOptions{ExtraHeaders: map[jose.HeaderKey]any{"jwk": jose.JSONWebKey{Key: &d.key.PublicKey}}}).WithType(aktivasi.ProofType)
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.ES256, Key: key}, opts)
	if err != nil {
		t.Fatal(err)
	}
	payload := `{"aud":"` + aud + `","iat":` + itoa(iat.Unix()) + `,"nonce":"` + nonce + `"}`
	jws, err := s.Sign([]byte(payload))
	if err != nil {
		t.Fatal(err)
	}
	out, err := jws.CompactSerialize()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func (f *fixture) activate(t *testing.T, d device) {
	t.Helper()
	o := f.offer(t)
	tok, err := f.svc.Redeem(ctx, o.Code, f.lastCode(t))
	if err != nil {
		t.Fatal(err)
	}
	nonce, err := f.svc.Nonce(ctx)
	if err != nil {
		t.Fatal(err)
	}
	creds, err := f.svc.Credential(ctx, tok.AccessToken, d.proof(t, issuerURL, nonce, f.clock.Now(), nil))
	if err != nil || len(creds) != len(aktivasi.ConfigurationIDs()) {
		t.Fatalf("credential: %v, %v", creds, err)
	}
}

func TestCredentialAndDeviceBinding(t *testing.T) {
	ikdtest.ForEachBackend(t, func(t *testing.T, st store.Store) {
		f := setup(t, st)
		phone := newDevice(t)
		f.activate(t, phone)
		dev, err := st.GetPerangkatAktif(ctx, siti)
		if err != nil || len(f.rec.issued) != 1 || f.rec.issued[0].ID != dev.ID {
			t.Fatalf("after activation: device %+v (%v), issued for %+v", dev, err, f.rec.issued)
		}
		// A second activation on a new phone releases the first and revokes
		// its credentials.
		f.clock.Advance(time.Hour)
		f.activate(t, newDevice(t))
		dev2, err := st.GetPerangkatAktif(ctx, siti)
		if err != nil || dev2.ID == dev.ID || len(f.rec.revoked) != 1 || f.rec.revoked[0].ID != dev.ID {
			t.Errorf("after the second activation: active %+v, revoked %+v", dev2, f.rec.revoked)
		}
	})
}

func TestCredentialRefusals(t *testing.T) {
	ikdtest.ForEachBackend(t, func(t *testing.T, st store.Store) {
		f := setup(t, st)
		phone, thief := newDevice(t), newDevice(t)
		o := f.offer(t)
		tok, err := f.svc.Redeem(ctx, o.Code, f.lastCode(t))
		if err != nil {
			t.Fatal(err)
		}
		now := f.clock.Now()
		nonce, _ := f.svc.Nonce(ctx)
		for name, proof := range map[string]string{
			"wrong aud":             phone.proof(t, "https://evil.example", nonce, now, nil),
			"stale iat":             phone.proof(t, issuerURL, nonce, now.Add(-10*time.Minute), nil),
			"iat in the future":     phone.proof(t, issuerURL, nonce, now.Add(5*time.Minute), nil),
			"signed by another key": phone.proof(t, issuerURL, nonce, now, thief.key),
			"not a JWS":             "eyJhbGciOi.x.y",
			"nonce missing":         phone.proof(t, issuerURL, "", now, nil),
		} {
			_, err := f.svc.Credential(ctx, tok.AccessToken, proof)
			if !errors.Is(err, errs.Invalid) {
				t.Errorf("%s: %v, want an invalid proof", name, err)
			}
		}
		_, err = f.svc.Credential(ctx, tok.AccessToken, phone.proof(t, issuerURL, "never-issued", now, nil))
		wantErr(t, "unknown nonce", err, aktivasi.ErrInvalidNonce)
		_, err = f.svc.Credential(ctx, "wrong-token", phone.proof(t, issuerURL, nonce, now, nil))
		wantErr(t, "wrong access token", err, aktivasi.ErrInvalidToken)
		// The failed call above consumed nothing: the nonce rolled back with it.
		if _, err := f.svc.Credential(ctx, tok.AccessToken, phone.proof(t, issuerURL, nonce, now, nil)); err != nil {
			t.Fatalf("valid request: %v", err)
		}
		_, err = f.svc.Credential(ctx, tok.AccessToken, phone.proof(t, issuerURL, nonce, now, nil))
		wantErr(t, "replayed nonce", err, aktivasi.ErrInvalidNonce)
		fresh, _ := f.svc.Nonce(ctx)
		_, err = f.svc.Credential(ctx, tok.AccessToken, phone.proof(t, issuerURL, fresh, now, nil))
		wantErr(t, "configurations asked for twice", err, issuance.ErrAlreadyIssued)
		fresh, _ = f.svc.Nonce(ctx)
		_, err = f.svc.CredentialFor(ctx, tok.AccessToken, "ktp_lain", phone.proof(t, issuerURL, fresh, now, nil))
		wantErr(t, "unknown configuration", err, aktivasi.ErrUnknownConfiguration)
	})
}

// request asks for one configuration with a fresh nonce and d's proof.
func (f *fixture) request(t *testing.T, tok aktivasi.Token, config string, d device) (aktivasi.Issued, error) {
	t.Helper()
	nonce, err := f.svc.Nonce(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return f.svc.CredentialFor(ctx, tok.AccessToken, config, d.proof(t, issuerURL, nonce, f.clock.Now(), nil))
}

// TestCredentialPerConfiguration follows OpenID4VCI 1.0 §8: one request
// per configuration, each answered with that configuration only, by the
// one device the first request bound; each configuration once; the token
// good for every configuration until it expires or its device is released.
func TestCredentialPerConfiguration(t *testing.T) {
	ikdtest.ForEachBackend(t, func(t *testing.T, st store.Store) {
		f := setup(t, st)
		phone, other := newDevice(t), newDevice(t)
		o := f.offer(t)
		tok, err := f.svc.Redeem(ctx, o.Code, f.lastCode(t))
		if err != nil {
			t.Fatal(err)
		}
		configs := aktivasi.ConfigurationIDs()
		for i, c := range configs {
			got, err := f.request(t, tok, c, phone)
			if err != nil || got.ConfigurationID != c {
				t.Fatalf("request %d for %s: %+v, %v", i, c, got, err)
			}
			// Another key is refused as invalid_proof, the same
			// configuration again as already issued.
			_, err = f.request(t, tok, configs[len(configs)-1-i], other)
			wantErr(t, "another device", err, aktivasi.ErrWrongDevice)
			wantErr(t, "another device is an invalid proof", err, aktivasi.ErrInvalidProof)
			_, err = f.request(t, tok, c, phone)
			wantErr(t, "a configuration twice", err, issuance.ErrAlreadyIssued)
			f.clock.Advance(time.Minute)
		}
		dev, err := st.GetPerangkatAktif(ctx, siti)
		if err != nil || len(f.rec.issued) != len(configs) || f.rec.configs[dev.ID] == nil || len(f.rec.revoked) != 0 {
			t.Fatalf("device %+v (%v), issued %d times, revoked %v", dev, err, len(f.rec.issued), f.rec.revoked)
		}
		// Every refusal was audited under the activation.
		if n := countAudit(t, st, aktivasi.ActionCredentialRefused); n != 2*len(configs) {
			t.Errorf("%d refused credential requests audited, want %d", n, 2*len(configs))
		}

		// A token past its TTL is refused.
		o = f.offer(t)
		late, err := f.svc.Redeem(ctx, o.Code, f.lastCode(t))
		if err != nil {
			t.Fatal(err)
		}
		f.clock.Advance(aktivasi.TokenTTL)
		_, err = f.request(t, late, configs[0], phone)
		wantErr(t, "expired token", err, aktivasi.ErrInvalidToken)

		// A newer activation releases the device: the older token is over.
		o = f.offer(t)
		first, err := f.svc.Redeem(ctx, o.Code, f.lastCode(t))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.request(t, first, configs[0], phone); err != nil {
			t.Fatal(err)
		}
		f.clock.Advance(time.Second) // the outbox names mails by the second
		f.activate(t, other)
		_, err = f.request(t, first, configs[1], phone)
		wantErr(t, "token of a released device", err, aktivasi.ErrInvalidToken)
	})
}

// countAudit counts the audit events with action.
func countAudit(t *testing.T, st store.Store, action string) int {
	t.Helper()
	evs, err := st.ListAudit(ctx, 0, 10000)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, ev := range evs {
		if ev.Action == action {
			n++
		}
	}
	return n
}

// leakyMailer fails as an SMTP server might, quoting the recipient.
type leakyMailer struct{}

func (leakyMailer) SendActivationCode(context.Context, aktivasi.CodeMail) error { return nil }
func (leakyMailer) SendEmailChanged(_ context.Context, m aktivasi.ChangeMail) error {
	return fmt.Errorf("550 <%s> for %s: mailbox unavailable (new %s)", m.To, m.Nama, m.NewMask)
}

// TestNotifyEmailChangedFailure: a notice that cannot be sent is
// ErrNoticeFailed, and its error names neither address nor the name.
func TestNotifyEmailChangedFailure(t *testing.T) {
	svc := &aktivasi.Service{Mailer: leakyMailer{}, Now: time.Now}
	err := svc.NotifyEmailChanged(context.Background(), "SITI AMINAH", "siti@example.id", "rogue@evil.example", "Mal Pelayanan Publik Kota Bengkulu")
	if !errors.Is(err, aktivasi.ErrNoticeFailed) {
		t.Fatalf("err %v, want ErrNoticeFailed", err)
	}
	for _, secret := range []string{"siti@example.id", "siti", "rogue@evil.example", "rogue", "SITI AMINAH"} {
		if strings.Contains(err.Error(), secret) {
			t.Errorf("the error shows %q: %v", secret, err)
		}
	}
}
