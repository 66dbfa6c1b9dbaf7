package gallery

import (
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// values reads the small values of one bucket (meta or an index
// generation): sealed ones (version 4, see checksum.go), or the bare ones
// of a version 2 or 3 file opened read-only.
type values struct {
	b      *bolt.Bucket
	sealed bool
}

// get is the contents of key, nil when it is absent.
func (vs values) get(key []byte) ([]byte, error) {
	v := vs.b.Get(key)
	if v == nil || !vs.sealed {
		return v, nil
	}
	return unseal(key, v)
}

// must is the contents of key, which must be there.
func (vs values) must(key []byte) ([]byte, error) {
	v, err := vs.get(key)
	if err == nil && v == nil {
		err = fmt.Errorf("%w: %q is missing", ErrCorrupt, key)
	}
	return v, err
}

func (vs values) u32(key []byte) (uint32, error) {
	v, err := vs.must(key)
	if err != nil {
		return 0, err
	}
	n, err := getU32(v)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", key, err)
	}
	return n, nil
}

func (vs values) u64(key []byte) (uint64, error) {
	v, err := vs.must(key)
	if err != nil {
		return 0, err
	}
	n, err := getU64(v)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", key, err)
	}
	return n, nil
}

func (vs values) f32s(key []byte) ([]float32, error) {
	v, err := vs.must(key)
	if err != nil {
		return nil, err
	}
	return getF32s(v, string(key))
}

// putValue stores v under key, sealed.
func putValue(b *bolt.Bucket, key, v []byte) error { return b.Put(key, seal(key, v)) }

// sealed is how a writer reads values: every file written to is version 5.
func sealed(b *bolt.Bucket) values { return values{b: b, sealed: true} }
