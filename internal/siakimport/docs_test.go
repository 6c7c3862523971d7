package siakimport

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
)

// TestDocsExample runs the worked example of docs/import.md and checks
// that the messages, the summary and the rejects file are what the
// documentation shows.
func TestDocsExample(t *testing.T) {
	doc, err := os.ReadFile("../../docs/import.md")
	if err != nil {
		t.Fatal(err)
	}
	block := func(after string) string {
		i := strings.Index(string(doc), after)
		if i < 0 {
			t.Fatalf("docs/import.md has no %q", after)
		}
		rest := string(doc[i:])
		start := strings.Index(rest, "```\n") + 4
		end := strings.Index(rest[start:], "```")
		return rest[start : start+end]
	}
	file := strings.ReplaceAll(block("`warga.csv`, saved by"), "\n", "\r\n")
	var rejects bytes.Buffer
	rep, err := Run(context.Background(), strings.NewReader(file), Options{Loader: discard{}, Rejects: &rejects, Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"id", "en"} {
		var b strings.Builder
		for _, e := range rep.Errors {
			b.WriteString(e.Message(lang) + "\n")
		}
		b.WriteString(rep.Summary(lang))
		after := "rejects two rows:"
		if lang == "en" {
			after = "With `--lang en`:"
		}
		if want := block(after); b.String() != want {
			t.Errorf("%s output:\n%s\ndocs/import.md shows:\n%s", lang, b.String(), want)
		}
	}
	if got, want := strings.ReplaceAll(rejects.String(), "\r\n", "\n"), block("`warga.rejects.csv`:"); got != want {
		t.Errorf("rejects file:\n%s\ndocs/import.md shows:\n%s", got, want)
	}
}

// TestRejectsFileReimports: a corrected rejects file imports as it is.
func TestRejectsFileReimports(t *testing.T) {
	bad := []map[string]string{
		with(person(0), "NIK", "177101010140001"),
		with(person(1), "NO_KEL", "1999", "ALAMAT", "JL. A; B, \"C\""),
	}
	var rejects bytes.Buffer
	rep, err := Run(context.Background(), strings.NewReader(csvFile(';', allColumns, bad...)),
		Options{Loader: discard{}, Rejects: &rejects, Now: testNow})
	if err != nil || rep.Rejected != 2 {
		t.Fatalf("rejected %d, err %v", rep.Rejected, err)
	}
	fixed := strings.Replace(rejects.String(), "177101010140001;", person(0)["NIK"]+";", 1)
	fixed = strings.Replace(fixed, ";01;1999;", ";01;1001;", 1)
	rep, err = Run(context.Background(), strings.NewReader(fixed), Options{Loader: discard{}, Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Imported != 2 || rep.Rejected != 0 {
		t.Fatalf("corrected rejects file: imported %d, rejected %d: %v\n%s", rep.Imported, rep.Rejected, rep.Errors, fixed)
	}
	if len(rep.Notices) != 1 || !strings.Contains(rep.Notices[0].EN, "LINE, COLUMN, CODE, ALASAN, REASON") {
		t.Errorf("notices %+v", rep.Notices)
	}
}
