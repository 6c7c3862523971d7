package siakimport

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ikd-project/ikd/internal/store"
	"github.com/ikd-project/ikd/internal/wilayah"
)

func newTestParser(t testing.TB) *rowParser {
	t.Helper()
	r, err := NewReader(strings.NewReader(strings.Join(allColumns, ",") + "\n"))
	if err != nil {
		t.Fatal(err)
	}
	return newRowParser(r.index, testNow, nil)
}

func TestParseRowGood(t *testing.T) {
	p := newTestParser(t)
	row, warnings, rerr := p.parse(record(allColumns, person(1)))
	if rerr != nil {
		t.Fatalf("person(1) rejected: %v", rerr)
	}
	if len(warnings) != 0 {
		t.Errorf("warnings %+v, want none", warnings)
	}
	want := store.Penduduk{
		NIK: "1771014201400001", NoKK: "1771010000000001", Hubungan: store.Istri,
		Nama: "WARGA NOMOR XX", TempatLahir: "BENGKULU",
		TanggalLahir: time.Date(1940, 1, 2, 0, 0, 0, 0, time.UTC), JenisKelamin: store.Perempuan,
		GolonganDarah: "O", Agama: "ISLAM", StatusKawin: store.Kawin, Pekerjaan: "WIRASWASTA",
		Kewarganegaraan: "WNI", Alamat: "JL. SUDIRMAN NO. 1", RT: "004", RW: "002",
		DesaKode: "17.71.01.1001", StatusNIK: store.NIKAktif,
		TanggalPerekaman: time.Date(1960, 5, 2, 0, 0, 0, 0, time.UTC),
	}
	if row.Penduduk != want {
		t.Errorf("got  %+v\nwant %+v", row.Penduduk, want)
	}
	if !row.TanggalKK.Equal(time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("TanggalKK = %v", row.TanggalKK)
	}
}

// TestParseRowNormalises checks that values are taken the way SIAK
// officers type them, and stored the way SIAK stores them.
func TestParseRowNormalises(t *testing.T) {
	base := person(0) // a man born 01-01-1940
	tests := []struct {
		column, in string
		got        func(r Row) any
		want       any
	}{
		{"JENIS_KLMIN", "l", func(r Row) any { return r.Penduduk.JenisKelamin }, store.LakiLaki},
		{"JENIS_KLMIN", "Laki laki", func(r Row) any { return r.Penduduk.JenisKelamin }, store.LakiLaki},
		{"NAMA_LGKP", "  budi \t  santoso ", func(r Row) any { return r.Penduduk.Nama }, "BUDI SANTOSO"},
		{"NAMA_LGKP", "i gusti ngurah rai", func(r Row) any { return r.Penduduk.Nama }, "I GUSTI NGURAH RAI"},
		{"NAMA_LGKP", "muh. ali, s.pd", func(r Row) any { return r.Penduduk.Nama }, "MUH. ALI, S.PD"},
		{"NAMA_LGKP", "andré o'neil", func(r Row) any { return r.Penduduk.Nama }, "ANDRÉ O'NEIL"},
		{"TMPT_LHR", "curup\nrejang lebong", func(r Row) any { return r.Penduduk.TempatLahir }, "CURUP REJANG LEBONG"},
		{"ALAMAT", "jl. mawar; gg. 2, no. \"5\"", func(r Row) any { return r.Penduduk.Alamat }, `JL. MAWAR; GG. 2, NO. "5"`},
		{"TGL_LHR", "1940-01-01", func(r Row) any { return r.Penduduk.TanggalLahir.Format("2006-01-02") }, "1940-01-01"},
		{"TGL_LHR", "1/1/1940", func(r Row) any { return r.Penduduk.TanggalLahir.Format("2006-01-02") }, "1940-01-01"},
		{"TGL_LHR", "01.01.1940", func(r Row) any { return r.Penduduk.TanggalLahir.Format("2006-01-02") }, "1940-01-01"},
		{"NO_RT", "4", func(r Row) any { return r.Penduduk.RT }, "004"},
		{"NO_RW", " 02 ", func(r Row) any { return r.Penduduk.RW }, "002"},
		{"NO_RT", "0", func(r Row) any { return r.Penduduk.RT }, "000"},
		{"NO_KEC", "1", func(r Row) any { return r.Penduduk.DesaKode }, "17.71.01.1001"},
		{"GOL_DRH", "", func(r Row) any { return r.Penduduk.GolonganDarah }, "-"},
		{"GOL_DRH", "tidak tahu", func(r Row) any { return r.Penduduk.GolonganDarah }, "-"},
		{"GOL_DRH", "ab -", func(r Row) any { return r.Penduduk.GolonganDarah }, "AB-"},
		{"GOL_DRH", "o rh+", func(r Row) any { return r.Penduduk.GolonganDarah }, "O+"},
		{"AGAMA", "Buddha", func(r Row) any { return r.Penduduk.Agama }, "BUDHA"},
		{"AGAMA", "kong hu cu", func(r Row) any { return r.Penduduk.Agama }, "KONGHUCU"},
		{"AGAMA", "Kepercayaan Terhadap Tuhan YME", func(r Row) any { return r.Penduduk.Agama }, "KEPERCAYAAN"},
		{"STAT_KWN", "cerai-hidup", func(r Row) any { return r.Penduduk.StatusKawin }, store.CeraiHidup},
		{"STAT_KWN", "Kawin Tercatat", func(r Row) any { return r.Penduduk.StatusKawin }, store.Kawin},
		{"STAT_HBKEL", "kepala  keluarga", func(r Row) any { return r.Penduduk.Hubungan }, store.KepalaKeluarga},
		{"STAT_HBKEL", "famili_lain", func(r Row) any { return r.Penduduk.Hubungan }, store.FamiliLain},
		{"KEWARGANEGARAAN", "", func(r Row) any { return r.Penduduk.Kewarganegaraan }, "WNI"},
		{"KEWARGANEGARAAN", "wna", func(r Row) any { return r.Penduduk.Kewarganegaraan }, "WNA"},
		{"EMAIL", " Siti.Aminah@Gmail.COM ", func(r Row) any { return r.Penduduk.Email }, "siti.aminah@gmail.com"},
		{"NO_HP", "+62 812-3456-7890", func(r Row) any { return r.Penduduk.Telepon }, "081234567890"},
		{"NO_HP", "6281234567890", func(r Row) any { return r.Penduduk.Telepon }, "081234567890"},
		{"NO_HP", "81234567890", func(r Row) any { return r.Penduduk.Telepon }, "081234567890"},
		{"NO_HP", "0812.3456.789", func(r Row) any { return r.Penduduk.Telepon }, "08123456789"},
		{"STATUS_NIK", "", func(r Row) any { return r.Penduduk.StatusNIK }, store.NIKAktif},
		{"STATUS_NIK", "non aktif", func(r Row) any { return r.Penduduk.StatusNIK }, store.NIKNonaktif},
		{"STATUS_NIK", "Meninggal", func(r Row) any { return r.Penduduk.StatusNIK }, store.NIKMati},
		{"TGL_REKAM", "", func(r Row) any { return r.Penduduk.TanggalPerekaman.IsZero() }, true},
		{"TGL_REKAM", "01-01-1956", func(r Row) any { return r.Penduduk.TanggalPerekaman.Format("2006-01-02") }, "1956-01-01"},
		{"TGL_KK", "", func(r Row) any { return r.TanggalKK.IsZero() }, true},
		{"NIK", " 1771010101400001 ", func(r Row) any { return r.Penduduk.NIK }, "1771010101400001"},
	}
	p := newTestParser(t)
	for _, tt := range tests {
		row, _, rerr := p.parse(record(allColumns, with(base, tt.column, tt.in)))
		if rerr != nil {
			t.Errorf("%s=%q: rejected: %v", tt.column, tt.in, rerr)
			continue
		}
		if got := tt.got(row); got != tt.want {
			t.Errorf("%s=%q: got %v, want %v", tt.column, tt.in, got, tt.want)
		}
	}
}

// badRows is one bad row per validation rule: column changes applied to a
// good row, and the code and column expected.
var badRows = []struct {
	kv           []string
	code, column string
	msgID        string // part of the Indonesian message, when it matters
}{
	{[]string{"NIK", ""}, CodeMissingField, "NIK", "NIK wajib diisi tetapi kosong"},
	{[]string{"NIK", "177101010140001"}, CodeBadNIK, "NIK", "NIK harus 16 digit, bukan 15 karakter"},
	{[]string{"NIK", "1.77101E+15"}, CodeBadNIK, "NIK", "format kolom sebagai Teks"},
	{[]string{"NIK", "9971010101400001"}, CodeBadNIK, "NIK", "Kode provinsi"},
	{[]string{"NIK", "1771013201400001"}, CodeBadNIK, "NIK", "digit 7–8"},
	{[]string{"NIK", "1771010113400001"}, CodeBadNIK, "NIK", "digit 9–10"},
	{[]string{"NIK", "1771010101400000"}, CodeBadNIK, "NIK", "0000"},
	{[]string{"NO_KK", "17710100001"}, CodeBadKK, "NO_KK", "Nomor KK harus 16 digit"},
	{[]string{"NO_KK", "1771010000000000"}, CodeBadKK, "NO_KK", ""},
	{[]string{"NAMA_LGKP", " "}, CodeMissingField, "NAMA_LGKP", ""},
	{[]string{"NAMA_LGKP", "BUDI 2"}, CodeBadName, "NAMA_LGKP", "hanya boleh berisi huruf"},
	{[]string{"NAMA_LGKP", "BUDI\x07"}, CodeBadName, "NAMA_LGKP", ""},
	{[]string{"NAMA_LGKP", strings.Repeat("A", 101)}, CodeBadName, "NAMA_LGKP", "101 karakter, paling banyak 100"},
	{[]string{"NAMA_LGKP", "SIT\xe9 AMINAH"}, CodeBadEncoding, "NAMA_LGKP", "bukan teks UTF-8"},
	{[]string{"TMPT_LHR", ""}, CodeMissingField, "TMPT_LHR", ""},
	{[]string{"TMPT_LHR", strings.Repeat("B", 101)}, CodeBadText, "TMPT_LHR", ""},
	{[]string{"TGL_LHR", "17 Agustus 1940"}, CodeBadDate, "TGL_LHR", "DD-MM-YYYY"},
	{[]string{"TGL_LHR", "1-1-40"}, CodeBadDate, "TGL_LHR", ""},
	{[]string{"TGL_LHR", "17-08-1940 00:00"}, CodeBadDate, "TGL_LHR", ""},
	{[]string{"TGL_LHR", "17-08/1940"}, CodeBadDate, "TGL_LHR", ""},
	{[]string{"TGL_LHR", "31-02-1940"}, CodeBadDate, "TGL_LHR", "kalender"},
	{[]string{"TGL_LHR", "29-02-1941"}, CodeBadDate, "TGL_LHR", "kalender"},
	{[]string{"TGL_LHR", "01-01-1899"}, CodeBadDate, "TGL_LHR", "1900"},
	{[]string{"TGL_LHR", "21-11-2026", "TGL_REKAM", ""}, CodeFutureDate, "TGL_LHR", "masa depan"},
	{[]string{"JENIS_KLMIN", "X"}, CodeBadSex, "JENIS_KLMIN", "LAKI-LAKI, PEREMPUAN"},
	{[]string{"JENIS_KLMIN", ""}, CodeMissingField, "JENIS_KLMIN", ""},
	{[]string{"GOL_DRH", "C"}, CodeBadBlood, "GOL_DRH", ""},
	{[]string{"GOL_DRH", "-+"}, CodeBadBlood, "GOL_DRH", ""},
	{[]string{"AGAMA", "ATEIS"}, CodeBadReligion, "AGAMA", "ISLAM, KRISTEN"},
	{[]string{"STAT_KWN", "JANDA"}, CodeBadMarital, "STAT_KWN", ""},
	{[]string{"STAT_HBKEL", "TETANGGA"}, CodeBadRelation, "STAT_HBKEL", ""},
	{[]string{"JENIS_PKRJN", "GURU\x00"}, CodeBadText, "JENIS_PKRJN", ""},
	{[]string{"KEWARGANEGARAAN", "ASING"}, CodeBadCitizenship, "KEWARGANEGARAAN", ""},
	{[]string{"ALAMAT", ""}, CodeMissingField, "ALAMAT", ""},
	{[]string{"ALAMAT", strings.Repeat("JL ", 70)}, CodeBadText, "ALAMAT", "200"},
	{[]string{"NO_RT", "1234"}, CodeBadRTRW, "NO_RT", "1–3 angka"},
	{[]string{"NO_RW", "A1"}, CodeBadRTRW, "NO_RW", ""},
	{[]string{"NO_RW", "-1"}, CodeBadRTRW, "NO_RW", ""},
	{[]string{"NO_PROP", "177"}, CodeBadRegion, "NO_PROP", "NO_PROP harus 2 angka"},
	{[]string{"NO_KAB", "7x"}, CodeBadRegion, "NO_KAB", ""},
	{[]string{"NO_KEC", ""}, CodeMissingField, "NO_KEC", ""},
	{[]string{"NO_KEL", "10011"}, CodeBadRegion, "NO_KEL", "NO_KEL harus 4 angka"},
	{[]string{"NO_KEL", "9999"}, CodeUnknownDesa, "NO_KEL", "17.71.01.9999"},
	{[]string{"NO_PROP", "18"}, CodeUnknownDesa, "NO_KEL", "18.71.01.1001"},
	{[]string{"EMAIL", "siti@"}, CodeBadEmail, "EMAIL", ""},
	{[]string{"EMAIL", "siti aminah@gmail.com"}, CodeBadEmail, "EMAIL", ""},
	{[]string{"EMAIL", "siti@gmail"}, CodeBadEmail, "EMAIL", ""},
	{[]string{"EMAIL", "Siti <siti@gmail.com>"}, CodeBadEmail, "EMAIL", ""},
	{[]string{"NO_HP", "12345"}, CodeBadPhone, "NO_HP", "08…"},
	{[]string{"NO_HP", "+1 555 123 4567"}, CodeBadPhone, "NO_HP", ""},
	{[]string{"NO_HP", "0812345678901234"}, CodeBadPhone, "NO_HP", ""},
	{[]string{"STATUS_NIK", "HILANG"}, CodeBadStatusNIK, "STATUS_NIK", ""},
	{[]string{"TGL_REKAM", "31-12-1955"}, CodeEarlyRekam, "TGL_REKAM", "ke-16"},
	{[]string{"TGL_REKAM", "01-13-2012"}, CodeBadDate, "TGL_REKAM", ""},
	{[]string{"TGL_REKAM", "21-11-2026"}, CodeFutureDate, "TGL_REKAM", ""},
	{[]string{"TGL_KK", "2030-01-01"}, CodeFutureDate, "TGL_KK", ""},
	{[]string{"TGL_KK", "2015-02-30"}, CodeBadDate, "TGL_KK", ""},
}

// TestBadRows runs one file with a bad row per rule through Run, and checks
// that each is rejected with the right code, column and line, in both
// languages.
func TestBadRows(t *testing.T) {
	base := person(0)
	var rows []map[string]string
	rows = append(rows, base)
	for _, b := range badRows {
		rows = append(rows, with(base, b.kv...))
	}
	// Today (in WIB) is not in the future.
	rows = append(rows, with(person(4), "TGL_LHR", "20-11-2026", "NIK", "1771012011260001", "TGL_REKAM", "", "STAT_HBKEL", "ANAK", "NO_KK", "1771010000000001"))
	file := csvFile(',', allColumns, rows...)
	var loaded []store.Penduduk
	loader := LoaderFunc(func(_ context.Context, b *store.Batch, _, _ int) (store.BatchResult, error) {
		loaded = append(loaded, b.Penduduk...)
		return store.BatchResult{}, nil
	})
	rep, err := Run(context.Background(), strings.NewReader(file), Options{Loader: loader, Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Rows != len(rows) || rep.Imported != 2 || rep.Rejected != len(badRows) {
		t.Errorf("rows %d imported %d rejected %d, want %d 2 %d", rep.Rows, rep.Imported, rep.Rejected, len(rows), len(badRows))
	}
	if len(loaded) != 2 || loaded[0].NIK != base["NIK"] || loaded[1].NIK != "1771012011260001" {
		t.Errorf("loaded %d rows", len(loaded))
	}
	if len(rep.Errors) != len(badRows) {
		t.Fatalf("%d errors, want %d", len(rep.Errors), len(badRows))
	}
	for i, b := range badRows {
		e := rep.Errors[i]
		line := i + 3 // header, good row
		if e.Line != line || e.Code != b.code || e.Column != b.column {
			t.Errorf("%v: got line %d %s %s, want line %d %s %s (%s)", b.kv, e.Line, e.Code, e.Column, line, b.code, b.column, e.EN)
		}
		if !strings.Contains(e.ID, b.msgID) {
			t.Errorf("%v: message %q does not contain %q", b.kv, e.ID, b.msgID)
		}
		if e.ID == "" || e.EN == "" || e.ID == e.EN {
			t.Errorf("%v: messages not bilingual: %q / %q", b.kv, e.ID, e.EN)
		}
		if !strings.HasPrefix(e.Message("id"), "baris "+itoa(line)+": ") || !strings.HasPrefix(e.Message("en"), "line "+itoa(line)+": ") {
			t.Errorf("%v: Message %q / %q", b.kv, e.Message("id"), e.Message("en"))
		}
		// Messages are logged: they must not carry the personal data.
		for _, v := range []string{base["NIK"], base["NO_KK"], base["NAMA_LGKP"]} {
			if strings.Contains(e.ID+e.EN, v) {
				t.Errorf("%v: message leaks %q", b.kv, v)
			}
		}
	}
}

func TestNIKWarningsDoNotReject(t *testing.T) {
	rows := []map[string]string{
		with(person(0), "JENIS_KLMIN", "P", "STAT_HBKEL", "ANAK"), // NIK says male
		with(person(1), "TGL_LHR", "03-01-1940"),                  // NIK says day 2
		with(person(2), "NIK", "1771313003400001"),                // kecamatan 17.71.31 unknown; 30-03 fine
	}
	rep, err := Run(context.Background(), strings.NewReader(csvFile(';', allColumns, rows...)),
		Options{Loader: discard{}, Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Imported != 3 || rep.Rejected != 0 {
		t.Fatalf("imported %d rejected %d: %v", rep.Imported, rep.Rejected, rep.Errors)
	}
	want := map[string]int{"sex_mismatch": 1, "birthdate_mismatch": 2, "unknown_kecamatan": 1}
	for k, v := range want {
		if rep.Warnings[k] != v {
			t.Errorf("Warnings[%s] = %d, want %d (all: %v)", k, rep.Warnings[k], v, rep.Warnings)
		}
	}
	if s := rep.Summary("id"); !strings.Contains(s, "sex_mismatch 1") || !strings.Contains(s, "3 diimpor") {
		t.Errorf("Summary:\n%s", s)
	}
}

// discard is a Loader that drops every batch.
type discard struct{}

func (discard) LoadBatch(_ context.Context, b *store.Batch, _, _ int) (store.BatchResult, error) {
	return store.BatchResult{Penduduk: len(b.Penduduk), Keluarga: len(b.Keluarga)}, nil
}

// TestTodayIsWIB: "in the future" is judged by the calendar in Bengkulu.
// At 20:00 UTC on 20 November it is already 21 November in WIB.
func TestTodayIsWIB(t *testing.T) {
	r, err := NewReader(strings.NewReader(strings.Join(allColumns, ",") + "\n"))
	if err != nil {
		t.Fatal(err)
	}
	fields := with(person(0), "NIK", "1771012111260001", "TGL_LHR", "21-11-2026", "TGL_REKAM", "")
	for _, tt := range []struct {
		now  time.Time
		code string
	}{
		{time.Date(2026, 11, 20, 16, 59, 0, 0, time.UTC), CodeFutureDate},
		{time.Date(2026, 11, 20, 17, 0, 0, 0, time.UTC), ""},
	} {
		p := newRowParser(r.index, tt.now, nil)
		_, _, rerr := p.parse(record(allColumns, fields))
		got := ""
		if rerr != nil {
			got = rerr.Code
		}
		if got != tt.code {
			t.Errorf("now %v: code %q, want %q", tt.now, got, tt.code)
		}
	}
}

type recordingLoader struct{ sizes, kks []int }

func (l *recordingLoader) LoadBatch(_ context.Context, b *store.Batch, _, _ int) (store.BatchResult, error) {
	l.sizes = append(l.sizes, len(b.Penduduk))
	l.kks = append(l.kks, len(b.Keluarga))
	return store.BatchResult{}, nil
}

// TestBatchCut: a batch is cut at a family boundary once full, and within
// a family only at twice the batch size.
func TestBatchCut(t *testing.T) {
	for _, tt := range []struct {
		size       int
		sizes, kks string
	}{
		{1, "[2 2 2 2 2 2]", "[1 0 1 0 1 0]"}, // families of 4 exceed 2×1: cut inside them; the card is written once
		{3, "[4 4 4]", "[1 1 1]"},
		{5, "[8 4]", "[2 1]"},
		{DefaultBatchSize, "[12]", "[3]"},
	} {
		l := &recordingLoader{}
		_, err := Run(context.Background(), strings.NewReader(csvFile(',', allColumns, people(0, 12)...)),
			Options{Loader: l, BatchSize: tt.size, Now: testNow})
		if err != nil {
			t.Fatal(err)
		}
		if got := fmt.Sprint(l.sizes); got != tt.sizes {
			t.Errorf("batch size %d: batches %s, want %s", tt.size, got, tt.sizes)
		}
		if got := fmt.Sprint(l.kks); got != tt.kks {
			t.Errorf("batch size %d: family cards per batch %s, want %s", tt.size, got, tt.kks)
		}
	}
}

func TestRunCancelledBeforeStart(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	l := &recordingLoader{}
	rep, err := Run(ctx, strings.NewReader(csvFile(',', allColumns, people(0, 1000)...)), Options{Loader: l, Now: testNow})
	if !errors.Is(err, context.Canceled) || len(l.sizes) != 0 || rep.Imported != 0 {
		t.Errorf("err %v, %d batches, %d imported; want context.Canceled and nothing", err, len(l.sizes), rep.Imported)
	}
}

func TestRunNeedsLoader(t *testing.T) {
	if _, err := Run(context.Background(), strings.NewReader(""), Options{}); err == nil {
		t.Error("Run without a Loader must fail")
	}
}

// TestRetiredDesa: a retired desa code is accepted (old records carry it)
// with a warning; Options.Wilayah replaces the embedded region data.
func TestRetiredDesa(t *testing.T) {
	data, err := wilayah.Parse(strings.NewReader(`kode,tingkat,jenis,nama,induk,penduduk_2025,wajib_ktp_2024,terekam_2024,status
17,provinsi,Provinsi,Bengkulu,,,,,aktif
17.71,kabkota,Kota,Bengkulu,17,,,,aktif
17.71.01,kecamatan,Kecamatan,Selebar,17.71,,,,aktif
17.71.01.1001,desa,Kelurahan,Pagar Dewa,17.71.01,,,,aktif
17.71.01.1999,desa,Desa,Lama,17.71.01,,,,pensiun
`))
	if err != nil {
		t.Fatal(err)
	}
	rows := []map[string]string{with(person(0), "NO_KEL", "1999"), with(person(1), "NO_KEL", "1002")}
	rep, err := Run(context.Background(), strings.NewReader(csvFile(',', allColumns, rows...)),
		Options{Loader: discard{}, Now: testNow, Wilayah: data})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Imported != 1 || rep.Warnings["retired_desa"] != 1 {
		t.Errorf("imported %d, warnings %v; want 1 and retired_desa 1", rep.Imported, rep.Warnings)
	}
	if len(rep.Errors) != 1 || rep.Errors[0].Code != CodeUnknownDesa {
		t.Errorf("errors %+v: 17.71.01.1002 is not in this data", rep.Errors)
	}
}
