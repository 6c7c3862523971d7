package app

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ikd-project/ikd/internal/config"
	"github.com/ikd-project/ikd/internal/demo"
	"github.com/ikd-project/ikd/internal/ikdtest"
	"github.com/ikd-project/ikd/internal/kms"
	"github.com/ikd-project/ikd/internal/mail"
	"github.com/ikd-project/ikd/internal/store"
)

func TestNewDigitalID(t *testing.T) {
	ctx := context.Background()
	st := ikdtest.NewStore(t)
	cfg := config.Defaults()
	cfg.DataDir = t.TempDir()
	cfg.AuditKeyFile = filepath.Join(cfg.DataDir, "audit.key")
	cfg.PublicURL = "https://ikd.bengkuluprov.go.id"
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	auditLog, err := NewAuditLog(ctx, &cfg, st, logger)
	if err != nil {
		t.Fatal(err)
	}
	d, err := NewDigitalID(ctx, &cfg, st, auditLog, logger)
	if err != nil {
		t.Fatal(err)
	}
	if d.Issuer.IssuerURL != cfg.PublicURL || d.Aktivasi.IssuerURL != cfg.PublicURL ||
		d.Issuer.StatusURI("3") != "https://ikd.bengkuluprov.go.id/status/3" || d.Issuer.Validity != CredentialValidity ||
		d.Outbox.Dir != filepath.Join(cfg.DataDir, "outbox") || len(d.Aktivasi.CodeKey) != 32 {
		t.Errorf("wiring: %+v %+v", d.Issuer, d.Aktivasi)
	}
	if fi, err := os.Stat(filepath.Join(cfg.DataDir, "activation.key")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("activation key: %v %v", fi, err)
	}
	kid := d.Keys.Active().ID
	// A second start finds the same keys.
	d2, err := NewDigitalID(ctx, &cfg, st, auditLog, logger)
	if err != nil || d2.Keys.Active().ID != kid || !bytes.Equal(d2.Aktivasi.CodeKey, d.Aktivasi.CodeKey) {
		t.Errorf("second start: %v", err)
	}

	// Portraits: the stored one; else none, until this is a demo database.
	const siti, budi = "1771015708900001", "1771011708850001"
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	b := &store.Batch{Keluarga: []store.KartuKeluarga{{NoKK: "1771010101150001", KepalaNIK: siti, Alamat: "JL. A", RT: "001", RW: "001", DesaKode: "17.71.01.1001"}},
		Penduduk: []store.Penduduk{{NIK: siti, NoKK: "1771010101150001", Hubungan: store.KepalaKeluarga, Nama: "SITI AMINAH", TempatLahir: "BENGKULU",
			TanggalLahir: day(1990, 8, 17), JenisKelamin: store.Perempuan, GolonganDarah: "O", Agama: "ISLAM", StatusKawin: store.Kawin,
			Kewarganegaraan: "WNI", Alamat: "JL. A", RT: "001", RW: "001", DesaKode: "17.71.01.1001", StatusNIK: store.NIKAktif}}}
	if err := st.InTx(ctx, func(tx store.Tx) error { _, err := tx.LoadBatch(ctx, b); return err }); err != nil {
		t.Fatal(err)
	}
	if err := st.SetPortrait(ctx, siti, store.Portrait{ContentType: "image/png", Data: []byte("png")}); err != nil {
		t.Fatal(err)
	}
	if p, err := d.Issuer.Portrait(ctx, st, siti); err != nil || string(p) != "png" {
		t.Errorf("stored portrait: %q, %v", p, err)
	}
	if _, err := d.Issuer.Portrait(ctx, st, budi); err == nil {
		t.Error("a portrait for a resident without one outside the demo")
	}
	if err := st.SetMeta(ctx, demo.MetaComplete, "5 0.01"); err != nil {
		t.Fatal(err)
	}
	if p, err := d.Issuer.Portrait(ctx, st, budi); err != nil || !bytes.Equal(p, demo.Portrait(5, budi, store.LakiLaki)) {
		t.Errorf("demo portrait: %v", err)
	}

	// Encrypted keys with a passphrase file.
	cfg2 := cfg
	cfg2.DataDir = t.TempDir()
	cfg2.KeyPassphraseFile = filepath.Join(cfg2.DataDir, "pass")
	os.WriteFile(cfg2.KeyPassphraseFile, []byte("rahasia sekali\n"), 0o600)
	if _, err := NewDigitalID(ctx, &cfg2, st, auditLog, logger); err != nil {
		t.Fatal(err)
	}
	if _, err := kms.OpenFileStore(filepath.Join(cfg2.DataDir, "keys"), nil, nil); err == nil {
		t.Error("the keys opened without the passphrase")
	}
	cfg2.PublicURL = "ikd.example"
	if _, err := NewDigitalID(ctx, &cfg2, st, auditLog, logger); err == nil {
		t.Error("an invalid public URL was accepted")
	}
}

// TestMailerChoice: the outbox without IKD_SMTP_ADDR, SMTP with it, and the
// password from its file.
func TestMailerChoice(t *testing.T) {
	out := &mail.Outbox{}
	cfg := config.Defaults()
	m, err := newMailer(&cfg, out)
	if err != nil || m != out {
		t.Fatalf("without SMTP: %T, %v", m, err)
	}
	pw := filepath.Join(t.TempDir(), "pw")
	os.WriteFile(pw, []byte("rahasia\n"), 0o600)
	cfg.SMTPAddr, cfg.SMTPUser, cfg.SMTPPasswordFile = "smtp.example:587", "ikd", pw
	m, err = newMailer(&cfg, out)
	s, ok := m.(*mail.SMTP)
	if err != nil || !ok || s.Addr != "smtp.example:587" || s.Username != "ikd" || s.Password != "rahasia" {
		t.Fatalf("with SMTP: %#v, %v", m, err)
	}
	cfg.SMTPPasswordFile = filepath.Join(t.TempDir(), "missing")
	if _, err := newMailer(&cfg, out); err == nil {
		t.Error("missing password file accepted")
	}
}
