package postgres_test

import (
	"database/sql"
	"strings"
	"testing"

	"github.com/ikd-project/ikd/internal/ikdtest"
)

// TestTriggerFunctionsSearchCatalogFirst: the family-card check runs as
// whoever writes residents (the owner during an import). Its pinned
// search_path must put pg_catalog first, or an operator that a role
// allowed to CREATE in the schema defines there stands in for text = text
// inside it. (Found by the security re-review of 2026-11-23.)
func TestTriggerFunctionsSearchCatalogFirst(t *testing.T) {
	owner, _, dsn, admin := dedicatedOwner(t)
	var schema string
	if err := owner.SQL().QueryRow("SELECT current_schema()").Scan(&schema); err != nil {
		t.Fatal(err)
	}
	other := ikdtest.NewRole(t)
	adminExec(t, admin, "GRANT USAGE, CREATE ON SCHEMA "+schema+" TO "+other)
	otherDB, err := sql.Open("pgx", ikdtest.AsRole(t, dsn, other))
	if err != nil {
		t.Fatal(err)
	}
	defer otherDB.Close()
	for _, q := range []string{
		`CREATE FUNCTION ` + schema + `.shadow_eq(a text, b text) RETURNS boolean LANGUAGE plpgsql AS $$
		 BEGIN RAISE EXCEPTION 'shadowing operator ran'; END $$`,
		`CREATE OPERATOR ` + schema + `.= (LEFTARG = text, RIGHTARG = text, FUNCTION = ` + schema + `.shadow_eq)`,
	} {
		if _, err := otherDB.Exec(q); err != nil {
			t.Fatalf("as a role that may CREATE in the schema: %s: %v", q, err)
		}
	}
	for _, q := range []string{
		`INSERT INTO kartu_keluarga (no_kk, kepala_nik, alamat, rt, rw, desa_kode, created_at, updated_at)
		 VALUES ('1771010101900001', '1771015708900077', 'X', '001', '001', '17.71.01.1001', now(), now())`,
		`INSERT INTO penduduk (nik, no_kk, hubungan, nama, tempat_lahir, tanggal_lahir, jenis_kelamin, golongan_darah,
		 agama, status_kawin, pekerjaan, kewarganegaraan, alamat, rt, rw, desa_kode, email, telepon, status_nik,
		 created_at, updated_at) VALUES ('1771015708900077', '1771010101900001', 'KEPALA KELUARGA', 'X', 'X',
		 '1990-01-01', 'L', '-', 'ISLAM', 'KAWIN', 'X', 'WNI', 'X', '001', '001', '17.71.01.1001', '', '', 'AKTIF', now(), now())`,
		`UPDATE penduduk SET nama = 'Y'`,
	} {
		if _, err := owner.SQL().Exec(q); err != nil {
			if strings.Contains(err.Error(), "shadowing operator ran") {
				t.Fatalf("a trigger function used the schema's operator instead of pg_catalog's: %v", err)
			}
			t.Fatalf("as the owner: %v", err)
		}
	}
}
