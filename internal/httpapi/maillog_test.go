package httpapi_test

import (
	"bufio"
	"bytes"
	"log/slog"
	"net"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ikd-project/ikd/internal/httpapi"
	"github.com/ikd-project/ikd/internal/httpserver"
	"github.com/ikd-project/ikd/internal/ikdtest"
	"github.com/ikd-project/ikd/internal/mail"
	"github.com/ikd-project/ikd/internal/petugas"
	"github.com/ikd-project/ikd/internal/store"
)

// rejectingSMTP is an SMTP server that refuses every recipient, quoting
// the address in its reply as real servers do, in the form echo gives it
// (as sent, lower-cased, only the local part, ...).
func rejectingSMTP(t *testing.T, echo func(addr string) string) string {
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
			go func() {
				defer c.Close()
				c.SetDeadline(time.Now().Add(10 * time.Second))
				r := bufio.NewReader(c)
				c.Write([]byte("220 mx.example.id ESMTP\r\n"))
				for {
					line, err := r.ReadString('\n')
					if err != nil {
						return
					}
					cmd := strings.ToUpper(strings.Fields(line + " x")[0])
					switch cmd {
					case "EHLO", "HELO":
						c.Write([]byte("250 mx.example.id\r\n"))
					case "MAIL":
						c.Write([]byte("250 2.1.0 Ok\r\n"))
					case "RCPT":
						addr := strings.TrimSpace(line[strings.Index(line, ":")+1:])
						c.Write([]byte("550 5.1.1 " + echo(addr) + ": Recipient address rejected: User unknown in virtual mailbox table\r\n"))
					case "QUIT":
						c.Write([]byte("221 Bye\r\n"))
						return
					default:
						c.Write([]byte("250 Ok\r\n"))
					}
				}
			}()
		}
	}()
	return ln.Addr().String()
}

// TestAktivasiMailErrorLog: when the SMTP server rejects the resident's
// address, the officer gets a 503 with a clear message, and the log names
// only the SMTP step and reply code: however the server echoes the
// address, neither it nor a full NIK reaches the log.
func TestAktivasiMailErrorLog(t *testing.T) {
	ikdtest.ForEachBackend(t, func(t *testing.T, st store.Store) {
		e := start(t, st)
		// The database's own audit log: a log with another key could not
		// continue its keyed chain.
		auditLog := e.dig.Issuer.Audit
		psvc := &petugas.Service{Store: st, Audit: auditLog, Actor: "admin"}
		_, token, err := psvc.Add(ctx, "budi", "Budi Santoso", office)
		if err != nil {
			t.Fatal(err)
		}
		for name, echo := range map[string]func(string) string{
			"as sent": func(a string) string { return a }, "upper": strings.ToUpper,
			"local part": func(a string) string { return strings.Trim(a[:strings.IndexByte(a, '@')], "<") + "..." },
		} {
			svc := *e.dig.Aktivasi
			svc.Mailer = &mail.SMTP{Addr: rejectingSMTP(t, echo), Now: time.Now, Timeout: 5 * time.Second}
			var buf bytes.Buffer
			logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
			api := &httpapi.API{PublicURL: e.dig.PublicURL, Store: st, Keys: e.dig.Keys, Issuer: e.dig.Issuer,
				Aktivasi: &svc, Petugas: psvc, Logger: logger}
			srv := httpserver.New(logger, st.Ready, func() any { return nil })
			api.Mount(srv.Handle)
			ts := httptest.NewServer(conform(t, srv.Handler()))
			t.Cleanup(ts.Close)
			officer := &env{url: ts.URL, client: ts.Client()}
			r := officer.do(t, "POST", "/api/v1/aktivasi", "application/json", `{"nik": "`+siti+`"}`, "Authorization", "Bearer "+token)
			r.oauthErr(t, 503, "unavailable")
			if !strings.Contains(string(r.body), "tidak terkirim") {
				t.Errorf("%s: answer: %s", name, r.body)
			}
			logged := buf.String()
			if !strings.Contains(logged, "httpapi: aktivasi offer") || !strings.Contains(logged, "smtp: RCPT 550 5.1.1") ||
				strings.Contains(logged, "Recipient address rejected") {
				t.Fatalf("%s: the SMTP error was not logged by step and code only:\n%s", name, logged)
			}
			for _, secret := range []string{"siti@", "siti...", siti, "siti aminah"} {
				if strings.Contains(strings.ToLower(logged), secret) || strings.Contains(strings.ToLower(string(r.body)), secret) {
					t.Errorf("%s: %q reached the log or the answer:\n%s\n%s", name, secret, logged, r.body)
				}
			}
		}
	})
}
