package cli

import (
	"context"
	"database/sql"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// csvNames reads a SIAK CSV and returns NIK -> NAMA_LGKP.
func csvNames(t *testing.T, path string) map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	out := map[string]string{}
	for _, r := range recs[1:] {
		out[r[col["NIK"]]] = r[col["NAMA_LGKP"]]
	}
	return out
}

// dbNames reads NIK -> nama from an ikd SQLite database.
func dbNames(t *testing.T, dbPath string) map[string]string {
	t.Helper()
	db, err := sql.Open("sqlite", dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query("SELECT nik, nama FROM penduduk")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var nik, nama string
		rows.Scan(&nik, &nama)
		out[nik] = nama
	}
	return out
}

func sameRows(t *testing.T, want, got map[string]string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("database has %d residents, the file %d", len(got), len(want))
	}
	for nik, nama := range want {
		if got[nik] != nama {
			t.Fatalf("resident %s: database has %q, file has %q", nik[:4], got[nik], nama)
		}
	}
}

func countResidents(dbPath string) int {
	// Not before ikd made the file: the driver would create it with mode
	// 0644, which ikd then refuses to open.
	if _, err := os.Stat(dbPath); err != nil {
		return 0
	}
	db, err := sql.Open("sqlite", dbPath)
	if err != nil {
		return 0
	}
	defer db.Close()
	var n int
	db.QueryRow("SELECT count(*) FROM penduduk").Scan(&n)
	return n
}

// searchIndexes lists the search indexes of penduduk the database has.
func searchIndexes(t *testing.T, dbPath string) []string {
	t.Helper()
	db, err := sql.Open("sqlite", dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT name FROM sqlite_master WHERE type = 'index' AND name IN ('penduduk_nama', 'penduduk_lahir_nama') ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		out = append(out, n)
	}
	return out
}

// TestImportSurvivesKill kills ikd import with SIGKILL part-way, at several
// points, and checks that a re-run ends with exactly the file's rows and an
// intact audit log.
func TestImportSurvivesKill(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: runs several imports")
	}
	dir := t.TempDir()
	csvPath, rows := demoCSV(t, dir, 0.004)
	want := csvNames(t, csvPath)
	if len(want) != rows {
		t.Fatalf("CSV has %d distinct NIKs, %d rows", len(want), rows)
	}
	vars := dirVars(t)
	dbPath := strings.TrimPrefix(vars["IKD_DATABASE"], "sqlite:")
	for i, killAfter := range []int{1, rows / 3, 2 * rows / 3} {
		cmd := ikdCmd(vars, "import", "--batch", "200", csvPath)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(60 * time.Second)
		for countResidents(dbPath) < killAfter && time.Now().Before(deadline) {
			time.Sleep(2 * time.Millisecond)
		}
		cmd.Process.Kill() // SIGKILL: no chance to clean up
		cmd.Wait()
		n := countResidents(dbPath)
		t.Logf("kill %d: %d of %d residents committed, search indexes %v", i+1, n, rows, searchIndexes(t, dbPath))
		if n > rows {
			t.Fatalf("after kill: %d residents, more than the file's %d", n, rows)
		}
	}
	out, _, _ := runIkd(t, vars, "import", csvPath)
	if !strings.Contains(out, fmt.Sprintf("%d diimpor (", rows)) || !strings.Contains(out, ", 0 ditolak") {
		t.Errorf("re-run report: %s", out)
	}
	sameRows(t, want, dbNames(t, dbPath))
	// The first import deferred the search indexes and was killed before it
	// built them: the next start built them back.
	if got := searchIndexes(t, dbPath); len(got) != 2 {
		t.Errorf("search indexes after the kills and a re-run: %v, want penduduk_lahir_nama and penduduk_nama", got)
	}
	// The aggregates' trigger was put off too: they were counted anew.
	db, err := sql.Open("sqlite", dbPath)
	if err != nil {
		t.Fatal(err)
	}
	var living, counted int
	db.QueryRow(`SELECT count(*) FROM penduduk WHERE status_nik <> 'MATI'`).Scan(&living)
	db.QueryRow(`SELECT coalesce(sum(penduduk), 0) FROM statistik_penduduk WHERE length(wilayah_kode) = 5`).Scan(&counted)
	db.Close()
	if living == 0 || counted != living {
		t.Errorf("aggregates after the kills: %d residents counted, %d living", counted, living)
	}
	code, stdout, _ := run(t, context.Background(), vars, "audit", "verify")
	if code != 0 || !strings.Contains(stdout, "audit log intact") {
		t.Errorf("audit verify after kills: exit %d: %s", code, stdout)
	}
}

// TestImportBadRows imports a file with good and bad rows: every bad row is
// reported with its line, the good ones are all stored, and a re-run changes
// nothing.
func TestImportBadRows(t *testing.T) {
	dir := t.TempDir()
	csvPath, _ := demoCSV(t, dir, 0.0005)
	f, err := os.Open(csvPath)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	// Break line 3's NIK, line 5's birth date and line 7's sex (line 1 is
	// the header), and write the file with CRLF line ends.
	recs[2][col["NIK"]] = "12345"
	recs[4][col["TGL_LHR"]] = "31-02-1990"
	recs[6][col["JENIS_KLMIN"]] = "X"
	bad := filepath.Join(dir, "bad.csv")
	out, err := os.Create(bad)
	if err != nil {
		t.Fatal(err)
	}
	w := csv.NewWriter(out)
	w.UseCRLF = true
	w.WriteAll(recs)
	out.Close()
	good := len(recs) - 1 - 3

	vars := dirVars(t)
	code, stdout, stderr := run(t, context.Background(), vars, "import", bad)
	if code != 0 {
		t.Fatalf("import: exit %d\n%s\n%s", code, stdout, stderr)
	}
	for _, want := range []string{"baris 3", "baris 5", "baris 7", fmt.Sprintf("%d diimpor (%d baru atau berubah), 3 ditolak", good, good)} {
		if !strings.Contains(stdout, want) {
			t.Errorf("report lacks %q:\n%s", want, stdout)
		}
	}
	rejPath := filepath.Join(dir, "bad.rejects.csv")
	rej, err := os.ReadFile(rejPath)
	if err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(rejPath); fi.Mode().Perm() != 0o600 {
		t.Errorf("rejects file mode %v, want 0600: it holds residents' data", fi.Mode().Perm())
	}
	if code, _, stderr := run(t, context.Background(), vars, "import", "--rejects", bad, bad); code != 1 || !strings.Contains(stderr, "berkas yang diimpor") {
		t.Errorf("--rejects naming the input: exit %d, %q", code, stderr)
	}
	if b, _ := os.ReadFile(bad); len(b) == 0 {
		t.Fatal("the input file was emptied")
	}
	if n := strings.Count(strings.TrimSpace(string(rej)), "\n"); n != 3 {
		t.Errorf("rejects file has %d data lines, want 3:\n%s", n, rej)
	}
	dbPath := strings.TrimPrefix(vars["IKD_DATABASE"], "sqlite:")
	if n := countResidents(dbPath); n != good {
		t.Errorf("%d residents stored, want %d", n, good)
	}
	code, stdout, _ = run(t, context.Background(), vars, "import", bad)
	if code != 0 || countResidents(dbPath) != good {
		t.Errorf("re-import: exit %d, %d residents, want %d\n%s", code, countResidents(dbPath), good, stdout)
	}

	// The import wrote audit events; tampering with one is caught and named.
	code, stdout, _ = run(t, context.Background(), vars, "audit", "verify")
	if code != 0 {
		t.Fatalf("audit verify before tampering: exit %d: %s", code, stdout)
	}
	db, err := sql.Open("sqlite", dbPath)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"DROP TRIGGER audit_event_no_update", "UPDATE audit_event SET actor = 'orang lain' WHERE seq = 1"} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	code, stdout, stderr = run(t, context.Background(), vars, "audit", "verify")
	if code != 1 || !strings.Contains(stdout, "event 1: edited") || !strings.Contains(stderr, "log audit RUSAK") {
		t.Errorf("audit verify after tampering: exit %d\n%s\n%s", code, stdout, stderr)
	}
}

// TestImportNotASIAKFile imports a file that is not a SIAK export: the
// error names the missing columns, and nothing is left behind.
func TestImportNotASIAKFile(t *testing.T) {
	dir := t.TempDir()
	notes := filepath.Join(dir, "catatan.csv")
	os.WriteFile(notes, []byte("judul,isi\nrapat,besok\n"), 0o644)
	code, stdout, stderr := run(t, context.Background(), dirVars(t), "import", notes)
	if code != 1 || !strings.Contains(stderr, "Kolom wajib tidak ada") || strings.Contains(stdout, "baris dibaca") {
		t.Errorf("exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "catatan.rejects.csv")); err == nil {
		t.Error("an empty rejects file was left beside the input")
	}
}
