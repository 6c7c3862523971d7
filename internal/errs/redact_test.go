package errs_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/ikd-project/ikd/internal/errs"
)

// TestRedactCaseAndLocalPart (security review): mail servers echo an
// address normalised (lower- or upper-cased) or only its local part;
// Redact removes every form, and the error still unwraps to the original.
func TestRedactCaseAndLocalPart(t *testing.T) {
	stored := "Siti.Aminah@Example.ID" // as the resident's record holds it
	orig := errors.New("x")
	for _, reply := range []string{
		"smtp: RCPT TO: 550 5.1.1 <siti.aminah@example.id>: Recipient address rejected: User unknown",
		"smtp: RCPT TO: 550 5.1.1 <SITI.AMINAH@EXAMPLE.ID>: Recipient address rejected",
		"smtp: RCPT TO: 550 5.1.1 <Siti.Aminah@Example.ID>: Recipient address rejected",
		"smtp: RCPT TO: 550 5.1.1 siti.aminah... User unknown",
	} {
		err := errs.Redact(errors.Join(errors.New(reply), orig), stored, "s***@Example.ID")
		if strings.Contains(strings.ToLower(err.Error()), "siti.aminah") || !strings.Contains(err.Error(), "550 5.1.1") {
			t.Errorf("redacted %q to %q", reply, err)
		}
		if !errors.Is(err, orig) {
			t.Errorf("%q no longer unwraps to the original", err)
		}
	}
	err := errs.Redact(errors.New("to <siti.aminah@example.id> of SITI AMINAH"), stored, "s***@Example.ID", "Siti Aminah", "***", "", "x")
	if got := err.Error(); got != "to <s***@Example.ID> of ***" {
		t.Errorf("got %q", got)
	}
	if errs.Redact(nil, stored, "***") != nil {
		t.Error("nil error redacted to non-nil")
	}
}
