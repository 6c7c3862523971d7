package app

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"log/slog"
	"math"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/ikd-project/ikd/internal/aktivasi"
	"github.com/ikd-project/ikd/internal/audit"
	"github.com/ikd-project/ikd/internal/config"
	"github.com/ikd-project/ikd/internal/penduduk"
	"github.com/ikd-project/ikd/internal/store"
	"github.com/ikd-project/ikd/internal/wilayah"
)

// HistoryMeta marks a demo province whose activation history is complete.
const HistoryMeta = "demo.history"

// HistoryStart is when the demo's activation history begins.
var HistoryStart = time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC)

// historyShare is the share of the residents who can activate (active NIK,
// recorded e-KTP, e-mail) that the demo activates: "a few percent".
const historyShare = 0.02

// clock is a settable clock, safe for concurrent use.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }

// inbox is the demo residents' e-mail: it keeps the last activation code.
type inbox struct{ code string }

func (i *inbox) SendActivationCode(_ context.Context, m aktivasi.CodeMail) error {
	i.code = m.Code
	return nil
}

// SendEmailChanged drops the notice: the history changes no address.
func (i *inbox) SendEmailChanged(context.Context, aktivasi.ChangeMail) error { return nil }

// pick is one activation of the history.
type pick struct {
	nik, kantor string
	petugas     string // the officer who activates
	at          time.Time
}

// DemoHistory gives the demo province its history of activations: about 2%
// of the residents who can activate, from January 2022 to asOf, more in
// later months as uptake grew, at their kab/kota's Dinas (most), their
// kecamatan's office or the MPP. Each runs through the real activation
// service at its date (a store handle whose clock is set to it) with a
// device key and four signed credentials. The choice is deterministic from
// the seed; residents who already have a device are skipped, so a run cut
// short resumes. It returns how many activations it made.
func DemoHistory(ctx context.Context, cfg *config.Config, auditLog *audit.Log, logger *slog.Logger, seed int64, asOf time.Time, progress func(done, total int)) (int, error) {
	clk := &clock{t: asOf}
	st, err := openStoreAt(ctx, cfg, clk.Now)
	if err != nil {
		return 0, err
	}
	defer st.Close()
	svc, box, err := demoAktivasi(ctx, cfg, st, auditLog, logger, clk)
	if err != nil {
		return 0, err
	}
	picks, err := choose(ctx, st, seed, asOf)
	if err != nil {
		return 0, err
	}
	made := 0
	for i, p := range picks {
		if err := ctx.Err(); err != nil {
			return made, err
		}
		if _, err := st.GetPerangkatAktif(ctx, p.nik); err == nil {
			continue // done in an earlier run
		}
		clk.set(p.at)
		if err := activateAt(ctx, svc, box, p); err != nil {
			return made, fmt.Errorf("demo activation %d: %w", i+1, err)
		}
		made++
		if progress != nil {
			progress(i+1, len(picks))
		}
	}
	return made, st.SetMeta(ctx, HistoryMeta, fmt.Sprintf("seed=%d activations=%d", seed, len(picks)))
}

// demoAktivasi is the activation service on st at clk's time, mailing the
// demo residents' inbox.
func demoAktivasi(ctx context.Context, cfg *config.Config, st store.Store, auditLog *audit.Log, logger *slog.Logger, clk *clock) (*aktivasi.Service, *inbox, error) {
	dig, err := NewDigitalID(ctx, cfg, st, auditLog, logger)
	if err != nil {
		return nil, nil, err
	}
	dig.Issuer.Now, dig.Aktivasi.Now = clk.Now, clk.Now
	box := &inbox{}
	dig.Aktivasi.Mailer = box
	return dig.Aktivasi, box, nil
}

// choose draws the activations, ordered by date.
func choose(ctx context.Context, st store.Store, seed int64, asOf time.Time) ([]pick, error) {
	var out []pick
	span := asOf.Sub(HistoryStart)
	after := ""
	for {
		page, err := st.ListPenduduk(ctx, store.PendudukFilter{AfterNIK: after, Limit: 1000})
		if err != nil {
			return nil, err
		}
		if len(page) == 0 {
			break
		}
		for i := range page {
			p := &page[i]
			if p.StatusNIK != store.NIKAktif || !penduduk.Terekam(p) || p.Email == "" {
				continue
			}
			u := draw(seed, p.NIK)
			if u[0] >= historyShare {
				continue
			}
			// Density growing linearly with time: uptake rose from 2022.
			at := HistoryStart.Add(time.Duration(math.Sqrt(u[1]) * float64(span))).Truncate(time.Minute)
			if at.Before(p.TanggalPerekaman) {
				at = p.TanggalPerekaman.Add(24 * time.Hour)
			}
			if !at.Before(asOf) {
				continue
			}
			out = append(out, pick{nik: p.NIK, kantor: office(p.DesaKode, u[2]), petugas: "demo", at: at})
		}
		after = page[len(page)-1].NIK
	}
	sort.Slice(out, func(i, j int) bool { return out[i].at.Before(out[j].at) })
	return out, nil
}

// office picks where the activation happened: mostly the kab/kota's Dinas,
// always an office whose area holds the resident's desa (the MPP of Kota
// Bengkulu serves Kota Bengkulu only).
func office(desa string, u float64) string {
	kabkota := wilayah.Ancestor(desa, wilayah.KabKota)
	switch {
	case u < 0.7:
		return "DISDUKCAPIL-" + kabkota
	case u < 0.92:
		return "KEC-" + wilayah.Ancestor(desa, wilayah.Kecamatan)
	case kabkota == "17.71":
		return "MPP-17.71"
	}
	return "DISDUKCAPIL-" + kabkota
}

// draw returns three uniform numbers in [0, 1) determined by seed and NIK.
func draw(seed int64, nik string) [3]float64 {
	var out [3]float64
	for i := range out {
		h := fnv.New64a()
		var b [9]byte
		binary.LittleEndian.PutUint64(b[:8], uint64(seed))
		b[8] = byte(i)
		h.Write(b[:])
		h.Write([]byte(nik))
		out[i] = float64(h.Sum64()>>11) / (1 << 53)
	}
	return out
}

// activateAt runs one activation as the officer and the wallet would.
func activateAt(ctx context.Context, svc *aktivasi.Service, box *inbox, p pick) error {
	offer, err := svc.Offer(ctx, aktivasi.OfferRequest{NIK: p.nik, Petugas: p.petugas, Kantor: p.kantor})
	if err != nil {
		return err
	}
	tok, err := svc.Redeem(ctx, offer.Code, box.code)
	if err != nil {
		return err
	}
	nonce, err := svc.Nonce(ctx)
	if err != nil {
		return err
	}
	device, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	opts := (&jose.SignerOptions{ExtraHeaders: map[jose.HeaderKey]any{"jwk": jose.JSONWebKey{Key: &device.PublicKey}}}).
		WithType(aktivasi.ProofType)
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.ES256, Key: device}, opts)
	if err != nil {
		return err
	}
	jws, err := signer.Sign([]byte(`{"aud":"` + svc.IssuerURL + `","iat":` + strconv.FormatInt(svc.Now().Unix(), 10) + `,"nonce":"` + nonce + `"}`))
	if err != nil {
		return err
	}
	proof, err := jws.CompactSerialize()
	if err != nil {
		return err
	}
	_, err = svc.Credential(ctx, tok.AccessToken, proof)
	return err
}
