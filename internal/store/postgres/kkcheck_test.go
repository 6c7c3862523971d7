package postgres_test

import (
	"database/sql"
	"testing"
)

// TestKKCheckNotShadowed: migration 00006 replaced the foreign key
// penduduk.no_kk -> kartu_keluarga by plpgsql trigger functions. Unless
// their search_path is pinned, pg_temp is searched first, and every role
// may create temporary tables: the application role (after ikd migrate
// --grant) could shadow kartu_keluarga in its session and write a resident
// whose family card does not exist, which the foreign key made impossible.
// (Found by the security review of 2026-11-23.)
func TestKKCheckNotShadowed(t *testing.T) {
	owner, appDSN := grantedSchema(t, nil)
	app, err := sql.Open("pgx", appDSN)
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close()
	conn, err := app.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var schema string
	if err := conn.QueryRowContext(ctx, "SELECT current_schema()").Scan(&schema); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		"CREATE TEMP TABLE kartu_keluarga (no_kk text)",
		"INSERT INTO pg_temp.kartu_keluarga VALUES ('9999999999999999')",
	} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	_, err = conn.ExecContext(ctx, `INSERT INTO "`+schema+`".penduduk (nik, no_kk, hubungan, nama, tempat_lahir, tanggal_lahir,
		jenis_kelamin, golongan_darah, agama, status_kawin, pekerjaan, kewarganegaraan, alamat, rt, rw, desa_kode, email,
		telepon, status_nik, created_at, updated_at) VALUES ('1771015708900077', '9999999999999999', 'KEPALA KELUARGA', 'X',
		'X', '1990-01-01', 'L', '-', 'ISLAM', 'KAWIN', 'X', 'WNI', 'X', '001', '001', '17.71.01.1001', '', '', 'AKTIF', now(), now())`)
	if err == nil {
		var orphans int
		owner.SQL().QueryRow(`SELECT count(*) FROM penduduk p WHERE NOT EXISTS (SELECT 1 FROM kartu_keluarga k WHERE k.no_kk = p.no_kk)`).Scan(&orphans)
		t.Errorf("the app role wrote a resident with a family card that does not exist (%d orphan rows)", orphans)
	} else {
		t.Logf("refused: %v", err)
	}
}
