package sdjwt_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"errors"
	"fmt"
	"time"

	"github.com/ikd-project/ikd/internal/kredensial"
	"github.com/ikd-project/ikd/internal/kredensial/sdjwt"
)

// The whole life of a digital KTP: the province issues it, the resident's
// wallet shows only the name and city to a verifier, and the verifier
// checks it.
func Example() {
	issuerKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	deviceKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	issued := time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)

	// Issuer.
	sd, err := sdjwt.KTPClaims(sdjwt.KTP{
		NIK: "1771015708900002", Nama: "SITI AMINAH", TanggalLahir: "1990-08-17", JenisKelamin: "P",
		Alamat: sdjwt.Alamat{KabKota: "KOTA BENGKULU", Provinsi: "BENGKULU"},
	}, issued)
	if err != nil {
		panic(err)
	}
	credentialSDJWT, err := sdjwt.Issue(issuerKey, "bengkulu-2026-1", sdjwt.Claims{
		Issuer: "https://ikd.bengkulu.example.go.id", IssuedAt: issued, Expiry: issued.AddDate(1, 0, 0),
		VCT: sdjwt.VCTKTPDigital, Holder: &deviceKey.PublicKey,
		Status: &sdjwt.StatusRef{Idx: 4711, URI: "https://ikd.bengkulu.example.go.id/status/1"},
	}, sd, rand.Reader)
	if err != nil {
		panic(err)
	}

	// Wallet: the verifier asked for the name and the city, with a nonce.
	shown := issued.Add(48 * time.Hour)
	presentation, err := sdjwt.Present(credentialSDJWT, sdjwt.DiscloseNames("nama", "alamat.kab_kota"),
		&sdjwt.KeyBinding{Signer: deviceKey, Aud: "https://bank.example", Nonce: "q3Jx9", IAT: shown})
	if err != nil {
		panic(err)
	}

	// Verifier.
	opts := sdjwt.VerifyOptions{
		Keys: func(kid string) (crypto.PublicKey, bool) {
			return &issuerKey.PublicKey, kid == "bengkulu-2026-1"
		},
		Now: shown.Add(3 * time.Second), Skew: time.Minute, RequireKB: true,
		Aud: "https://bank.example", Nonce: "q3Jx9", VCT: sdjwt.VCTKTPDigital,
	}
	v, err := sdjwt.Verify(presentation, opts)
	if err != nil {
		panic(err)
	}
	fmt.Println(v.Claims["nama"], v.Claims["alamat"], v.Claims["nik"])
	fmt.Println(v.Disclosed, v.Status.Idx)

	// A replay to another verifier fails with a reason.
	opts.Nonce = "another"
	_, err = sdjwt.Verify(presentation, opts)
	var ce *kredensial.Error
	if errors.As(err, &ce) {
		fmt.Println(ce.Reason, "-", ce.Reason.Message("en"))
	}
	// Output:
	// SITI AMINAH map[kab_kota:KOTA BENGKULU] <nil>
	// [alamat alamat.kab_kota nama] 4711
	// bad_nonce - This code was made for another check (nonce or audience does not match).
}

func ExampleDiscloseNames() {
	disclose := sdjwt.DiscloseNames("nik", "alamat")
	for _, p := range []string{"nik", "nama", "alamat", "alamat.kab_kota"} {
		fmt.Println(p, disclose(p))
	}
	// Output:
	// nik true
	// nama false
	// alamat true
	// alamat.kab_kota true
}

func ExampleAgeClaimsChangeAt() {
	// A resident born on 10 May 2012, issued a credential in March 2026:
	// age_over_17 turns true on 10 May 2029, so the credential should
	// expire by then.
	t, _ := sdjwt.AgeClaimsChangeAt("2012-05-10", time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC))
	fmt.Println(t)
	// Output: 2029-05-10 00:00:00 +0700 WIB
}
