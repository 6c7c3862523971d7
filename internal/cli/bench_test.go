package cli

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ikd-project/ikd/internal/ikdtest"
)

// The import benchmarks run the real `ikd import` as a subprocess on a demo
// CSV and compare its rate, in the same run, with the fastest way each
// database loads that CSV: the sqlite3 shell's .import and PostgreSQL's
// COPY, into a table of the same shape (the CSV's 24 columns, primary key on
// NIK, an index on NO_KK and one on the desa code). They report rows/s for
// both, the ratio, and ikd's peak resident memory.
//
//	IKD_BENCH_SCALE=1 go test -run '^$' -bench Import -benchtime 1x ./internal/cli/
//
// IKD_BENCH_SCALE is the demo scale of the CSV (default 0.02: 42,000 rows;
// 1 is the full province, 2.1 million rows).

func benchScale(b *testing.B) float64 { return ikdtest.BenchScale(b, 0.02) }

// refColumns is the CSV's header as a table definition for the reference loads.
func refTable(csvPath string) (string, error) {
	f, err := os.Open(csvPath)
	if err != nil {
		return "", err
	}
	defer f.Close()
	buf := make([]byte, 4096)
	n, _ := f.Read(buf)
	header := strings.TrimSpace(strings.SplitN(string(buf[:n]), "\n", 2)[0])
	var cols []string
	for _, c := range strings.Split(header, ",") {
		def := c + " TEXT"
		if c == "NIK" {
			def += " PRIMARY KEY"
		}
		cols = append(cols, def)
	}
	return "CREATE TABLE siak (" + strings.Join(cols, ", ") + ");\n" +
		"CREATE INDEX siak_kk ON siak (NO_KK);\nCREATE INDEX siak_desa ON siak (NO_PROP, NO_KAB, NO_KEC, NO_KEL);\n", nil
}

func report(b *testing.B, rows int, ikd, ref time.Duration, rssMB float64) {
	b.ReportMetric(float64(rows)/ikd.Seconds(), "rows/s")
	b.ReportMetric(float64(rows)/ref.Seconds(), "ref-rows/s")
	b.ReportMetric(ref.Seconds()/ikd.Seconds(), "ratio")
	b.ReportMetric(rssMB, "peak-RSS-MB")
	b.ReportMetric(float64(rows), "rows")
}

func BenchmarkImportSQLite(b *testing.B) {
	sqlite3, err := exec.LookPath("sqlite3")
	if err != nil {
		b.Fatal("the sqlite3 shell is needed for the reference load: apt-get install sqlite3")
	}
	dir := b.TempDir()
	csvPath, rows := demoCSV(b, dir, benchScale(b))
	table, err := refTable(csvPath)
	if err != nil {
		b.Fatal(err)
	}
	var ikdTime, refTime time.Duration
	var rss float64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		vars := map[string]string{"IKD_DATABASE": "sqlite:" + filepath.Join(dir, fmt.Sprintf("ikd%d.db", i)),
			"IKD_DATA_DIR": dir, "IKD_LOG_LEVEL": "warn"}
		out, d, r := runIkd(b, vars, "import", csvPath)
		if !strings.Contains(out, fmt.Sprintf("%d diimpor (%d baru atau berubah), 0 ditolak", rows, rows)) {
			b.Fatalf("ikd import: %s", out)
		}
		ikdTime, rss = ikdTime+d, max(rss, r)

		// Same pragmas as ikd's SQLite store: WAL, synchronous=FULL.
		script := "PRAGMA journal_mode=WAL;\nPRAGMA synchronous=FULL;\n" + strings.Replace(table, ");", ") WITHOUT ROWID;", 1) +
			".mode csv\n.import --skip 1 " + csvPath + " siak\n"
		cmd := exec.Command(sqlite3, filepath.Join(dir, fmt.Sprintf("ref%d.db", i)))
		cmd.Stdin = strings.NewReader(script)
		start := time.Now()
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("sqlite3 .import: %v\n%s", err, out)
		}
		refTime += time.Since(start)
	}
	report(b, rows*b.N, ikdTime, refTime, rss)
}

func BenchmarkImportPostgres(b *testing.B) {
	dsn := ikdtest.PostgresDSN(b)
	dir := b.TempDir()
	csvPath, rows := demoCSV(b, dir, benchScale(b))
	table, err := refTable(csvPath)
	if err != nil {
		b.Fatal(err)
	}
	psql, err := exec.LookPath("psql")
	if err != nil {
		b.Fatal("psql is needed for the reference COPY")
	}
	var ikdTime, refTime time.Duration
	var rss float64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		schemaDSN := ikdtest.SchemaDSN(b, dsn)
		vars := map[string]string{"IKD_DATABASE": schemaDSN, "IKD_DATA_DIR": dir, "IKD_LOG_LEVEL": "warn"}
		out, d, r := runIkd(b, vars, "import", csvPath)
		if !strings.Contains(out, fmt.Sprintf("%d diimpor (%d baru atau berubah), 0 ditolak", rows, rows)) {
			b.Fatalf("ikd import: %s", out)
		}
		ikdTime, rss = ikdTime+d, max(rss, r)

		refDSN := ikdtest.SchemaDSN(b, dsn)
		if err := execSQL(refDSN, table); err != nil {
			b.Fatal(err)
		}
		cmd := exec.Command(psql, refDSN, "-v", "ON_ERROR_STOP=1", "-qc", `\copy siak FROM '`+csvPath+`' WITH (FORMAT csv, HEADER true)`)
		start := time.Now()
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("psql \\copy: %v\n%s", err, out)
		}
		refTime += time.Since(start)
	}
	report(b, rows*b.N, ikdTime, refTime, rss)
}

func execSQL(dsn, q string) error {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.ExecContext(context.Background(), q)
	return err
}
