package audit

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/ikd-project/ikd/internal/atomicfile"
)

// The chain file keeps, outside the database and next to the audit key,
// the fact "this database's chain is keyed from event N". The marker in
// meta alone cannot: whoever can write to the database can delete it, and
// a database without a marker looks like one from before the keyed chain.
// The file is written once, when ikd first binds the chain, and holds
//
//	ikd-audit-chain v1 key_id=K since=N mac=M
//
// where K is the fingerprint of the audit key (which the database records
// in meta audit.key_id, so the file belongs to that database) and M an
// HMAC-SHA256 of the rest under a key derived from the audit key.
const (
	chainFilePrefix = "ikd-audit-chain v1"
	chainFileLabel  = "ikd audit chain file v1"
)

// KeyID is an audit key's public fingerprint: it names the key without
// revealing it.
func KeyID(key []byte) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("ikd-audit-key-id"))
	return hex.EncodeToString(m.Sum(nil))[:16]
}

// ChainFile returns the path of the chain file that goes with the audit key
// file keyFile: data/audit.key has data/audit.chain.
func ChainFile(keyFile string) string {
	return strings.TrimSuffix(keyFile, filepath.Ext(keyFile)) + ".chain"
}

// chainFileLine returns the authenticated content of a chain file.
func (l *Log) chainFileLine(since int64) string {
	body := fmt.Sprintf("%s key_id=%s since=%d", chainFilePrefix, KeyID(l.key), since)
	return body + " mac=" + l.chainFileMAC(body)
}

func (l *Log) chainFileMAC(body string) string {
	k := hmac.New(sha256.New, l.key)
	k.Write([]byte(chainFileLabel))
	m := hmac.New(sha256.New, k.Sum(nil))
	m.Write([]byte(body))
	return hex.EncodeToString(m.Sum(nil))
}

// ReadChainFile reads the chain file at path and returns the first keyed
// event it records; ok is false when there is no file yet (a database
// never started under an ikd that writes it).
func (l *Log) ReadChainFile(path string) (since int64, ok bool, err error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("read audit chain file: %w", err)
	}
	since, err = l.parseChainFile(string(b))
	if err != nil {
		return 0, false, fmt.Errorf("audit chain file %s: %w", path, err)
	}
	return since, true, nil
}

// parseChainFile checks the MAC and key of a chain file's content.
func (l *Log) parseChainFile(s string) (int64, error) {
	body, mac, _ := strings.Cut(strings.TrimSpace(s), " mac=")
	if !hmac.Equal([]byte(mac), []byte(l.chainFileMAC(body))) {
		return 0, fmt.Errorf("altered, or written with another audit key than %s", KeyID(l.key))
	}
	want := fmt.Sprintf("%s key_id=%s since=", chainFilePrefix, KeyID(l.key))
	since, err := strconv.ParseInt(strings.TrimPrefix(body, want), 10, 64)
	if !strings.HasPrefix(body, want) || err != nil || since < 1 {
		return 0, fmt.Errorf("malformed (want %q)", want+"N mac=M")
	}
	return since, nil
}

// WriteChainFile records at path, once, that the chain is keyed from
// since. A file that is already there (another process started at the
// same moment) must say the same.
func (l *Log) WriteChainFile(path string, since int64) error {
	err := atomicfile.Create(path, []byte(l.chainFileLine(since)+"\n"), 0o600)
	if err == nil {
		return nil
	}
	got, ok, rerr := l.ReadChainFile(path)
	if rerr != nil || !ok {
		return fmt.Errorf("write audit chain file %s: %w", path, err)
	}
	if got != since {
		return ErrMarkerMoved(since, got)
	}
	return nil
}
