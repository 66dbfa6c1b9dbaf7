package gallery

import (
	"encoding/binary"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// Version 1 of the gallery file (facecase's first) kept one record per face
// and no index:
//
//	meta   version u32 = 1
//	faces  face id u64 (big-endian) -> label length u16, label, 128 float32
//
// upgradeVersion1 rewrites such a file in the current layout within the
// opening transaction, so an interrupted upgrade leaves the old file as it
// was. The new file starts with a flat index; it is trained in the
// background when the gallery is large enough.
var bucketFacesV1 = []byte("faces")

func upgradeVersion1(tx *bolt.Tx) error {
	old := tx.Bucket(bucketFacesV1)
	if old == nil {
		return fmt.Errorf("%w: version 1 file without faces", ErrCorrupt)
	}
	var faces []Face
	err := old.ForEach(func(k, v []byte) error {
		if len(k) != 8 || len(v) < 2 {
			return fmt.Errorf("%w: version 1 record %x", ErrCorrupt, k)
		}
		l := int(binary.LittleEndian.Uint16(v))
		if len(v) != 2+l+vectorBytes {
			return fmt.Errorf("%w: version 1 record %x has %d bytes", ErrCorrupt, k, len(v))
		}
		f := Face{ID: FaceID(binary.BigEndian.Uint64(k)), Label: string(v[2 : 2+l])}
		bytesF32(v[2+l:], f.Descriptor[:])
		if f.ID == 0 {
			return fmt.Errorf("%w: version 1 record with face id 0", ErrCorrupt)
		}
		faces = append(faces, f)
		return nil
	})
	if err != nil {
		return err
	}
	if err := tx.DeleteBucket(bucketFacesV1); err != nil {
		return err
	}
	if err := tx.DeleteBucket(bucketMeta); err != nil {
		return err
	}
	if err := initFile(tx); err != nil {
		return err
	}
	if len(faces) == 0 {
		return nil
	}
	a := &addition{faces: faces, rows: make([]uint32, len(faces)), labels: make([]uint32, len(faces)),
		codes: make([]code, len(faces)), nextRow: uint32(len(faces)), changes: len(faces)}
	ix := emptyIndex()
	seen := map[string]uint32{}
	var scratch []float32
	for i := range faces {
		a.rows[i] = uint32(i)
		n, ok := seen[faces[i].Label]
		if !ok {
			n = uint32(len(a.newLabels))
			seen[faces[i].Label] = n
			a.newLabels = append(a.newLabels, faces[i].Label)
		}
		a.labels[i] = n
		a.codes[i] = ix.encode((*[dim]float32)(&faces[i].Descriptor), &scratch)
	}
	return writeAddition(tx, a, 1, false)
}
