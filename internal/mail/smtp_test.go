package mail

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ikd-project/ikd/internal/aktivasi"
	"github.com/ikd-project/ikd/internal/ikdtest/nodetest"
)

// sink starts nodemailer's smtp-server (interop/node/smtp-sink.mjs), a real
// SMTP implementation, and returns its address and a function that waits
// for the message it received.
func sink(t *testing.T, env ...string) (string, func() map[string]any) {
	t.Helper()
	dir := nodetest.Dir(t)
	cmd := exec.Command("node", filepath.Join(dir, "smtp-sink.mjs"))
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	sc := bufio.NewScanner(out)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	if !sc.Scan() {
		t.Fatal("smtp-sink printed nothing")
	}
	var first struct{ Port int }
	if err := json.Unmarshal(sc.Bytes(), &first); err != nil || first.Port == 0 {
		t.Fatalf("smtp-sink: %q", sc.Text())
	}
	return "127.0.0.1:" + strconv.Itoa(first.Port), func() map[string]any {
		if !sc.Scan() {
			t.Fatal("smtp-sink received no message")
		}
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatal(err)
		}
		return m
	}
}

var mailNow = func() time.Time { return time.Date(2026, 11, 23, 2, 0, 0, 0, time.UTC) }

func TestSMTPConversation(t *testing.T) {
	addr, received := sink(t, "AUTH_USER=ikd", "AUTH_PASS=rahasia")
	s := &SMTP{Addr: addr, Username: "ikd", Password: "rahasia", Now: mailNow}
	err := s.SendActivationCode(context.Background(), aktivasi.CodeMail{To: "siti@example.id", Nama: "SITI AMINAH",
		Code: "482913", Expires: mailNow().Add(10 * time.Minute), Kantor: "DISDUKCAPIL-17.71"})
	if err != nil {
		t.Fatal(err)
	}
	m := received()
	data, _ := m["data"].(string)
	if m["from"] != "noreply@ikd.bengkuluprov.go.id" || m["to"].([]any)[0] != "siti@example.id" ||
		!strings.Contains(data, "Kode aktivasi KTP digital (IKD) Anda: 482913") || !strings.Contains(data, "pukul 09.10 WIB") ||
		!strings.Contains(data, "Subject: Kode aktivasi KTP digital (IKD) Anda\r\n") {
		t.Errorf("received %v", m)
	}
}

func TestSMTPWrongPassword(t *testing.T) {
	addr, _ := sink(t, "AUTH_USER=ikd", "AUTH_PASS=rahasia")
	s := &SMTP{Addr: addr, Username: "ikd", Password: "salah", Now: mailNow}
	err := s.SendActivationCode(context.Background(), aktivasi.CodeMail{To: "siti@example.id", Code: "1"})
	if err == nil || !strings.HasPrefix(err.Error(), "smtp: AUTH 535") {
		t.Errorf("wrong password: %v", err)
	}
}

func TestSMTPNoServer(t *testing.T) {
	s := &SMTP{Addr: "127.0.0.1:1", Now: mailNow, Timeout: 2 * time.Second}
	if err := s.SendActivationCode(context.Background(), aktivasi.CodeMail{To: "a@b.c", Code: "1"}); err == nil || !strings.Contains(err.Error(), "connect") {
		t.Errorf("no server: %v", err)
	}
}

// TestSMTPEmailChanged: the notice of a changed address goes to the old
// address, in Bahasa Indonesia and English, with the office and the time,
// and the new address masked only.
func TestSMTPEmailChanged(t *testing.T) {
	addr, received := sink(t)
	s := &SMTP{Addr: addr, Now: mailNow}
	err := s.SendEmailChanged(context.Background(), aktivasi.ChangeMail{To: "siti@example.id", Nama: "SITI AMINAH",
		NewMask: aktivasi.MaskEmail("rogue.operator@evil.example"), Kantor: "Mal Pelayanan Publik Kota Bengkulu", At: mailNow()})
	if err != nil {
		t.Fatal(err)
	}
	m := received()
	data, _ := m["data"].(string)
	for _, want := range []string{"Subject: Alamat e-mail IKD Anda diubah / Your IKD e-mail address was changed\r\n",
		"diubah menjadi r***@evil.example oleh petugas di Mal Pelayanan Publik Kota Bengkulu", "pada tanggal 23-11-2026 pukul 09.00 WIB",
		"segera hubungi Dukcapil", "changed to r***@evil.example by an officer at", "on 23-11-2026 at 09.00 WIB", "contact Dukcapil"} {
		if !strings.Contains(data, want) {
			t.Errorf("no %q in the notice:\n%s", want, data)
		}
	}
	if m["to"].([]any)[0] != "siti@example.id" || strings.Contains(data, "rogue.operator") {
		t.Errorf("received %v", m)
	}
}
