package casefile

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"time"
)

// bundleZip writes export bundles as plain zip files in exactly one way:
// every member stored (not compressed), with a data descriptor, a UTF-8
// name, no extra fields or comments and the same timestamp. Given the
// member names, contents and timestamp the bytes are fully determined, so
// verification can rebuild the file and name any byte that differs; and
// since nothing is compressed, every content byte is covered by the
// member's SHA-256. Offsets and sizes are 32-bit (no zip64): a bundle is
// limited to 4 GiB (ErrBundleTooLarge).
type bundleZip struct {
	w       *countWriter
	dosTime uint16
	dosDate uint16
	members []BundleMember
	offsets []uint32
	crcs    []uint32
	open    *zipMember
	// layout of what was written, to name the place of a differing byte
	dataStart, dataEnd []int64
	centralStart       int64
	centralEntries     []int64
	endStart           int64
}

// BundleMember is one file of a bundle.
type BundleMember struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

const (
	zipLocalSig      = 0x04034b50
	zipDescriptorSig = 0x08074b50
	zipCentralSig    = 0x02014b50
	zipEndSig        = 0x06054b50
	zipVersion       = 20              // 2.0: stored members, data descriptors
	zipMadeBy        = 3<<8 | 20       // Unix, 2.0
	zipFlags         = 0x0008 | 0x0800 // data descriptor, UTF-8 name
	zipFileMode      = 0o100644 << 16
	zipLimit         = 1<<32 - 1
)

// countWriter counts what it writes.
type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

func newBundleZip(w io.Writer, modified time.Time) *bundleZip {
	t := modified.UTC()
	if t.Year() < 1980 {
		t = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	return &bundleZip{
		w:       &countWriter{w: w},
		dosTime: uint16(t.Hour()<<11 | t.Minute()<<5 | t.Second()/2),
		dosDate: uint16((t.Year()-1980)<<9 | int(t.Month())<<5 | t.Day()),
	}
}

func newBundleZipDOS(w io.Writer, dosTime, dosDate uint16) *bundleZip {
	return &bundleZip{w: &countWriter{w: w}, dosTime: dosTime, dosDate: dosDate}
}

// zipMember is the writer of the member being written.
type zipMember struct {
	z    *bundleZip
	name string
	crc  hash.Hash32
	sha  hash.Hash
	size int64
}

func (m *zipMember) Write(p []byte) (int, error) {
	n, err := m.z.w.Write(p)
	m.crc.Write(p[:n])
	m.sha.Write(p[:n])
	m.size += int64(n)
	if err == nil && m.z.w.n > zipLimit {
		err = ErrBundleTooLarge
	}
	return n, err
}

// create starts a member; the previous one is finished first.
func (z *bundleZip) create(name string) (io.Writer, error) {
	if err := z.finish(); err != nil {
		return nil, err
	}
	if len(name) > 0xFFFF || len(z.members) >= 0xFFFF {
		return nil, fmt.Errorf("%w: too many members or name too long", ErrBundleTooLarge)
	}
	if z.w.n > zipLimit {
		return nil, ErrBundleTooLarge
	}
	z.offsets = append(z.offsets, uint32(z.w.n))
	var h []byte
	h = binary.LittleEndian.AppendUint32(h, zipLocalSig)
	h = binary.LittleEndian.AppendUint16(h, zipVersion)
	h = binary.LittleEndian.AppendUint16(h, zipFlags)
	h = binary.LittleEndian.AppendUint16(h, 0) // stored
	h = binary.LittleEndian.AppendUint16(h, z.dosTime)
	h = binary.LittleEndian.AppendUint16(h, z.dosDate)
	h = append(h, make([]byte, 12)...) // crc and sizes follow in the descriptor
	h = binary.LittleEndian.AppendUint16(h, uint16(len(name)))
	h = binary.LittleEndian.AppendUint16(h, 0)
	h = append(h, name...)
	if _, err := z.w.Write(h); err != nil {
		return nil, err
	}
	z.dataStart = append(z.dataStart, z.w.n)
	z.open = &zipMember{z: z, name: name, crc: crc32.NewIEEE(), sha: sha256.New()}
	return z.open, nil
}

// finish writes the data descriptor of the open member.
func (z *bundleZip) finish() error {
	m := z.open
	if m == nil {
		return nil
	}
	z.open = nil
	if m.size > zipLimit || z.w.n > zipLimit {
		return ErrBundleTooLarge
	}
	crc := m.crc.Sum32()
	z.dataEnd = append(z.dataEnd, z.w.n)
	var d []byte
	d = binary.LittleEndian.AppendUint32(d, zipDescriptorSig)
	d = binary.LittleEndian.AppendUint32(d, crc)
	d = binary.LittleEndian.AppendUint32(d, uint32(m.size))
	d = binary.LittleEndian.AppendUint32(d, uint32(m.size))
	if _, err := z.w.Write(d); err != nil {
		return err
	}
	z.crcs = append(z.crcs, crc)
	z.members = append(z.members, BundleMember{Name: m.name, Size: m.size, SHA256: hex.EncodeToString(m.sha.Sum(nil))})
	return nil
}

// close writes the central directory and the end record.
func (z *bundleZip) close() error {
	if err := z.finish(); err != nil {
		return err
	}
	start := z.w.n
	z.centralStart = start
	for i, m := range z.members {
		z.centralEntries = append(z.centralEntries, z.w.n)
		var h []byte
		h = binary.LittleEndian.AppendUint32(h, zipCentralSig)
		h = binary.LittleEndian.AppendUint16(h, zipMadeBy)
		h = binary.LittleEndian.AppendUint16(h, zipVersion)
		h = binary.LittleEndian.AppendUint16(h, zipFlags)
		h = binary.LittleEndian.AppendUint16(h, 0)
		h = binary.LittleEndian.AppendUint16(h, z.dosTime)
		h = binary.LittleEndian.AppendUint16(h, z.dosDate)
		h = binary.LittleEndian.AppendUint32(h, z.crcs[i])
		h = binary.LittleEndian.AppendUint32(h, uint32(m.Size))
		h = binary.LittleEndian.AppendUint32(h, uint32(m.Size))
		h = binary.LittleEndian.AppendUint16(h, uint16(len(m.Name)))
		h = append(h, make([]byte, 8)...) // extra, comment, disk, internal attributes
		h = binary.LittleEndian.AppendUint32(h, zipFileMode)
		h = binary.LittleEndian.AppendUint32(h, z.offsets[i])
		h = append(h, m.Name...)
		if _, err := z.w.Write(h); err != nil {
			return err
		}
	}
	size := z.w.n - start
	if z.w.n > zipLimit {
		return ErrBundleTooLarge
	}
	z.endStart = z.w.n
	var e []byte
	e = binary.LittleEndian.AppendUint32(e, zipEndSig)
	e = append(e, make([]byte, 4)...) // disk numbers
	e = binary.LittleEndian.AppendUint16(e, uint16(len(z.members)))
	e = binary.LittleEndian.AppendUint16(e, uint16(len(z.members)))
	e = binary.LittleEndian.AppendUint32(e, uint32(size))
	e = binary.LittleEndian.AppendUint32(e, uint32(start))
	e = binary.LittleEndian.AppendUint16(e, 0)
	_, err := z.w.Write(e)
	return err
}

// region names the part of the written file that holds byte off.
func (z *bundleZip) region(off int64) (member string, what string) {
	for i := range z.members {
		switch {
		case off < int64(z.offsets[i]):
			continue
		case off < z.dataStart[i]:
			if i+1 < len(z.offsets) && off >= int64(z.offsets[i+1]) {
				continue
			}
			return z.members[i].Name, "local header"
		case off < z.dataEnd[i]:
			return z.members[i].Name, "content"
		case off < z.dataEnd[i]+16:
			return z.members[i].Name, "data descriptor"
		}
	}
	switch {
	case z.endStart > 0 && off >= z.endStart:
		return "", "end of central directory record"
	case z.centralStart > 0 && off >= z.centralStart:
		for i := len(z.centralEntries) - 1; i >= 0; i-- {
			if off >= z.centralEntries[i] {
				return z.members[i].Name, "central directory entry"
			}
		}
		return "", "central directory"
	}
	return "", "zip structure"
}
