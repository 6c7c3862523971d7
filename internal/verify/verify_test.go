package verify_test

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/ikd-project/ikd/internal/kredensial"
	"github.com/ikd-project/ikd/internal/kredensial/qrcred"
	"github.com/ikd-project/ikd/internal/trustlist"
	"github.com/ikd-project/ikd/internal/verify"
	"github.com/ikd-project/ikd/internal/verify/verifytest"
)

var now = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

func TestValidQRProfiles(t *testing.T) {
	f := verifytest.New(t, now)
	trust := f.Trust()
	for _, p := range qrcred.Profiles {
		t.Run(string(p), func(t *testing.T) {
			r := verify.Verify(f.QR(verifytest.QR{Profile: p, Idx: verifytest.IdxValid}), verify.Options{Trust: trust, Now: now})
			if !r.Valid || r.Reason != "" {
				t.Fatalf("%s: %+v", p, r)
			}
			if r.Format != verify.FormatQR || r.Profile != string(p) || r.Issuer != verifytest.Issuer {
				t.Errorf("format %q profile %q issuer %q", r.Format, r.Profile, r.Issuer)
			}
			if r.TrustAge != time.Hour || !r.SignedAt.Equal(now.Add(-10*time.Second)) || r.Expiry.IsZero() {
				t.Errorf("trust age %v signed %v expiry %v", r.TrustAge, r.SignedAt, r.Expiry)
			}
			switch p {
			case qrcred.Usia:
				if len(r.Claims) != 2 || r.Claims["age_over_17"] != true || r.Claims["age_over_21"] != true {
					t.Errorf("usia claims %v", r.Claims)
				}
			default:
				if r.Claims["nama"] != "SITI AMINAH" || r.Claims["nik"] != "1771014501900003" || r.Claims["jenis_kelamin"] != "P" ||
					r.Claims["tanggal_lahir"] != "1990-01-05" || r.Claims["foto_hash"] == nil || r.Claims["age_over_17"] != nil {
					t.Errorf("claims %v", r.Claims)
				}
				foto, _ := r.Claims["foto"].(string)
				if (p == qrcred.Foto) != strings.HasPrefix(foto, "data:image/jpeg;base64,") {
					t.Errorf("%s foto %.40q", p, foto)
				}
			}
		})
	}
}

func TestValidSDJWTWithKB(t *testing.T) {
	f := verifytest.New(t, now)
	p := f.SDJWT(verifytest.SD{Idx: verifytest.IdxValid, Nonce: "n-123"})
	r := verify.Verify(p, verify.Options{Trust: f.Trust(), Now: now, Aud: verifytest.Aud, Nonce: "n-123", RequireKB: true})
	if !r.Valid || r.Format != verify.FormatSDJWT {
		t.Fatalf("%+v", r)
	}
	if len(r.Claims) != 3 || r.Claims["nama"] != "SITI AMINAH" || r.Claims["nik"] != "1771014501900003" || r.Claims["age_over_17"] != true {
		t.Errorf("claims %v (only what was disclosed)", r.Claims)
	}
	if !r.SignedAt.Equal(now.Add(-10 * time.Second)) {
		t.Errorf("signed at %v", r.SignedAt)
	}
}

func TestEveryReason(t *testing.T) {
	f := verifytest.New(t, now)
	trust := f.Trust()
	other, _ := verifytest.NewKey(t)
	// a trust list that does not hold f's key
	g := verifytest.New(t, now)
	foreign := g.Trust()
	// a trust list without status tokens
	bare, err := trustlist.Sign(f.Key, f.KID, trustlist.List{Issuer: verifytest.Issuer, IssuedAt: now.Add(-time.Hour), ValidUntil: now.Add(time.Hour),
		IssuerKeys: []trustlist.Key{{ID: f.KID, Public: &f.Key.PublicKey}}})
	if err != nil {
		t.Fatal(err)
	}
	bareList, err := trustlist.Parse(bare, now, nil)
	if err != nil {
		t.Fatal(err)
	}
	qr := f.QR(verifytest.QR{Idx: verifytest.IdxValid})
	base := verify.Options{Trust: trust, Now: now}
	with := func(fn func(*verify.Options)) verify.Options { o := base; fn(&o); return o }
	for _, c := range []struct {
		name  string
		input string
		opts  verify.Options
		want  kredensial.Reason
	}{
		{"unreadable", "hello, world", base, kredensial.Unreadable},
		{"unreadable empty", "", base, kredensial.Unreadable},
		{"unsupported version", "IKD9:ABCDEF", base, kredensial.Unsupported},
		{"bad_encoding", "IKD1:!!!!", base, kredensial.BadEncoding},
		{"bad_encoding truncated", qr[:len(qr)/2], base, kredensial.BadEncoding},
		{"unknown_issuer", qr, with(func(o *verify.Options) { o.Trust = foreign }), kredensial.UnknownIssuer},
		{"bad_signature qr", f.QR(verifytest.QR{Idx: verifytest.IdxValid, Key: other, KeyFor: &f.Key.PublicKey}), base, kredensial.BadSignature},
		{"bad_signature sd-jwt", f.SDJWT(verifytest.SD{Idx: verifytest.IdxValid, Key: other, KID: f.KID}), base, kredensial.BadSignature},
		{"expired", f.QR(verifytest.QR{Idx: verifytest.IdxValid, IAT: now.AddDate(-1, 0, 0), Exp: now.Add(-time.Hour)}), base, kredensial.Expired},
		{"stale_presentation", f.QR(verifytest.QR{Idx: verifytest.IdxValid, At: now.Add(-5 * time.Minute)}), base, kredensial.StalePresentation},
		{"stale_presentation sd-jwt", f.SDJWT(verifytest.SD{Idx: verifytest.IdxValid, At: now.Add(-time.Hour)}), base, kredensial.StalePresentation},
		{"wrong_holder", f.SDJWT(verifytest.SD{Idx: verifytest.IdxValid, NoKB: true}),
			with(func(o *verify.Options) { o.RequireKB, o.Aud, o.Nonce = true, verifytest.Aud, "n" }), kredensial.WrongHolder},
		{"bad_nonce qr", f.QR(verifytest.QR{Idx: verifytest.IdxValid, Nonce: []byte("abc")}), with(func(o *verify.Options) { o.Nonce = "xyz" }), kredensial.BadNonce},
		{"bad_nonce sd-jwt", f.SDJWT(verifytest.SD{Idx: verifytest.IdxValid, Nonce: "abc"}),
			with(func(o *verify.Options) { o.RequireKB, o.Aud, o.Nonce = true, verifytest.Aud, "xyz" }), kredensial.BadNonce},
		{"revoked qr", f.QR(verifytest.QR{Idx: verifytest.IdxRevoked}), base, kredensial.Revoked},
		{"revoked sd-jwt", f.SDJWT(verifytest.SD{Idx: verifytest.IdxRevoked}), base, kredensial.Revoked},
		{"suspended", f.QR(verifytest.QR{Idx: verifytest.IdxSuspended}), base, kredensial.Suspended},
		{"status_unavailable no token", qr, with(func(o *verify.Options) { o.Trust = bareList }), kredensial.StatusUnavailable},
		{"status_unavailable other uri", f.QR(verifytest.QR{Idx: verifytest.IdxValid, URI: "https://elsewhere/status/9"}), base, kredensial.StatusUnavailable},
		{"status_unavailable index", f.QR(verifytest.QR{Idx: 100000}), base, kredensial.StatusUnavailable},
		{"trust_list_stale", f.QR(verifytest.QR{Idx: verifytest.IdxValid, At: now.Add(48 * time.Hour)}),
			with(func(o *verify.Options) { o.Now = now.Add(48 * time.Hour) }), kredensial.TrustListStale},
		{"trust_list_stale revoked", f.QR(verifytest.QR{Idx: verifytest.IdxRevoked, At: now.Add(48 * time.Hour)}),
			with(func(o *verify.Options) { o.Now = now.Add(48 * time.Hour) }), kredensial.TrustListStale},
		{"no trust list", qr, with(func(o *verify.Options) { o.Trust = nil }), kredensial.TrustListStale},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := verify.Verify(c.input, c.opts)
			if r.Valid || r.Reason != c.want {
				t.Fatalf("got valid=%v reason %q (%s), want %q", r.Valid, r.Reason, r.Detail, c.want)
			}
			if r.MessageID != c.want.Message("id") || r.MessageEN != c.want.Message("en") || r.Claims != nil {
				t.Errorf("messages %q / %q, claims %v", r.MessageID, r.MessageEN, r.Claims)
			}
		})
	}
}

func TestStaleSaysHowOld(t *testing.T) {
	f := verifytest.New(t, now)
	later := now.Add(24*time.Hour + 3*time.Hour)
	r := verify.Verify(f.QR(verifytest.QR{Idx: verifytest.IdxValid, At: later}), verify.Options{Trust: f.Trust(), Now: later})
	if r.Reason != kredensial.TrustListStale || r.Stale != 3*time.Hour || r.TrustAge != 28*time.Hour {
		t.Fatalf("%+v", r)
	}
}

func TestFresherStatusToken(t *testing.T) {
	f := verifytest.New(t, now)
	trust := f.Trust() // embeds a token where IdxValid is valid
	qr := f.QR(verifytest.QR{Idx: verifytest.IdxValid})
	if err := f.Status.Set(verifytest.IdxValid, 1); err != nil {
		t.Fatal(err)
	}
	fresh := f.StatusToken(now.Add(-time.Minute), now.Add(time.Hour))
	r := verify.Verify(qr, verify.Options{Trust: trust, Now: now, StatusToken: func(uri string) (string, bool) {
		return fresh, uri == verifytest.StatusURI
	}})
	if r.Reason != kredensial.Revoked {
		t.Fatalf("a fresher token that revokes must win: %+v", r)
	}
	// a fresher token that does not verify falls back to the embedded one
	r = verify.Verify(qr, verify.Options{Trust: trust, Now: now, StatusToken: func(string) (string, bool) { return "garbage", true }})
	if !r.Valid {
		t.Fatalf("%+v", r)
	}
}

func TestRetiredKey(t *testing.T) {
	f := verifytest.New(t, now)
	old, oldID := verifytest.NewKey(t)
	until := now.Add(time.Hour)
	trust := f.Trust(trustlist.Key{ID: oldID, Public: &old.PublicKey, VerifyUntil: until})
	for _, c := range []struct {
		at   time.Time
		want kredensial.Reason
	}{{now, ""}, {until.Add(-time.Second), ""}, {until.Add(time.Minute), kredensial.UnknownIssuer}} {
		qr := f.QR(verifytest.QR{Idx: verifytest.IdxValid, Key: old, At: c.at.Add(-5 * time.Second)})
		sd := f.SDJWT(verifytest.SD{Idx: verifytest.IdxValid, Key: old, At: c.at.Add(-5 * time.Second)})
		for _, in := range []string{qr, sd} {
			r := verify.Verify(in, verify.Options{Trust: trust, Now: c.at})
			if r.Reason != c.want || r.Valid != (c.want == "") {
				t.Errorf("at %v: %+v, want %q", c.at, r, c.want)
			}
		}
	}
}

// TestVerifyPinned: a trust list counts only when a pinned key signed it.
func TestVerifyPinned(t *testing.T) {
	f := verifytest.New(t, now)
	qr := f.QR(verifytest.QR{Idx: verifytest.IdxValid})
	l, err := trustlist.Parse(f.TrustList(), now, nil)
	if err != nil {
		t.Fatal(err)
	}
	other := base64.RawURLEncoding.EncodeToString(make([]byte, 32))
	for _, c := range []struct {
		pins  string
		valid bool
	}{
		{"", true},
		{l.SignedBy, true},
		{other + ", " + l.SignedBy, true},
		{other, false},
		{"not-a-key-id", false},
	} {
		r := verify.VerifyPinned(qr, f.TrustList(), c.pins, now, "")
		if r.Valid != c.valid || (!c.valid && r.Reason != kredensial.UnknownIssuer) {
			t.Errorf("pins %q: valid %v, reason %q (%s)", c.pins, r.Valid, r.Reason, r.Detail)
		}
	}
}

// TestPrintedCard: a printed card verifies with no device signature and
// long after any 90 s window, says it is printed and carries the face; a
// revoked or suspended one answers so, and still says it is printed.
func TestPrintedCard(t *testing.T) {
	f := verifytest.New(t, now)
	trust := f.Trust()
	r := verify.Verify(f.QR(verifytest.QR{Printed: true, Idx: verifytest.IdxValid}), verify.Options{Trust: trust, Now: now, Nonce: "ABCD2345"})
	foto, _ := r.Claims["foto"].(string)
	if !r.Valid || !r.Printed || r.Profile != string(qrcred.Foto) || !r.SignedAt.IsZero() || r.Claims["nama"] != "SITI AMINAH" ||
		!strings.HasPrefix(foto, "data:image/jpeg;base64,") {
		t.Fatalf("%+v", r)
	}
	if r := verify.Verify(f.QR(verifytest.QR{Idx: verifytest.IdxValid}), verify.Options{Trust: trust, Now: now}); !r.Valid || r.Printed {
		t.Errorf("phone QR: %+v", r)
	}
	for idx, want := range map[int]kredensial.Reason{verifytest.IdxRevoked: kredensial.Revoked, verifytest.IdxSuspended: kredensial.Suspended} {
		r := verify.Verify(f.QR(verifytest.QR{Printed: true, Idx: idx}), verify.Options{Trust: trust, Now: now})
		if r.Valid || r.Reason != want || !r.Printed || r.Claims != nil {
			t.Errorf("index %d: %+v", idx, r)
		}
	}
	// Signed by a key the trust list does not hold.
	other, _ := verifytest.NewKey(t)
	if r := verify.Verify(f.QR(verifytest.QR{Printed: true, Idx: verifytest.IdxValid, Key: other}), verify.Options{Trust: trust, Now: now}); r.Valid || r.Reason != kredensial.UnknownIssuer {
		t.Errorf("foreign key: %+v", r)
	}
}
