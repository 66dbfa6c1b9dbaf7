package gallery

import (
	"encoding/binary"
	"fmt"
	"math"

	bolt "go.etcd.io/bbolt"
)

// Product-quantizer codes in the gallery file (since version 3). An index
// generation with a product quantizer (see pq.go) holds, besides its int8
// codes:
//
//	pqbook   the codebooks, 64*16*2 float32, then the table step and
//	         betaRef (float32 each)
//	pq       bucket: chunk u32 -> chunkRows betas f32, then chunkRows
//	         codes of 32 bytes (byte p: subspace 2p in the low
//	         4 bits, 2p+1 in the high)
//
// A row's entry is meaningful only when its int8 code chunk puts it in a
// list. Generations written by version 2 have neither; such an index is
// searched with int8 codes alone until it is rebuilt.
var (
	bucketPQ  = []byte("pq")
	keyPQBook = []byte("pqbook")
)

const pqBodyBytes = chunkRows * (4 + pqBytes)

// putPQ writes e's product-quantizer code at slot i of a pq chunk's body.
func putPQ(chunk []byte, i int, e *code) {
	binary.LittleEndian.PutUint32(chunk[i*4:], math.Float32bits(e.beta))
	copy(chunk[chunkRows*4+i*pqBytes:], e.pq[:])
}

// getPQ reads slot i of a pq chunk's body into e.
func getPQ(chunk []byte, i int, e *code) {
	e.beta = math.Float32frombits(binary.LittleEndian.Uint32(chunk[i*4:]))
	copy(e.pq[:], chunk[chunkRows*4+i*pqBytes:])
}

// pqBucket is the pq bucket of index generation gen, nil when the
// generation has no product quantizer.
func pqBucket(tx *bolt.Tx, gen uint64) *bolt.Bucket {
	b := tx.Bucket(bucketIndex).Bucket(genKey(gen))
	if b == nil {
		return nil
	}
	return b.Bucket(bucketPQ)
}

// newPQEditor edits the pq chunks of generation gen; nil when it has none.
func newPQEditor(tx *bolt.Tx, gen uint64, legacy bool) *chunkEditor {
	b := pqBucket(tx, gen)
	if b == nil {
		return nil
	}
	return newChunkEditor(b, pqKind, legacy, nil)
}

// putPQEntry writes e at row r through ed (a no-op when ed is nil).
func putPQEntry(ed *chunkEditor, r uint32, e *code) error {
	if ed == nil {
		return nil
	}
	v, err := ed.chunk(r / chunkRows)
	if err != nil {
		return err
	}
	putPQ(v, int(r%chunkRows), e)
	return nil
}

// putPQBook stores ix's product quantizer (if any) in generation bucket b.
func putPQBook(b *bolt.Bucket, ix *index) error {
	if ix.pq == nil {
		return nil
	}
	v := append(ix.pq.cents[:len(ix.pq.cents):len(ix.pq.cents)], ix.pq.step, ix.pq.betaRef)
	if err := putValue(b, keyPQBook, f32Bytes(v)); err != nil {
		return err
	}
	_, err := b.CreateBucket(bucketPQ)
	return err
}

// getPQBook reads the product quantizer of generation bucket b: nil, nil
// for a generation without one.
func getPQBook(vs values) (*productQuantizer, error) {
	b := vs.b
	v, err := vs.get(keyPQBook)
	if err != nil {
		return nil, err
	}
	if v == nil {
		if b.Bucket(bucketPQ) != nil {
			return nil, fmt.Errorf("%w: pq codes without codebooks", ErrCorrupt)
		}
		return nil, nil
	}
	cents, err := getF32s(v, "pq codebooks")
	if err != nil {
		return nil, err
	}
	pq := &productQuantizer{}
	if len(cents) != len(pq.cents)+2 || b.Bucket(bucketPQ) == nil {
		return nil, fmt.Errorf("%w: pq codebooks of %d values", ErrCorrupt, len(cents))
	}
	copy(pq.cents[:], cents)
	pq.step, pq.betaRef = cents[len(pq.cents)], cents[len(pq.cents)+1]
	if !(pq.step > 0) || math.IsInf(float64(pq.step), 0) || math.IsNaN(float64(pq.betaRef)) {
		return nil, fmt.Errorf("%w: pq table step %v", ErrCorrupt, pq.step)
	}
	return pq, nil
}
