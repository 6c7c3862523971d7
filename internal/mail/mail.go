// Package mail sends ikd's e-mails: for now the activation code. The Outbox
// writes each message as an .eml file into a directory (the demo's mailer,
// which the README points to); an SMTP sender for production follows.
package mail

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"mime"
	"os"
	"path/filepath"
	"time"

	"github.com/ikd-project/ikd/internal/aktivasi"
)

// From is the sender of ikd's mail.
const From = "IKD Dukcapil Provinsi Bengkulu <noreply@ikd.bengkuluprov.go.id>"

// Outbox writes messages as files, readable by their owner only (they hold
// activation codes).
type Outbox struct {
	Dir string
	Now func() time.Time
}

var _ aktivasi.Mailer = (*Outbox)(nil)

// SendActivationCode writes the activation e-mail to the outbox.
func (o *Outbox) SendActivationCode(_ context.Context, m aktivasi.CodeMail) error {
	if err := os.MkdirAll(o.Dir, 0o700); err != nil {
		return fmt.Errorf("create outbox: %w", err)
	}
	b := make([]byte, 6)
	rand.Read(b)
	now := o.Now().UTC()
	name := filepath.Join(o.Dir, now.Format("20060102T150405Z")+"-"+hex.EncodeToString(b)+".eml")
	if err := os.WriteFile(name, ActivationMessage(m, now), 0o600); err != nil {
		return fmt.Errorf("write outbox: %w", err)
	}
	return nil
}

// ActivationMessage renders the activation e-mail (RFC 5322, UTF-8), in
// Bahasa Indonesia.
func ActivationMessage(m aktivasi.CodeMail, now time.Time) []byte {
	wib := time.FixedZone("WIB", 7*3600)
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\nMIME-Version: 1.0\r\n", From, m.To,
		mime.QEncoding.Encode("utf-8", "Kode aktivasi KTP digital (IKD) Anda"), now.Format(time.RFC1123Z))
	b.WriteString("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n")
	fmt.Fprintf(&b, "Yth. %s,\r\n\r\n", m.Nama)
	fmt.Fprintf(&b, "Kode aktivasi KTP digital (IKD) Anda: %s\r\n\r\n", m.Code)
	fmt.Fprintf(&b, "Masukkan kode ini di aplikasi dompet IKD di ponsel Anda. Kode berlaku sampai pukul %s WIB.\r\n\r\n",
		m.Expires.In(wib).Format("15.04"))
	b.WriteString("JANGAN berikan kode ini kepada siapa pun, termasuk petugas. Aktivasi IKD gratis dan hanya\r\n")
	b.WriteString("dilakukan di kantor Dukcapil; petugas tidak pernah meminta kode lewat telepon atau chat.\r\n\r\n")
	b.WriteString("Jika Anda tidak sedang melakukan aktivasi, abaikan e-mail ini dan hubungi Dukcapil.\r\n\r\n")
	b.WriteString("Dinas Kependudukan dan Pencatatan Sipil Provinsi Bengkulu\r\n")
	return b.Bytes()
}
