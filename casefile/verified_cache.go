package casefile

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
)

// verifiedCache remembers, outside the case, that a case file was checked
// on open and found sound, so that opening it again unchanged does not
// re-read the whole file. An entry is keyed by what any write to the file
// changes: device, inode, size, and the change time, which an ordinary
// user cannot set back (unlike the modification time); with bbolt's
// transaction id (every commit raises it, whatever the clock) and the
// audit head as recorded. (On a kernel with coarse timestamps, bytes
// overwritten outside bbolt within the same clock tick as facecase's last
// write keep the change time: a race no one editing a file by hand wins.) Anything else, including a file copied, edited,
// restored from a backup or written by another installation, is checked
// in full again. Entries live in the user's cache folder (not beside the
// case, where whoever can edit the case could edit them too); losing them
// only costs a full check.
type verifiedCache struct {
	dir string
}

// defaultVerifiedCache is $XDG_CACHE_HOME/facecase/verified (or the
// platform's equivalent); without a cache folder nothing is remembered.
func defaultVerifiedCache() verifiedCache {
	d, err := os.UserCacheDir()
	if err != nil {
		return verifiedCache{}
	}
	return verifiedCache{dir: filepath.Join(d, "facecase", "verified")}
}

// verifiedEntry is one remembered case file.
type verifiedEntry struct {
	Path  string    `json:"path"`
	Stamp fileStamp `json:"stamp"`
	TxID  uint64    `json:"txid"`
	Head  AuditHead `json:"audit_head"`
}

// entryOf is the entry the file at path would have now.
func entryOf(path string, head AuditHead) (verifiedEntry, bool) {
	st, ok := stampOf(path)
	if !ok {
		return verifiedEntry{}, false
	}
	f, err := os.Open(path)
	if err != nil {
		return verifiedEntry{}, false
	}
	defer f.Close()
	m, _, err := readRawMeta(f, st.Size)
	if err != nil {
		return verifiedEntry{}, false
	}
	return verifiedEntry{Path: path, Stamp: st, TxID: m.TxID, Head: head}, true
}

func (vc verifiedCache) entryPath(path string) string {
	sum := sha256.Sum256([]byte(path))
	return filepath.Join(vc.dir, hex.EncodeToString(sum[:16])+".json")
}

// sound reports whether path, with audit head head, is the file last
// remembered as sound.
func (vc verifiedCache) sound(path string, head AuditHead) bool {
	now, ok := entryOf(path, head)
	if vc.dir == "" || !ok {
		return false
	}
	raw, err := os.ReadFile(vc.entryPath(path))
	if err != nil {
		return false
	}
	var e verifiedEntry
	return json.Unmarshal(raw, &e) == nil && e == now
}

// remember records path, as it is now, as sound. Failing to is not an
// error: the next open checks the file in full.
func (vc verifiedCache) remember(path string, head AuditHead) {
	e, ok := entryOf(path, head)
	if vc.dir == "" || !ok || os.MkdirAll(vc.dir, 0o700) != nil {
		return
	}
	raw, err := json.Marshal(e)
	if err != nil {
		return
	}
	tmp, err := os.CreateTemp(vc.dir, ".entry-*")
	if err != nil {
		return
	}
	_, err = tmp.Write(raw)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), vc.entryPath(path))
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
}

// forget drops what is remembered of path.
func (vc verifiedCache) forget(path string) {
	if vc.dir != "" {
		os.Remove(vc.entryPath(path))
	}
}
