package qrcred

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/fxamacker/cbor/v2"

	"github.com/ikd-project/ikd/internal/kredensial"
)

// printed returns the fixture's claims for a printed card.
func (f *fixture) printed() Claims {
	c := f.claims
	c.DeviceKey, c.Printed = nil, true
	return c
}

func (f *fixture) issuePrinted(t testing.TB) []byte {
	t.Helper()
	cwt, err := Issue(f.issuer, f.kid, f.printed(), Foto)
	if err != nil {
		t.Fatal(err)
	}
	return cwt
}

func TestPrintedCard(t *testing.T) {
	f := newFixture(t)
	cwt := f.issuePrinted(t)
	text, err := PrintedText(cwt)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(text, Prefix) {
		t.Fatalf("text %q", text[:10])
	}
	// Long after any 90 s window, and with a nonce the card cannot carry.
	for _, opts := range []VerifyOptions{f.opts(), {Keys: f.keys, Now: testNow.AddDate(0, 6, 0), Nonce: []byte("ABCD2345")}} {
		v, err := Verify(text, opts)
		if err != nil {
			t.Fatal(err)
		}
		if !v.Printed || v.DeviceKey != nil || v.Profile != Foto || !v.SignedAt.IsZero() || v.Nonce != nil ||
			v.Claims.Nama != testSiti.Nama || len(v.Claims.Foto) == 0 || v.Status != (Status{testIdx, testURI}) {
			t.Errorf("verified %+v", v)
		}
	}
	c, err := ParseIssued(cwt, f.keys)
	if err != nil || !c.Printed || c.DeviceKey != nil {
		t.Fatalf("ParseIssued: %+v, %v", c, err)
	}
	// The card still expires.
	if _, err := Verify(text, VerifyOptions{Keys: f.keys, Now: f.claims.Exp.Add(time.Hour)}); reasonOf(err) != kredensial.Expired {
		t.Errorf("after exp: %v", err)
	}
	// A phone's CWTs are not printed cards.
	if v, err := Verify(f.present(t, Foto, testNow, nil), f.opts()); err != nil || v.Printed {
		t.Errorf("phone foto: %+v, %v", v, err)
	}
}

func TestPrintedCardRefused(t *testing.T) {
	f := newFixture(t)
	cwt := f.issuePrinted(t)
	msg, err := decodeSign1(cwt, "issuer")
	if err != nil {
		t.Fatal(err)
	}
	// tampered puts orig's signature on another payload.
	tampered := func(orig, payload []byte) []byte {
		var m coseSign1
		if err := decMode.Unmarshal(orig[1:], &m); err != nil {
			t.Fatal(err)
		}
		m.Payload = payload
		b, err := cbor.Marshal(cbor.Tag{Number: 18, Content: m})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	phone := f.issue(t, Foto)
	phoneMsg, _ := decodeSign1(phone, "issuer")
	var withoutCetak, phoneWithCetak map[any]any
	withoutCetak = generic(t, msg.payload)
	delete(withoutCetak[int64(claimIKD)].(map[any]any), uint64(labelCetak))
	phoneWithCetak = generic(t, phoneMsg.payload)
	delete(phoneWithCetak, uint64(claimCnf))
	phoneWithCetak[int64(claimIKD)].(map[any]any)[uint64(labelCetak)] = true
	enc := func(m map[any]any) []byte {
		b, err := encMode.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	falseCetak := generic(t, msg.payload)
	falseCetak[int64(claimIKD)].(map[any]any)[uint64(labelCetak)] = false
	dasarCetak := generic(t, msg.payload)
	dasarCetak[int64(claimIKD)].(map[any]any)[uint64(labelProfile)] = uint64(1)
	delete(dasarCetak[int64(claimIKD)].(map[any]any), uint64(labelFoto))
	cnfCetak := generic(t, phoneMsg.payload)
	cnfCetak[int64(claimIKD)].(map[any]any)[uint64(labelCetak)] = true

	for _, c := range []struct {
		name string
		text string
		want kredensial.Reason
	}{
		// The flag removed, the signature kept: the card is tampered.
		{"flag removed", text(tampered(cwt, enc(withoutCetak))), kredensial.BadSignature},
		// A phone's foto CWT turned into a printed card: tampered too.
		{"flag added to a phone credential", text(tampered(phone, enc(phoneWithCetak))), kredensial.BadSignature},
		// A phone's issuer CWT copied without its device signature.
		{"phone CWT shown bare", text(phone), kredensial.WrongHolder},
		// Signed by the issuer, but malformed cards.
		{"cetak false", text(f.craft(t, falseCetak)), kredensial.BadEncoding},
		{"cetak in dasar", text(f.craft(t, dasarCetak)), kredensial.BadEncoding},
		{"cetak with cnf", text(f.craft(t, cnfCetak)), kredensial.BadEncoding},
		// A printed card wrapped in a device presentation.
		{"printed card in a device layer", f.wrap(t, cwt, testNow, nil), kredensial.BadEncoding},
	} {
		t.Run(c.name, func(t *testing.T) {
			if _, err := Verify(c.text, f.opts()); reasonOf(err) != c.want {
				t.Errorf("got %v, want %s", err, c.want)
			}
		})
	}
	// Nothing makes a printed card of another profile or with a device key.
	pc := f.printed()
	if _, err := Issue(f.issuer, f.kid, pc, Dasar); err == nil {
		t.Error("printed dasar issued")
	}
	pc.DeviceKey = &f.device.PublicKey
	if _, err := Issue(f.issuer, f.kid, pc, Foto); err == nil {
		t.Error("printed card with a device key issued")
	}
	if _, err := Present(cwt, f.device, testNow, nil); err == nil {
		t.Error("a printed card presented with a device signature")
	}
	if _, err := PrintedText(phone); err == nil {
		t.Error("PrintedText of a phone credential")
	}
	if bytes.Equal(cwt, phone) {
		t.Error("printed and phone CWTs equal")
	}
}
