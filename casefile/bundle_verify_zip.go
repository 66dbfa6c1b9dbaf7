package casefile

import (
	"archive/zip"
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"time"

	"facecase/progress"
)

// streamMembers reads every member once: it hashes it, extracts the
// snapshot, and rebuilds the zip from the contents into a comparer that
// reads the original file alongside.
func (v *bundleVerifier) streamMembers() error {
	cmp := &fileComparer{r: bufio.NewReaderSize(io.NewSectionReader(v.f, 0, v.r.Size), 1<<20), h: sha256.New(), firstDiff: -1}
	var dosTime, dosDate uint16
	if len(v.zr.File) > 0 {
		dosTime, dosDate = v.zr.File[0].ModifiedTime, v.zr.File[0].ModifiedDate
	}
	z := newBundleZipDOS(cmp, dosTime, dosDate)
	for i, zf := range v.zr.File {
		if err := v.ctx.Err(); err != nil {
			return err
		}
		w, err := z.create(zf.Name)
		if err != nil {
			v.r.addOnce("zip structure", "%v", err)
			break
		}
		if zf.ModifiedTime != dosTime || zf.ModifiedDate != dosDate {
			v.r.addOnce("member "+zf.Name, "has a different timestamp from the other members")
		}
		if err := v.streamMember(zf, w); err != nil {
			return err
		}
		if err := z.finish(); err != nil {
			v.r.addOnce("zip structure", "%v", err)
			break
		}
		m := z.members[len(z.members)-1]
		if z.crcs[len(z.crcs)-1] != zf.CRC32 {
			v.r.addOnce("member "+zf.Name, "content does not match its CRC-32 in the zip directory (changed)")
			v.damaged[zf.Name] = true
		}
		v.r.Members = append(v.r.Members, m)
		v.members[m.Name] = m
		v.rep.Report(progress.Update{Stage: "verify", Done: int64(i + 1), Total: int64(len(v.zr.File)), Unit: "members", Item: zf.Name, Elapsed: time.Since(v.start)})
	}
	if err := z.close(); err != nil {
		v.r.addOnce("zip structure", "%v", err)
	}
	if err := cmp.finish(); err != nil {
		return err
	}
	v.r.SHA256 = hex.EncodeToString(cmp.h.Sum(nil))
	v.compareRebuilt(cmp, z, dosTime, dosDate)
	return nil
}

// streamMember copies the raw content of member zf to w, and to the
// extracted snapshot when zf is the (first) snapshot member. A member
// that cannot be read is named in the report and marked damaged; the
// error is for a snapshot that cannot be written.
func (v *bundleVerifier) streamMember(zf *zip.File, w io.Writer) error {
	var snap *os.File
	if zf.Name == MemberSnapshot && v.snapPath == "" {
		var err error
		if snap, err = os.Create(filepath.Join(v.tmpDir, "snapshot"+Extension)); err != nil {
			return err
		}
		w = io.MultiWriter(w, snap)
	}
	if zf.Method != zip.Store {
		v.r.addOnce("member "+zf.Name, "is compressed (method %d); facecase stores members uncompressed", zf.Method)
	}
	rc, err := zf.OpenRaw()
	if err == nil {
		var n int64
		n, err = io.Copy(w, io.LimitReader(rc, int64(zf.CompressedSize64)))
		if err == nil && uint64(n) != zf.CompressedSize64 {
			err = io.ErrUnexpectedEOF
		}
	}
	if err != nil {
		v.r.addOnce("member "+zf.Name, "cannot be read: %v", err)
		v.damaged[zf.Name] = true
	}
	if snap != nil {
		if cerr := snap.Close(); cerr != nil {
			return cerr
		}
		if err == nil {
			v.snapPath = snap.Name()
		}
	}
	return nil
}

// compareRebuilt names what differs between the bundle and the zip rebuilt
// from its members (cmp compared them as z wrote it): the first differing
// byte, unless it is in the content of a member already found damaged,
// bytes appended, and timestamps other than the export time's.
func (v *bundleVerifier) compareRebuilt(cmp *fileComparer, z *bundleZip, dosTime, dosDate uint16) {
	if cmp.firstDiff >= 0 {
		member, what := z.region(cmp.firstDiff)
		if member == "" || !v.damaged[member] || what != "content" {
			where := "zip structure"
			if member != "" {
				where = fmt.Sprintf("zip structure (%s of member %s)", what, member)
			} else {
				where = fmt.Sprintf("zip structure (%s)", what)
			}
			v.r.addOnce(where, "byte at offset %d differs from what facecase writes", cmp.firstDiff)
		}
	}
	if cmp.extra > 0 {
		v.r.addOnce("zip structure", "%d bytes were appended after the end of the zip", cmp.extra)
	}
	if v.manifest != nil {
		want := newBundleZip(io.Discard, v.manifest.Export.Time)
		if want.dosTime != dosTime || want.dosDate != dosDate {
			v.r.addOnce("zip structure", "member timestamps differ from the export time in the manifest")
		}
	}
}

// fileComparer compares what is written to it with the original file,
// read alongside, noting the first differing offset; it also hashes the
// original.
type fileComparer struct {
	r         *bufio.Reader
	h         hash.Hash
	off       int64
	firstDiff int64
	extra     int64
	buf       []byte
}

func (c *fileComparer) Write(p []byte) (int, error) {
	if cap(c.buf) < len(p) {
		c.buf = make([]byte, len(p))
	}
	b := c.buf[:len(p)]
	n, err := io.ReadFull(c.r, b)
	c.h.Write(b[:n])
	if c.firstDiff < 0 {
		for i := 0; i < n; i++ {
			if b[i] != p[i] {
				c.firstDiff = c.off + int64(i)
				break
			}
		}
		if n < len(p) && c.firstDiff < 0 {
			c.firstDiff = c.off + int64(n) // the original is shorter
		}
	}
	c.off += int64(n)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		return 0, err
	}
	return len(p), nil
}

// finish hashes what is left of the original: bytes nobody wrote.
func (c *fileComparer) finish() error {
	n, err := io.Copy(c.h, c.r)
	c.extra = n
	return err
}
