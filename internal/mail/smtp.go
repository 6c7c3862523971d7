package mail

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	netmail "net/mail"
	"net/smtp"
	"time"

	"github.com/ikd-project/ikd/internal/activation"
)

// SMTP sends mail through an SMTP server (the office's relay or a mail
// provider). It uses STARTTLS whenever the server offers it, and PLAIN
// authentication when a username is set, which net/smtp allows only over
// TLS or to a server on this machine.
type SMTP struct {
	Addr     string // host:port
	Username string
	Password string
	Now      func() time.Time
	Timeout  time.Duration // for the whole conversation; 30 s when zero
}

var _ activation.Mailer = (*SMTP)(nil)

// SendActivationCode sends the activation e-mail.
func (s *SMTP) SendActivationCode(ctx context.Context, m activation.CodeMail) error {
	return s.send(ctx, m.To, ActivationMessage(m, s.Now().UTC()))
}

func (s *SMTP) send(ctx context.Context, to string, msg []byte) error {
	from, err := netmail.ParseAddress(From)
	if err != nil {
		return err
	}
	timeout := s.Timeout
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	conn, err := (&net.Dialer{}).DialContext(ctx, "tcp", s.Addr)
	if err != nil {
		return fmt.Errorf("smtp: connect to %s: %w", s.Addr, err)
	}
	deadline, _ := ctx.Deadline()
	conn.SetDeadline(deadline)
	host, _, _ := net.SplitHostPort(s.Addr)
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		conn.Close()
		return fmt.Errorf("smtp: %w", err)
	}
	defer c.Close()
	if ok, _ := c.Extension("STARTTLS"); ok {
		if err := c.StartTLS(&tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}); err != nil {
			return fmt.Errorf("smtp: STARTTLS: %w", err)
		}
	}
	if s.Username != "" {
		if err := c.Auth(smtp.PlainAuth("", s.Username, s.Password, host)); err != nil {
			return fmt.Errorf("smtp: authenticate: %w", err)
		}
	}
	if err := c.Mail(from.Address); err != nil {
		return fmt.Errorf("smtp: MAIL FROM: %w", err)
	}
	if err := c.Rcpt(to); err != nil {
		return fmt.Errorf("smtp: RCPT TO: %w", err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("smtp: DATA: %w", err)
	}
	if _, err := w.Write(msg); err != nil {
		return fmt.Errorf("smtp: write message: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("smtp: end of message: %w", err)
	}
	return c.Quit()
}
