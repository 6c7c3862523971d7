package credlint

import (
	"testing"
	"time"
)

var now = time.Date(2026, 11, 23, 3, 0, 0, 0, time.UTC)

func sdjwtCred() *Credential {
	return &Credential{
		Format: FormatSDJWT, Issuer: "https://ikd.example", VCT: "urn:ikd:ktp-digital:1",
		IssuedAt: now, Expiry: now.Add(365 * 24 * time.Hour), HolderKey: true,
		Status: &Status{Idx: 7, URI: "https://ikd.example/status/1"},
		Claims: map[string]any{
			"nik": "1771010101900001", "nama": "BUDI", "tanggal_lahir": "1990-01-01", "jenis_kelamin": "L",
			"agama": "ISLAM", "pekerjaan": "PETANI", "age_over_17": true, "age_over_21": true,
			"alamat": map[string]any{"kab_kota": "KOTA BENGKULU"},
		},
		BirthDate: "1990-01-01", Size: 1500,
	}
}

func cwtCred(profile string) *Credential {
	c := &Credential{
		Format: FormatCWT, Profile: profile, Issuer: "https://ikd.example",
		IssuedAt: now, Expiry: now.Add(365 * 24 * time.Hour), HolderKey: true,
		Status: &Status{Idx: 8, URI: "https://ikd.example/status/1"}, BirthDate: "1990-01-01", Size: 220,
	}
	switch profile {
	case ProfileUsia:
		c.Claims = map[string]any{"age_over_17": true, "age_over_21": true}
	default:
		c.Claims = map[string]any{"nama": "BUDI", "nik": "1771010101900001", "tanggal_lahir": "1990-01-01",
			"jenis_kelamin": "L", "foto_hash": []byte("0123456789abcdef")}
		if profile == ProfileFoto {
			c.Claims["foto"] = []byte{0xff, 0xd8}
			c.Size = 1200
		}
	}
	return c
}

func TestCheckPasses(t *testing.T) {
	atBudget := cwtCred(ProfileDasar)
	atBudget.Size = 397 // QR version 15 at level L with a 16-byte nonce
	printed := cwtCred(ProfileFoto)
	printed.Printed, printed.HolderKey = true, false
	for _, c := range []*Credential{sdjwtCred(), cwtCred(ProfileDasar), cwtCred(ProfileUsia), cwtCred(ProfileFoto), atBudget, printed} {
		if err := Check(c, Policy{}, now); err != nil {
			t.Errorf("%s %s: %v", c.Format, c.Profile, err)
		}
	}
}

func TestCheckFails(t *testing.T) {
	minor := func(c *Credential) {
		// Born 2010-06-01: 16 at iat, 17 on 2027-06-01, before exp.
		c.BirthDate = "2010-06-01"
		if _, ok := c.Claims["tanggal_lahir"]; ok {
			c.Claims["tanggal_lahir"] = "2010-06-01"
		}
		c.Claims["age_over_17"], c.Claims["age_over_21"] = false, false
	}
	tests := []struct {
		name string
		cred func() *Credential
		edit func(c *Credential)
		lint string
	}{
		{"no iss", sdjwtCred, func(c *Credential) { c.Issuer = "" }, "required_claims"},
		{"no iat", sdjwtCred, func(c *Credential) { c.IssuedAt = time.Time{} }, "required_claims"},
		{"no exp", sdjwtCred, func(c *Credential) { c.Expiry = time.Time{} }, "required_claims"},
		{"no vct", sdjwtCred, func(c *Credential) { c.VCT = "" }, "required_claims"},
		{"no cnf", sdjwtCred, func(c *Credential) { c.HolderKey = false }, "required_claims"},
		{"no status", sdjwtCred, func(c *Credential) { c.Status = nil }, "required_claims"},
		{"no nik", sdjwtCred, func(c *Credential) { delete(c.Claims, "nik") }, "required_claims"},
		{"unknown profile", func() *Credential { return cwtCred("semua") }, nil, "required_claims"},
		{"dasar lacks foto_hash", func() *Credential { return cwtCred(ProfileDasar) }, func(c *Credential) { delete(c.Claims, "foto_hash") }, "required_claims"},
		{"status without uri", func() *Credential { return cwtCred(ProfileUsia) }, func(c *Credential) { c.Status.URI = "" }, "required_claims"},
		{"agama in dasar", func() *Credential { return cwtCred(ProfileDasar) }, func(c *Credential) { c.Claims["agama"] = "ISLAM" }, "forbidden_claims"},
		{"pekerjaan in foto", func() *Credential { return cwtCred(ProfileFoto) }, func(c *Credential) { c.Claims["pekerjaan"] = "PNS" }, "forbidden_claims"},
		{"golongan_darah in usia", func() *Credential { return cwtCred(ProfileUsia) }, func(c *Credential) { c.Claims["golongan_darah"] = "O" }, "forbidden_claims"},
		{"status_perkawinan in dasar", func() *Credential { return cwtCred(ProfileDasar) }, func(c *Credential) { c.Claims["status_perkawinan"] = "KAWIN" }, "forbidden_claims"},
		{"no_kk in sd-jwt", sdjwtCred, func(c *Credential) { c.Claims["no_kk"] = "1771010101900002" }, "forbidden_claims"},
		{"telepon", sdjwtCred, func(c *Credential) { c.Claims["telepon"] = "0812" }, "forbidden_claims"},
		{"email", func() *Credential { return cwtCred(ProfileDasar) }, func(c *Credential) { c.Claims["email"] = "a@b.c" }, "forbidden_claims"},
		{"sidik_jari", sdjwtCred, func(c *Credential) { c.Claims["sidik_jari"] = []byte{1} }, "forbidden_claims"},
		{"disability", sdjwtCred, func(c *Credential) { c.Claims["kondisi_khusus"] = "TUNA RUNGU" }, "forbidden_claims"},
		{"foto in dasar", func() *Credential { return cwtCred(ProfileDasar) }, func(c *Credential) { c.Claims["foto"] = []byte{1} }, "forbidden_claims"},
		{"foto in sd-jwt", sdjwtCred, func(c *Credential) { c.Claims["foto"] = "base64" }, "forbidden_claims"},
		{"nama in usia", func() *Credential { return cwtCred(ProfileUsia) }, func(c *Credential) { c.Claims["nama"] = "BUDI" }, "forbidden_claims"},
		{"iat in the future", sdjwtCred, func(c *Credential) { c.IssuedAt = now.Add(time.Hour); c.Expiry = now.Add(48 * time.Hour) }, "validity_window"},
		{"exp before iat", sdjwtCred, func(c *Credential) { c.Expiry = now.Add(-time.Hour) }, "validity_window"},
		{"lifetime too long", func() *Credential { return cwtCred(ProfileDasar) }, func(c *Credential) { c.Expiry = now.AddDate(2, 0, 0) }, "validity_window"},
		{"age_over_17 wrong", sdjwtCred, func(c *Credential) { c.Claims["age_over_17"] = false }, "age_consistency"},
		{"age_over_21 wrong in usia", func() *Credential { return cwtCred(ProfileUsia) }, func(c *Credential) { c.Claims["age_over_21"] = false }, "age_consistency"},
		{"age true for a minor", func() *Credential { return cwtCred(ProfileUsia) }, func(c *Credential) { c.BirthDate = "2015-01-01" }, "age_consistency"},
		{"age goes stale before exp", sdjwtCred, minor, "age_consistency"},
		{"age not boolean", sdjwtCred, func(c *Credential) { c.Claims["age_over_17"] = "ya" }, "age_consistency"},
		{"birth date mismatch", sdjwtCred, func(c *Credential) { c.BirthDate = "1991-01-01" }, "age_consistency"},
		{"dasar too big", func() *Credential { return cwtCred(ProfileDasar) }, func(c *Credential) { c.Size = 600 }, "size_budget"},
		{"dasar one byte over QR version 15", func() *Credential { return cwtCred(ProfileDasar) }, func(c *Credential) { c.Size = 398 }, "size_budget"},
		{"usia one byte over QR version 15", func() *Credential { return cwtCred(ProfileUsia) }, func(c *Credential) { c.Size = 398 }, "size_budget"},
		{"foto too big", func() *Credential { return cwtCred(ProfileFoto) }, func(c *Credential) { c.Size = 5000 }, "size_budget"},
		{"sd-jwt too big", sdjwtCred, func(c *Credential) { c.Size = 9000 }, "size_budget"},
		{"size unknown", sdjwtCred, func(c *Credential) { c.Size = 0 }, "size_budget"},
		{"printed dasar", func() *Credential { return cwtCred(ProfileDasar) }, func(c *Credential) { c.Printed, c.HolderKey = true, false }, "printed_card"},
		{"printed sd-jwt", sdjwtCred, func(c *Credential) { c.Printed, c.HolderKey = true, false }, "printed_card"},
		{"printed with a device key", func() *Credential { return cwtCred(ProfileFoto) }, func(c *Credential) { c.Printed = true }, "printed_card"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := tc.cred()
			if tc.edit != nil {
				tc.edit(c)
			}
			err := Check(c, Policy{}, now)
			fs, ok := AsFailures(err)
			if !ok {
				t.Fatalf("Check = %v, want failures", err)
			}
			if !fs.Has(tc.lint) {
				t.Fatalf("Check = %v, want a %s failure", err, tc.lint)
			}
		})
	}
}

func TestCheckReturnsAllFailures(t *testing.T) {
	c := cwtCred(ProfileDasar)
	c.Issuer = ""
	c.Claims["agama"] = "ISLAM"
	c.Size = 10000
	fs, ok := AsFailures(Check(c, Policy{}, now))
	if !ok || len(fs) != 3 || !fs.Has("required_claims") || !fs.Has("forbidden_claims") || !fs.Has("size_budget") {
		t.Fatalf("failures = %v, want required_claims, forbidden_claims and size_budget", fs)
	}
}

func TestPolicyOverrides(t *testing.T) {
	c := sdjwtCred()
	if err := Check(c, Policy{MaxLifetime: 30 * 24 * time.Hour}, now); err == nil {
		t.Fatal("a 30-day policy accepted a one-year credential")
	}
	if err := Check(c, Policy{MaxSDJWTBytes: 1000}, now); err == nil {
		t.Fatal("a 1000-byte budget accepted 1500 bytes")
	}
}

func TestLeapDayBirth(t *testing.T) {
	c := cwtCred(ProfileUsia)
	c.BirthDate = "2008-02-29"
	// 17 on 1 March 2025 (no 29 February in 2025).
	c.IssuedAt = time.Date(2025, 2, 28, 12, 0, 0, 0, time.UTC)
	c.Expiry = c.IssuedAt.Add(time.Hour)
	c.Claims["age_over_17"], c.Claims["age_over_21"] = false, false
	if err := Check(c, Policy{}, c.IssuedAt); err != nil {
		t.Fatalf("28 Feb: %v", err)
	}
	c.IssuedAt = time.Date(2025, 2, 28, 17, 0, 0, 0, time.UTC) // 00:00 WIB on 1 March
	c.Expiry = c.IssuedAt.Add(time.Hour)
	c.Claims["age_over_17"] = true
	if err := Check(c, Policy{}, c.IssuedAt); err != nil {
		t.Fatalf("1 March WIB: %v", err)
	}
}
