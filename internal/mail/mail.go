// Package mail sends ikd's e-mails: the activation code, and the notice to
// a resident's old address when their e-mail address is changed. The Outbox
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
	now := o.Now().UTC()
	return o.write(now, ActivationMessage(m, now))
}

// SendEmailChanged writes the notice to the old address to the outbox.
func (o *Outbox) SendEmailChanged(_ context.Context, m aktivasi.ChangeMail) error {
	now := o.Now().UTC()
	return o.write(now, EmailChangedMessage(m, now))
}

// write stores one message as a file named by its time.
func (o *Outbox) write(now time.Time, msg []byte) error {
	if err := os.MkdirAll(o.Dir, 0o700); err != nil {
		return fmt.Errorf("create outbox: %w", err)
	}
	b := make([]byte, 6)
	rand.Read(b)
	name := filepath.Join(o.Dir, now.Format("20060102T150405Z")+"-"+hex.EncodeToString(b)+".eml")
	if err := os.WriteFile(name, msg, 0o600); err != nil {
		return fmt.Errorf("write outbox: %w", err)
	}
	return nil
}

// wib is the time zone the mail's times are given in.
var wib = time.FixedZone("WIB", 7*3600)

// header writes the message's header (RFC 5322, UTF-8 plain text).
func header(b *bytes.Buffer, to, subject string, now time.Time) {
	fmt.Fprintf(b, "From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\nMIME-Version: 1.0\r\n", From, to,
		mime.QEncoding.Encode("utf-8", subject), now.Format(time.RFC1123Z))
	b.WriteString("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n")
}

// ActivationMessage renders the activation e-mail (RFC 5322, UTF-8), in
// Bahasa Indonesia.
func ActivationMessage(m aktivasi.CodeMail, now time.Time) []byte {
	var b bytes.Buffer
	header(&b, m.To, "Kode aktivasi KTP digital (IKD) Anda", now)
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

// EmailChangedMessage renders the notice to the old address that the
// resident's e-mail address was changed (RFC 5322, UTF-8), in Bahasa
// Indonesia with English below. It names the new address masked only.
func EmailChangedMessage(m aktivasi.ChangeMail, now time.Time) []byte {
	at := m.At.In(wib)
	day, clock := at.Format("02-01-2006"), at.Format("15.04")
	var b bytes.Buffer
	header(&b, m.To, "Alamat e-mail IKD Anda diubah / Your IKD e-mail address was changed", now)
	fmt.Fprintf(&b, "Yth. %s,\r\n\r\n", m.Nama)
	fmt.Fprintf(&b, "Alamat e-mail pada data KTP digital (IKD) Anda diubah menjadi %s oleh petugas di %s\r\n", m.NewMask, m.Kantor)
	fmt.Fprintf(&b, "pada tanggal %s pukul %s WIB. E-mail ini dikirim ke alamat lama Anda; kode aktivasi IKD\r\n", day, clock)
	b.WriteString("berikutnya dikirim ke alamat yang baru.\r\n\r\n")
	b.WriteString("Jika Anda tidak meminta perubahan ini, segera hubungi Dukcapil: orang lain mungkin sedang\r\n")
	b.WriteString("mengaktifkan IKD Anda di ponselnya.\r\n\r\n")
	b.WriteString("Dinas Kependudukan dan Pencatatan Sipil Provinsi Bengkulu\r\n\r\n")
	changedEnglish(&b, m, day, clock)
	return b.Bytes()
}

// changedEnglish writes the English part of the notice.
func changedEnglish(b *bytes.Buffer, m aktivasi.ChangeMail, day, clock string) {
	b.WriteString("-- English --\r\n\r\n")
	fmt.Fprintf(b, "Dear %s,\r\n\r\n", m.Nama)
	fmt.Fprintf(b, "The e-mail address of your digital ID (IKD) record was changed to %s by an officer at\r\n", m.NewMask)
	fmt.Fprintf(b, "%s on %s at %s WIB. This e-mail goes to your old address; the next IKD activation\r\n", m.Kantor, day, clock)
	b.WriteString("code goes to the new one.\r\n\r\n")
	b.WriteString("If it was not you who asked for this change, contact Dukcapil at once: someone else may be\r\n")
	b.WriteString("activating your IKD on their phone.\r\n")
}
