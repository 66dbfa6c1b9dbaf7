package eval

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"

	"facecase/facedata"
)

// ErrCacheBusy is returned when another process holds the cache file.
var ErrCacheBusy = errors.New("evaluation cache is in use by another process")

// cacheOpenTimeout is how long OpenCache waits for another process's lock.
var cacheOpenTimeout = 2 * time.Second

// Cache keeps descriptors between runs, in one bbolt file. Entries are keyed
// by the SHA-256 of the image file's bytes inside a bucket per model
// identity, so a renamed image is still found and a different model never
// reuses another's descriptors. Images with no usable face are remembered
// too. It is safe for concurrent use.
type Cache struct {
	db *bolt.DB
}

// imageHash is the SHA-256 of an image file.
type imageHash [sha256.Size]byte

// cached is what the cache holds for one image under one model.
type cached struct {
	noFace     bool
	descriptor facedata.Descriptor
}

const (
	cacheKindDescriptor byte = 1
	cacheKindNoFace     byte = 2
	cacheValueSize           = 1 + 4*facedata.DescriptorSize
)

// DefaultCachePath is the user's cache folder's facecase/eval-cache.db.
func DefaultCachePath() (string, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("evaluation cache: %w", err)
	}
	return filepath.Join(dir, "facecase", "eval-cache.db"), nil
}

// OpenCache opens or creates the cache file, creating its folder.
func OpenCache(path string) (*Cache, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("open evaluation cache %s: %w", path, err)
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: cacheOpenTimeout})
	if errors.Is(err, bolt.ErrTimeout) {
		return nil, fmt.Errorf("open evaluation cache %s: %w", path, ErrCacheBusy)
	}
	if err != nil {
		return nil, fmt.Errorf("open evaluation cache %s: %w", path, err)
	}
	return &Cache{db: db}, nil
}

// Close closes the file.
func (c *Cache) Close() error {
	if err := c.db.Close(); err != nil {
		return fmt.Errorf("close evaluation cache: %w", err)
	}
	return nil
}

// get looks an image up under model.
func (c *Cache) get(model string, h imageHash) (cached, bool, error) {
	var out cached
	var found bool
	err := c.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte(model))
		if b == nil {
			return nil
		}
		v := b.Get(h[:])
		if v == nil {
			return nil
		}
		e, err := decodeCached(v)
		if err != nil {
			return fmt.Errorf("entry %x: %w", h[:8], err)
		}
		out, found = e, true
		return nil
	})
	if err != nil {
		return cached{}, false, fmt.Errorf("read evaluation cache: %w", err)
	}
	return out, found, nil
}

// cacheWrite is one entry to store.
type cacheWrite struct {
	hash  imageHash
	value cached
}

// put stores entries under model in one transaction.
func (c *Cache) put(model string, entries []cacheWrite) error {
	if len(entries) == 0 {
		return nil
	}
	err := c.db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists([]byte(model))
		if err != nil {
			return err
		}
		for _, e := range entries {
			if err := b.Put(e.hash[:], encodeCached(e.value)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("write evaluation cache: %w", err)
	}
	return nil
}

func encodeCached(e cached) []byte {
	v := make([]byte, cacheValueSize)
	if e.noFace {
		v[0] = cacheKindNoFace
		return v[:1]
	}
	v[0] = cacheKindDescriptor
	for i, f := range e.descriptor {
		binary.LittleEndian.PutUint32(v[1+4*i:], math.Float32bits(f))
	}
	return v
}

func decodeCached(v []byte) (cached, error) {
	switch {
	case len(v) == 1 && v[0] == cacheKindNoFace:
		return cached{noFace: true}, nil
	case len(v) == cacheValueSize && v[0] == cacheKindDescriptor:
		var e cached
		for i := range e.descriptor {
			e.descriptor[i] = math.Float32frombits(binary.LittleEndian.Uint32(v[1+4*i:]))
		}
		return e, nil
	}
	return cached{}, fmt.Errorf("unknown cache entry of %d bytes", len(v))
}
