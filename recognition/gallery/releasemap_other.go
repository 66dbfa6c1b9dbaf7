//go:build !linux

package gallery

import bolt "go.etcd.io/bbolt"

// releaseMap does nothing where MADV_DONTNEED is not known to be safe for
// shared file maps.
func releaseMap(*bolt.Tx) {}
