package mail

import (
	"bufio"
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/ikd-project/ikd/internal/aktivasi"
)

// echoSMTP is a real SMTP server on a TCP port that answers a command
// (MAIL, RCPT, DATA or "." for the end of the message) with the reply
// reject gives it, the recipient's address as sent in hand, and 250 (354
// for DATA) when reject returns "".
func echoSMTP(t *testing.T, reject func(cmd, rcpt string) string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go converse(c, reject)
		}
	}()
	return ln.Addr().String()
}

// converse runs one SMTP conversation of echoSMTP.
func converse(c net.Conn, reject func(cmd, rcpt string) string) {
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	r := bufio.NewReader(c)
	c.Write([]byte("220 mx.example.id ESMTP\r\n"))
	rcpt, inData := "", false
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		cmd := strings.ToUpper(strings.Fields(line + " x")[0])
		if inData && strings.TrimRight(line, "\r\n") != "." {
			continue
		}
		inData = false
		if cmd == "RCPT" {
			rcpt = strings.Trim(strings.TrimSpace(line[strings.Index(line, ":")+1:]), "<>")
		}
		reply := reject(cmd, rcpt)
		switch {
		case reply != "":
		case cmd == "EHLO" || cmd == "HELO":
			reply = "250 mx.example.id"
		case cmd == "DATA":
			reply, inData = "354 go ahead", true
		case cmd == "QUIT":
			c.Write([]byte("221 Bye\r\n"))
			return
		default:
			reply = "250 2.0.0 Ok"
		}
		c.Write([]byte(reply + "\r\n"))
	}
}

// TestSMTPErrorHoldsNoReplyText (security review): whatever a server
// echoes of the address (as sent, lower- or upper-cased, its local part)
// at any step, the error names only the step and the reply code.
func TestSMTPErrorHoldsNoReplyText(t *testing.T) {
	const to = "Siti.Aminah@Example.ID"
	forms := map[string]func(string) string{
		"as sent":    func(a string) string { return "<" + a + ">" },
		"lower":      strings.ToLower,
		"upper":      strings.ToUpper,
		"local part": func(a string) string { return a[:strings.IndexByte(a, '@')] + "... User unknown" },
	}
	steps := []struct{ cmd, reply, want string }{
		{"RCPT", "550 5.1.1 %s: Recipient address rejected", "smtp: RCPT 550 5.1.1"},
		{"RCPT", "450 %s: mailbox busy", "smtp: RCPT 450"},
		{"MAIL", "553 5.7.1 sender rejected for %s", "smtp: MAIL 553 5.7.1"},
		{"DATA", "554 5.7.1 no data for %s", "smtp: DATA 554 5.7.1"},
		{".", "552 5.2.2 mailbox of %s full", "smtp: end of message 552 5.2.2"},
	}
	for name, form := range forms {
		for _, st := range steps {
			addr := echoSMTP(t, func(cmd, rcpt string) string {
				if cmd != st.cmd {
					return ""
				}
				return strings.Replace(st.reply, "%s", form(to), 1)
			})
			s := &SMTP{Addr: addr, Now: mailNow, Timeout: 5 * time.Second}
			err := s.SendActivationCode(context.Background(), aktivasi.CodeMail{To: to, Nama: "SITI AMINAH", Code: "482913"})
			var e *Error
			if !errors.As(err, &e) || err.Error() != st.want {
				t.Errorf("%s at %s: %v, want %q", name, st.cmd, err, st.want)
			}
			if err != nil && strings.Contains(strings.ToLower(err.Error()), "siti") {
				t.Errorf("%s at %s: the address reached the error: %v", name, st.cmd, err)
			}
		}
	}
}

// TestSMTPMalformedReply: a reply that is no SMTP reply is reported
// without its text.
func TestSMTPMalformedReply(t *testing.T) {
	addr := echoSMTP(t, func(cmd, _ string) string {
		if cmd == "RCPT" {
			return "oops siti.aminah@example.id"
		}
		return ""
	})
	s := &SMTP{Addr: addr, Now: mailNow, Timeout: 5 * time.Second}
	err := s.SendActivationCode(context.Background(), aktivasi.CodeMail{To: "siti.aminah@example.id", Code: "1"})
	if err == nil || err.Error() != "smtp: RCPT: malformed reply" {
		t.Errorf("malformed reply: %v", err)
	}
}
