package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	netmail "net/mail"
	"net/smtp"
	"net/textproto"
	"strings"
	"time"

	"github.com/ikd-project/ikd/internal/aktivasi"
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

var _ aktivasi.Mailer = (*SMTP)(nil)

// SendActivationCode sends the activation e-mail.
func (s *SMTP) SendActivationCode(ctx context.Context, m aktivasi.CodeMail) error {
	return s.send(ctx, m.To, ActivationMessage(m, s.Now().UTC()))
}

// SendEmailChanged sends the notice to the old address.
func (s *SMTP) SendEmailChanged(ctx context.Context, m aktivasi.ChangeMail) error {
	return s.send(ctx, m.To, EmailChangedMessage(m, s.Now().UTC()))
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
		return stageError("greeting", err)
	}
	defer c.Close()
	if err := s.open(c, host); err != nil {
		return err
	}
	return deliver(c, from.Address, to, msg)
}

// open secures the conversation with STARTTLS when the server offers it,
// and authenticates when a username is set.
func (s *SMTP) open(c *smtp.Client, host string) error {
	if ok, _ := c.Extension("STARTTLS"); ok {
		if err := c.StartTLS(&tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}); err != nil {
			return stageError("STARTTLS", err)
		}
	}
	if s.Username != "" {
		if err := c.Auth(smtp.PlainAuth("", s.Username, s.Password, host)); err != nil {
			return stageError("AUTH", err)
		}
	}
	return nil
}

// deliver sends one message from from to to over an open conversation.
func deliver(c *smtp.Client, from, to string, msg []byte) error {
	if err := c.Mail(from); err != nil {
		return stageError("MAIL", err)
	}
	if err := c.Rcpt(to); err != nil {
		return stageError("RCPT", err)
	}
	w, err := c.Data()
	if err != nil {
		return stageError("DATA", err)
	}
	if _, err := w.Write(msg); err != nil {
		return stageError("DATA", err)
	}
	if err := w.Close(); err != nil {
		return stageError("end of message", err)
	}
	if err := c.Quit(); err != nil {
		return stageError("QUIT", err)
	}
	return nil
}

// Error is a failed step of an SMTP conversation. It keeps the step and
// the server's reply code, never the reply's text: servers quote the
// recipient's address in it (as sent, lower-cased, or only its local
// part), and the error reaches logs.
type Error struct {
	Stage    string // e.g. "greeting", "AUTH", "MAIL", "RCPT", "DATA", "end of message"
	Code     int    // the reply code, e.g. 550; 0 when the step failed without a reply
	Enhanced string // the enhanced status code (RFC 3463) the reply starts with, e.g. "5.1.1"; "" when none
	Err      error  // when Code is 0: the local or network error; nil otherwise
}

// Error names the step and the reply code, e.g. "smtp: RCPT 550 5.1.1".
func (e *Error) Error() string {
	switch {
	case e.Code != 0 && e.Enhanced != "":
		return fmt.Sprintf("smtp: %s %d %s", e.Stage, e.Code, e.Enhanced)
	case e.Code != 0:
		return fmt.Sprintf("smtp: %s %d", e.Stage, e.Code)
	}
	return fmt.Sprintf("smtp: %s: %v", e.Stage, e.Err)
}

// Unwrap returns the local or network error, if any.
func (e *Error) Unwrap() error { return e.Err }

// errMalformed stands for a reply that is no valid SMTP reply; its text is
// dropped like any reply's.
var errMalformed = errors.New("malformed reply")

// stageError turns an error of step stage into an *Error, dropping any
// text the server sent.
func stageError(stage string, err error) error {
	var reply *textproto.Error
	if errors.As(err, &reply) {
		return &Error{Stage: stage, Code: reply.Code, Enhanced: enhancedCode(reply.Msg)}
	}
	var bad textproto.ProtocolError
	if errors.As(err, &bad) {
		return &Error{Stage: stage, Err: errMalformed}
	}
	return &Error{Stage: stage, Err: err}
}

// enhancedCode returns the enhanced status code ("5.1.1") a reply text
// starts with, or "".
func enhancedCode(msg string) string {
	f, _, _ := strings.Cut(msg, " ")
	parts := strings.Split(f, ".")
	if len(parts) != 3 || len(parts[0]) != 1 || !strings.Contains("245", parts[0]) {
		return ""
	}
	for _, p := range parts[1:] {
		if len(p) < 1 || len(p) > 3 || strings.Trim(p, "0123456789") != "" {
			return ""
		}
	}
	return f
}
