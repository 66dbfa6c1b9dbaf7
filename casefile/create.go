package casefile

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Create makes a new case file at path (conventionally NAME.facecase) and
// opens it for writing as info.Investigator. It refuses to overwrite
// anything: an existing path gives ErrExists. The file is built under a
// temporary name and appears complete or not at all.
func Create(path string, info CaseInfo) (*Case, error) {
	p, err := absPath(path)
	if err != nil {
		return nil, err
	}
	if err := info.normalise(); err != nil {
		return nil, fmt.Errorf("create case %s: %w", p, err)
	}
	info.Created = time.Now().UTC()
	if err := refuseExisting(p); err != nil {
		return nil, fmt.Errorf("create case: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(p), "."+filepath.Base(p)+".tmp-*")
	if err != nil {
		return nil, fmt.Errorf("create case %s: %w", p, err)
	}
	tmpPath := tmp.Name()
	tmp.Close()
	defer os.Remove(tmpPath) // a no-op once published
	if err := initCaseFile(tmpPath, info); err != nil {
		return nil, fmt.Errorf("create case %s: %w", p, err)
	}
	if err := publishFile(tmpPath, p, false); err != nil {
		return nil, fmt.Errorf("create case: %w", err)
	}
	return Open(p, Options{Actor: info.Investigator})
}

// initCaseFile writes the buckets, the case record and the first audit
// entry into the empty file at path.
func initCaseFile(path string, info CaseInfo) error {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: DefaultLockTimeout, FreelistType: bolt.FreelistMapType, PageSize: casePageSize})
	if err != nil {
		return err
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, name := range allBuckets {
			if _, err := tx.CreateBucket(name); err != nil {
				return err
			}
		}
		meta := tx.Bucket(bucketMeta)
		if err := meta.Put(metaMagic, []byte(caseMagic)); err != nil {
			return err
		}
		if err := putU32(meta, metaFormat, FormatVersion); err != nil {
			return err
		}
		caseRaw, err := json.Marshal(info)
		if err != nil {
			return err
		}
		setRaw, err := json.Marshal(Settings{})
		if err != nil {
			return err
		}
		if err := meta.Put(metaCase, caseRaw); err != nil {
			return err
		}
		if err := meta.Put(metaSettings, setRaw); err != nil {
			return err
		}
		if err := putU64(meta, metaDetectionCount, 0); err != nil {
			return err
		}
		if err := putU64(meta, metaWatchlistVersion, 0); err != nil {
			return err
		}
		_, err = appendAudit(tx, info.Created, info.Investigator, ActionCreate,
			map[string]any{"format_version": FormatVersion},
			[]RecordRef{recordRef(bucketMeta, metaCase, caseRaw), recordRef(bucketMeta, metaSettings, setRaw)})
		return err
	})
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	return err
}

// casePageSize is the bbolt page size of new case files. Detection records
// are about 1.1 KB; 16 KB pages hold fourteen of them (4 KB pages hold
// three and waste a quarter of the file) and halve the number of writes a
// batch commits (see BenchmarkWriteDetections).
const casePageSize = 16384
