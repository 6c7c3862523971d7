package audit

import (
	"crypto/hmac"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"strings"

	"github.com/ikd-project/ikd/internal/atomicfile"
	"github.com/ikd-project/ikd/internal/errs"
)

// The seen file keeps, outside the database and next to the audit key, the
// highest audit event ikd has seen in the database (a high-water mark),
// written at every start and on a clean shutdown. Whoever can rewrite the
// database's tables can delete events and move the head back so that the
// chain still verifies; a head below the seen mark catches that (wiping,
// truncation, a rollback between starts). It holds
//
//	ikd-audit-seen v1 key_id=K seq=N mac=M
//
// authenticated like the chain file. A deliberate restore from an older
// backup is accepted with ikd audit accept-restore, which rewrites it.
const seenFilePrefix = "ikd-audit-seen v1"

// SeenFile returns the path of the seen file that goes with the audit key
// file keyFile: data/audit.key has data/audit.seen.
func SeenFile(keyFile string) string {
	return strings.TrimSuffix(ChainFile(keyFile), ".chain") + ".seen"
}

// seenFileLine returns the authenticated content of a seen file.
func (l *Log) seenFileLine(seq int64) string {
	body := fmt.Sprintf("%s key_id=%s seq=%d", seenFilePrefix, KeyID(l.key), seq)
	return body + " mac=" + l.chainFileMAC(body)
}

// ReadSeenFile reads the seen file at path and returns the highest event it
// records; ok is false when there is no file yet.
func (l *Log) ReadSeenFile(path string) (seq int64, ok bool, err error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("read audit seen file: %w", err)
	}
	seq, err = l.parseSeenFile(string(b))
	if err != nil {
		return 0, false, fmt.Errorf("audit seen file %s: %w", path, err)
	}
	return seq, true, nil
}

// parseSeenFile checks the MAC and key of a seen file's content.
func (l *Log) parseSeenFile(s string) (int64, error) {
	body, mac, _ := strings.Cut(strings.TrimSpace(s), " mac=")
	if !hmac.Equal([]byte(mac), []byte(l.chainFileMAC(body))) {
		return 0, fmt.Errorf("altered, or written with another audit key than %s", KeyID(l.key))
	}
	want := fmt.Sprintf("%s key_id=%s seq=", seenFilePrefix, KeyID(l.key))
	seq, err := strconv.ParseInt(strings.TrimPrefix(body, want), 10, 64)
	if !strings.HasPrefix(body, want) || err != nil || seq < 0 {
		return 0, fmt.Errorf("malformed (want %q)", want+"N mac=M")
	}
	return seq, nil
}

// WriteSeenFile records at path, replacing what was there, that the
// database's audit log reached event seq.
func (l *Log) WriteSeenFile(path string, seq int64) error {
	if err := atomicfile.Write(path, []byte(l.seenFileLine(seq)+"\n"), 0o600); err != nil {
		return fmt.Errorf("write audit seen file %s: %w", path, err)
	}
	return nil
}

// ExpectAtLeast tells the Log that its database's log reached event seq
// before (the seen file): Verify reports a head below it.
func (l *Log) ExpectAtLeast(seq int64) { l.seen.Store(seq) }

// seenProblem is Verify's problem for a log that ends below the seen mark,
// nil when it does not.
func (l *Log) seenProblem(last int64) []Problem {
	seen := l.seen.Load()
	if last >= seen {
		return nil
	}
	return []Problem{{Deleted, last + 1, fmt.Sprintf("the log ends at event %d, but ikd saw event %d in it before (recorded outside the database): "+
		"events were deleted or the database was rolled back", last, seen)}}
}

// ErrBelowSeen is the error of a database whose audit head is below the
// highest event ikd saw in it before.
func ErrBelowSeen(head, seen int64, file string) error {
	return errs.Newf(errs.Conflict,
		"log audit basis data berakhir pada kejadian %d, padahal ikd sudah melihat kejadian %d (tercatat di %s, di luar basis data): "+
			"kejadian audit dihapus atau basis data dikembalikan ke keadaan lama; periksa dengan ikd audit verify. "+
			"Jika Anda sengaja memulihkan cadangan, terima dengan: ikd audit accept-restore",
		"the database's audit log ends at event %d, but ikd saw event %d in it before (recorded in %s, outside the database): "+
			"audit events were deleted or the database was rolled back; check with ikd audit verify. "+
			"If you deliberately restored a backup, accept it with: ikd audit accept-restore",
		head, seen, file)
}
