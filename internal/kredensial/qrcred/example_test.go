package qrcred_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"errors"
	"fmt"
	"time"

	"github.com/ikd-project/ikd/internal/kredensial"
	"github.com/ikd-project/ikd/internal/kredensial/qrcred"
	"github.com/ikd-project/ikd/internal/kredensial/qrcred/qrimage"
)

// keys makes an issuer key and a device key; in ikd the issuer key lives
// in package kms and the device key in the phone's WebCrypto store.
func keys() (issuer, device *ecdsa.PrivateKey) {
	issuer, _ = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	device, _ = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	return issuer, device
}

// The whole journey: the issuer signs a dasar CWT at activation, the
// wallet presents it as a QR text, and a verifier checks it 20 seconds
// later, then again after the 90 seconds have passed.
func Example() {
	issuer, device := keys()
	kid, _ := qrcred.KeyID(&issuer.PublicKey)
	activated := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)

	cwt, err := qrcred.Issue(issuer, kid, qrcred.Claims{
		Issuer:    "https://ikd.bengkuluprov.go.id",
		CTI:       []byte("credential-00001"),
		IAT:       activated,
		Exp:       activated.AddDate(1, 0, 0),
		DeviceKey: &device.PublicKey,
		Status:    qrcred.Status{Idx: 1048577, URI: "https://ikd.bengkuluprov.go.id/status/1"},
		Resident: qrcred.Resident{
			Nama: "SITI AMINAH BINTI AHMAD", NIK: "1771015708900001", TanggalLahir: "1990-08-17",
			JenisKelamin: "P", Portrait: []byte("the registry portrait's JPEG bytes"),
		},
	}, qrcred.Dasar)
	if err != nil {
		fmt.Println(err)
		return
	}

	shown := activated.Add(time.Hour)
	text, err := qrcred.Present(cwt, device, shown, nil)
	if err != nil {
		fmt.Println(err)
		return
	}

	trusted, _ := qrcred.KeysByID(&issuer.PublicKey)
	v, err := qrcred.Verify(text, qrcred.VerifyOptions{Keys: trusted, Now: shown.Add(20 * time.Second)})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("VALID", v.Profile, v.Claims.Nama, v.Claims.NIK, v.Claims.JenisKelamin)

	_, err = qrcred.Verify(text, qrcred.VerifyOptions{Keys: trusted, Now: shown.Add(2 * time.Minute)})
	var fail *kredensial.Error
	if errors.As(err, &fail) {
		fmt.Println("INVALID", fail.Reason, "-", fail.Reason.Message("id"))
	}
	// Output:
	// VALID dasar SITI AMINAH BINTI AHMAD 1771015708900001 P
	// INVALID stale_presentation - Kode QR sudah kedaluwarsa; minta pemilik menampilkan kode baru.
}

// An age check: the usia profile proves the holder is over 17 without
// their name or NIK, and the verifier binds the code to its own nonce.
func ExampleVerify_usia() {
	issuer, device := keys()
	kid, _ := qrcred.KeyID(&issuer.PublicKey)
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	cwt, _ := qrcred.Issue(issuer, kid, qrcred.Claims{
		Issuer: "https://ikd.bengkuluprov.go.id", CTI: []byte("credential-00002"),
		IAT: now, Exp: now.AddDate(1, 0, 0), DeviceKey: &device.PublicKey,
		Status:   qrcred.Status{Idx: 7, URI: "https://ikd.bengkuluprov.go.id/status/1"},
		Resident: qrcred.Resident{TanggalLahir: "2008-02-29"},
	}, qrcred.Usia)

	nonce := []byte("counter-3/0412")
	text, _ := qrcred.Present(cwt, device, now.Add(time.Minute), nonce)
	trusted, _ := qrcred.KeysByID(&issuer.PublicKey)
	v, err := qrcred.Verify(text, qrcred.VerifyOptions{Keys: trusted, Now: now.Add(70 * time.Second), Nonce: nonce})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("over 17: %v, over 21: %v, name disclosed: %q\n", *v.Claims.AgeOver17, *v.Claims.AgeOver21, v.Claims.Nama)
	// Output:
	// over 17: true, over 21: false, name disclosed: ""
}

// Drawing the QR code and reading it back, as the verifier's camera would.
func ExampleQRPNG() {
	issuer, device := keys()
	kid, _ := qrcred.KeyID(&issuer.PublicKey)
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	cwt, _ := qrcred.Issue(issuer, kid, qrcred.Claims{
		Issuer: "https://ikd.bengkuluprov.go.id", CTI: []byte("credential-00003"),
		IAT: now, Exp: now.AddDate(1, 0, 0), DeviceKey: &device.PublicKey,
		Status: qrcred.Status{Idx: 1048577, URI: "https://ikd.bengkuluprov.go.id/status/1"},
		Resident: qrcred.Resident{Nama: "SITI AMINAH BINTI AHMAD", NIK: "1771015708900001",
			TanggalLahir: "1990-08-17", JenisKelamin: "P", Portrait: []byte("portrait")},
	}, qrcred.Dasar)
	text, _ := qrcred.Present(cwt, device, now, nil)

	png, _ := qrimage.QRPNG(text, 4)
	read, err := qrimage.DecodeFile(png)
	version, modules, _ := qrimage.QRVersion(text)
	fmt.Printf("%d characters, QR version %d (%d×%d modules), read back: %v\n", len(text), version, modules, modules, err == nil && read == text)
	// Output:
	// 649 characters, QR version 14 (73×73 modules), read back: true
}

func ExampleAgeOver() {
	wib := time.FixedZone("WIB", 7*3600)
	for _, at := range []time.Time{
		time.Date(2026, 11, 23, 23, 59, 0, 0, wib),
		time.Date(2026, 11, 24, 0, 0, 0, 0, wib),
	} {
		ok, _ := qrcred.AgeOver("2009-11-24", 17, at)
		fmt.Println(at.Format("2006-01-02 15:04 MST"), ok)
	}
	// Output:
	// 2026-11-23 23:59 WIB false
	// 2026-11-24 00:00 WIB true
}
