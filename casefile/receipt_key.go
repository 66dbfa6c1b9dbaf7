package casefile

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// SigningKey is the per-installation Ed25519 key that signs receipts. It
// lives in the user's config folder (KeyDir), readable by the user only,
// so someone who can rewrite a case file cannot also make a receipt for
// the rewritten audit chain without it.
type SigningKey struct {
	priv ed25519.PrivateKey
	id   string
}

// keyFileName and keyFileHeader name and head the key file; journalName is
// the journal of the receipts this installation made.
const (
	keyFileName   = "receipt-key"
	keyFileHeader = "facecase receipt signing key v1 (Ed25519 seed, base64); keep it private\n"
	journalName   = "receipts.jsonl"
)

// ErrKeyFile: the receipt signing key file is damaged or readable by
// others.
var ErrKeyFile = errors.New("receipt signing key file unusable")

// KeyDir is where the installation's signing key and receipt journal
// live: $XDG_CONFIG_HOME/facecase (or the platform's config folder).
func KeyDir() (string, error) {
	d, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("receipt key folder: %w", err)
	}
	return filepath.Join(d, "facecase"), nil
}

// LoadOrCreateSigningKey loads the signing key in dir, creating it (mode
// 0600, in a 0700 folder) on first use.
func LoadOrCreateSigningKey(dir string) (*SigningKey, error) {
	k, err := LoadSigningKey(dir)
	if !errors.Is(err, fs.ErrNotExist) {
		return k, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("receipt key folder: %w", err)
	}
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	path := filepath.Join(dir, keyFileName)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) { // made by another process meanwhile
		return LoadSigningKey(dir)
	}
	if err != nil {
		return nil, fmt.Errorf("create receipt key: %w", err)
	}
	_, err = f.WriteString(keyFileHeader + base64.StdEncoding.EncodeToString(priv.Seed()) + "\n")
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return nil, fmt.Errorf("create receipt key: %w", err)
	}
	return newSigningKey(priv), syncDir(dir)
}

// LoadSigningKey loads the signing key in dir; an fs.ErrNotExist error
// when there is none yet.
func LoadSigningKey(dir string) (*SigningKey, error) {
	path := filepath.Join(dir, keyFileName)
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if st.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("%s: %w: it is readable by others (mode %v); make it private with chmod 600", path, ErrKeyFile, st.Mode().Perm())
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	body, ok := bytes.CutPrefix(raw, []byte(keyFileHeader))
	seed, derr := base64.StdEncoding.DecodeString(strings.TrimSpace(string(body)))
	if !ok || derr != nil || len(seed) != ed25519.SeedSize {
		return nil, fmt.Errorf("%s: %w: not a facecase key file", path, ErrKeyFile)
	}
	return newSigningKey(ed25519.NewKeyFromSeed(seed)), nil
}

func newSigningKey(priv ed25519.PrivateKey) *SigningKey {
	return &SigningKey{priv: priv, id: keyID(priv.Public().(ed25519.PublicKey))}
}

// keyID names a public key: the first 16 hex digits of its SHA-256.
func keyID(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	return hex.EncodeToString(sum[:8])
}

// ID is the key's id, as receipts show it.
func (k *SigningKey) ID() string { return k.id }

// PublicKey is the key's public half.
func (k *SigningKey) PublicKey() ed25519.PublicKey { return k.priv.Public().(ed25519.PublicKey) }

// AppendJournal adds a receipt, as one line, to the receipt journal in
// dir: a record, outside every case, of each chain head this
// installation signed ('facecase-cli verify --receipt' reads it).
func AppendJournal(dir string, r *Receipt) (string, error) {
	line, err := r.Compact()
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, journalName)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return "", fmt.Errorf("receipt journal: %w", err)
	}
	_, err = f.Write(append(line, '\n'))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", fmt.Errorf("receipt journal: %w", err)
	}
	return path, nil
}
