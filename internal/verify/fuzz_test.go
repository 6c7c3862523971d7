package verify_test

import (
	"testing"

	"github.com/ikd-project/ikd/internal/kredensial/qrcred"
	"github.com/ikd-project/ikd/internal/verify"
	"github.com/ikd-project/ikd/internal/verify/verifytest"
)

func FuzzVerify(f *testing.F) {
	fx := verifytest.New(f, now)
	trust := fx.Trust()
	f.Add(fx.QR(verifytest.QR{Idx: verifytest.IdxValid}))
	f.Add(fx.QR(verifytest.QR{Profile: qrcred.Usia, Idx: verifytest.IdxRevoked}))
	f.Add(fx.SDJWT(verifytest.SD{Idx: verifytest.IdxValid}))
	f.Add("IKD1:")
	f.Add("IKD1:")
	f.Add("IKD9:AAAA")
	f.Add("a.b.c~")
	f.Add("")
	f.Fuzz(func(t *testing.T, in string) {
		r := verify.Verify(in, verify.Options{Trust: trust, Now: now, Nonce: "n"})
		if !r.Valid && r.Reason == "" {
			t.Fatal("invalid without a reason")
		}
		if r.Valid && r.Reason != "" {
			t.Fatal("valid with a reason")
		}
	})
}
