package kms

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"github.com/ikd-project/ikd/internal/atomicfile"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"sync"
	"time"

	"golang.org/x/crypto/argon2"
)

// FileStore keeps issuer keys in a directory.
type FileStore struct {
	dir        string
	passphrase []byte
	now        func() time.Time
	mu         sync.Mutex
	keys       []Key
}

type keyRecord struct {
	ID          string    `json:"id"`
	State       State     `json:"state"`
	Created     time.Time `json:"created"`
	Retired     time.Time `json:"retired,omitzero"`
	VerifyUntil time.Time `json:"verify_until,omitzero"`
}

const (
	indexFile     = "keys.json"
	plainPEM      = "PRIVATE KEY"
	encryptedPEM  = "IKD ENCRYPTED PRIVATE KEY"
	argonTime     = 3
	argonMemoryKB = 64 * 1024
)

// OpenFileStore opens the key directory dir, creating it and a first active
// key when it holds none. A non-empty passphrase encrypts new keys and is
// needed to read encrypted ones.
func OpenFileStore(dir string, passphrase []byte, now func() time.Time) (*FileStore, error) {
	if now == nil {
		now = time.Now
	}
	s := &FileStore{dir: dir, passphrase: passphrase, now: now}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create key directory: %w", err)
	}
	recs, err := s.readIndex()
	if err != nil {
		return nil, err
	}
	for _, r := range recs {
		k, err := s.load(r)
		if err != nil {
			return nil, err
		}
		s.keys = append(s.keys, k)
	}
	if len(s.keys) == 0 {
		if _, err := s.Rotate(0); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// Active returns the key that signs.
func (s *FileStore) Active() Key {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, k := range s.keys {
		if k.State == Active {
			return k
		}
	}
	panic("kms: no active key") // OpenFileStore and Rotate guarantee one
}

// Lookup returns the key with the given ID.
func (s *FileStore) Lookup(id string) (Key, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, k := range s.keys {
		if k.ID == id {
			return k, nil
		}
	}
	return Key{}, fmt.Errorf("%w: %s", ErrNoKey, id)
}

// List returns every key, newest first.
func (s *FileStore) List() []Key {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := append([]Key(nil), s.keys...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Created.After(out[j].Created) })
	return out
}

// Rotate creates a new active key and retires the current one, which keeps
// verifying for validity (the longest lifetime of what it signed).
func (s *FileStore) Rotate(validity time.Duration) (Key, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return Key{}, fmt.Errorf("generate key: %w", err)
	}
	id, err := Thumbprint(&priv.PublicKey)
	if err != nil {
		return Key{}, err
	}
	now := s.now().UTC().Truncate(time.Second)
	if err := s.writeKey(id, priv); err != nil {
		return Key{}, err
	}
	keys := append([]Key(nil), s.keys...)
	for i := range keys {
		if keys[i].State == Active {
			keys[i].State, keys[i].Retired, keys[i].VerifyUntil = Retired, now, now.Add(validity)
		}
	}
	k := Key{ID: id, State: Active, Created: now, Public: &priv.PublicKey, signer: priv}
	keys = append(keys, k)
	if err := s.writeIndex(keys); err != nil {
		return Key{}, err
	}
	s.keys = keys
	return k, nil
}

// Withdraw stops a retired key from verifying anything. The active key
// cannot be withdrawn; rotate first.
func (s *FileStore) Withdraw(id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	keys := append([]Key(nil), s.keys...)
	for i := range keys {
		if keys[i].ID != id {
			continue
		}
		if keys[i].State == Active {
			return fmt.Errorf("kms: %s is the active key; rotate before withdrawing it", id)
		}
		keys[i].State = Withdrawn
		if err := s.writeIndex(keys); err != nil {
			return err
		}
		s.keys = keys
		return nil
	}
	return fmt.Errorf("%w: %s", ErrNoKey, id)
}

func (s *FileStore) readIndex() ([]keyRecord, error) {
	b, err := os.ReadFile(filepath.Join(s.dir, indexFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read key index: %w", err)
	}
	var recs []keyRecord
	if err := json.Unmarshal(b, &recs); err != nil {
		return nil, fmt.Errorf("parse %s: %w", indexFile, err)
	}
	return recs, nil
}

// writeIndex replaces keys.json atomically: write a temporary file, sync
// it, rename it over the old one.
func (s *FileStore) writeIndex(keys []Key) error {
	recs := make([]keyRecord, len(keys))
	for i, k := range keys {
		recs[i] = keyRecord{ID: k.ID, State: k.State, Created: k.Created, Retired: k.Retired, VerifyUntil: k.VerifyUntil}
	}
	b, err := json.MarshalIndent(recs, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.Write(filepath.Join(s.dir, indexFile), b, 0o600)
}

func (s *FileStore) keyPath(id string) string { return filepath.Join(s.dir, id+".pem") }

func (s *FileStore) writeKey(id string, priv *ecdsa.PrivateKey) error {
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return err
	}
	block := &pem.Block{Type: plainPEM, Bytes: der}
	if len(s.passphrase) > 0 {
		if block, err = seal(der, s.passphrase); err != nil {
			return err
		}
	}
	return atomicfile.Write(s.keyPath(id), pem.EncodeToMemory(block), 0o600)
}

// validID matches an RFC 7638 thumbprint in base64url: 43 characters.
var validID = regexp.MustCompile(`^[A-Za-z0-9_-]{43}$`)

func (s *FileStore) load(r keyRecord) (Key, error) {
	if !validID.MatchString(r.ID) {
		return Key{}, fmt.Errorf("%s lists a key with a malformed ID", indexFile)
	}
	path := s.keyPath(r.ID)
	info, err := os.Stat(path)
	if err != nil {
		return Key{}, fmt.Errorf("key %s: %w", r.ID, err)
	}
	if info.Mode().Perm()&0o077 != 0 {
		return Key{}, fmt.Errorf("key file %s is readable by other users (mode %v); run chmod 600 %s", path, info.Mode().Perm(), path)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return Key{}, err
	}
	block, _ := pem.Decode(b)
	if block == nil {
		return Key{}, fmt.Errorf("key file %s is not PEM", path)
	}
	der := block.Bytes
	switch {
	case block.Type == encryptedPEM:
		if der, err = open(block, s.passphrase); err != nil {
			return Key{}, fmt.Errorf("key %s: %w", r.ID, err)
		}
	case len(s.passphrase) > 0:
		// With a passphrase every key is encrypted; a plain key file is
		// one somebody put there.
		return Key{}, fmt.Errorf("key file %s is not encrypted, but the key store has a passphrase", path)
	}
	parsed, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return Key{}, fmt.Errorf("key %s: %w", r.ID, err)
	}
	priv, ok := parsed.(*ecdsa.PrivateKey)
	if !ok || priv.Curve != elliptic.P256() {
		return Key{}, fmt.Errorf("key %s is not a P-256 key", r.ID)
	}
	if id, _ := Thumbprint(&priv.PublicKey); id != r.ID {
		return Key{}, fmt.Errorf("key file %s holds key %s", path, id)
	}
	return Key{ID: r.ID, State: r.State, Created: r.Created, Retired: r.Retired, VerifyUntil: r.VerifyUntil,
		Public: &priv.PublicKey, signer: priv}, nil
}

// seal encrypts a PKCS#8 key with a key derived from the passphrase by
// argon2id, with AES-256-GCM.
func seal(der, passphrase []byte) (*pem.Block, error) {
	salt, nonce := make([]byte, 16), make([]byte, 12)
	rand.Read(salt)
	rand.Read(nonce)
	aead, err := aeadFor(passphrase, salt, argonTime, argonMemoryKB)
	if err != nil {
		return nil, err
	}
	return &pem.Block{Type: encryptedPEM, Headers: map[string]string{
		"KDF": "argon2id", "Argon-Time": strconv.Itoa(argonTime), "Argon-Memory-KiB": strconv.Itoa(argonMemoryKB),
		"Salt": hex.EncodeToString(salt), "Nonce": hex.EncodeToString(nonce), "Cipher": "AES-256-GCM",
	}, Bytes: aead.Seal(nil, nonce, der, nil)}, nil
}

func open(block *pem.Block, passphrase []byte) ([]byte, error) {
	if len(passphrase) == 0 {
		return nil, errors.New("the key is encrypted: give the passphrase file (IKD_KEY_PASSPHRASE_FILE)")
	}
	h := block.Headers
	salt, err1 := hex.DecodeString(h["Salt"])
	nonce, err2 := hex.DecodeString(h["Nonce"])
	t, err3 := strconv.Atoi(h["Argon-Time"])
	m, err4 := strconv.Atoi(h["Argon-Memory-KiB"])
	// Bounds on what the file may ask of argon2: zero rounds make it
	// panic, and a huge memory size would exhaust the machine.
	if err := errors.Join(err1, err2, err3, err4); err != nil || h["KDF"] != "argon2id" || len(nonce) != 12 ||
		len(salt) < 16 || t < 1 || t > 10 || m < 19*1024 || m > 1024*1024 {
		return nil, errors.New("encrypted key has bad or out-of-range headers")
	}
	aead, err := aeadFor(passphrase, salt, t, m)
	if err != nil {
		return nil, err
	}
	der, err := aead.Open(nil, nonce, block.Bytes, nil)
	if err != nil {
		return nil, errors.New("wrong passphrase, or the key file is damaged")
	}
	return der, nil
}

func aeadFor(passphrase, salt []byte, t, mKiB int) (cipher.AEAD, error) {
	key := argon2.IDKey(passphrase, salt, uint32(t), uint32(mKiB), 1, 32)
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}
