package scorenorm

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"

	"facecase/facedata"
)

// fileMagic starts every cohort file; FileFormat is the layout version
// after it.
const (
	fileMagic  = "facecase-cohort\n"
	FileFormat = 1
)

// maxHeader bounds the JSON header of a cohort file.
const maxHeader = 1 << 20

// fileHeader is the JSON header: the cohort's Info and its calibration.
type fileHeader struct {
	Format      int         `json:"format"`
	Info        Info        `json:"cohort"`
	Calibration Calibration `json:"calibration"`
}

// Encode writes the cohort file: the magic line, the header length (uint32
// little-endian), the JSON header, then Faces x 128 float32 little-endian
// descriptor values. The same cohort always gives the same bytes.
func Encode(c *Cohort) ([]byte, error) {
	head, err := json.MarshalIndent(fileHeader{Format: FileFormat, Info: c.info, Calibration: c.cal}, "", " ")
	if err != nil {
		return nil, fmt.Errorf("encode cohort %s: %w", c.info.ID, err)
	}
	var b bytes.Buffer
	b.WriteString(fileMagic)
	b.Write(binary.LittleEndian.AppendUint32(nil, uint32(len(head))))
	b.Write(head)
	for _, v := range c.vec {
		b.Write(binary.LittleEndian.AppendUint32(nil, math.Float32bits(v)))
	}
	return b.Bytes(), nil
}

// Decode reads a cohort file written by Encode. The SHA-256 of the bytes
// and the descriptor model are not checked here: package models does that
// against the manifest.
func Decode(data []byte) (*Cohort, error) {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: cohort file: "+format, append([]any{ErrBadCohort}, args...)...)
	}
	if !bytes.HasPrefix(data, []byte(fileMagic)) {
		return nil, bad("not a facecase cohort file")
	}
	data = data[len(fileMagic):]
	if len(data) < 4 {
		return nil, bad("truncated header")
	}
	n := binary.LittleEndian.Uint32(data)
	data = data[4:]
	if n > maxHeader || int(n) > len(data) {
		return nil, bad("header of %d bytes in a file of %d", n, len(data))
	}
	var h fileHeader
	if err := json.Unmarshal(data[:n], &h); err != nil {
		return nil, bad("header: %v", err)
	}
	if h.Format != FileFormat {
		return nil, bad("format %d (this version reads %d)", h.Format, FileFormat)
	}
	data = data[n:]
	const faceBytes = 4 * facedata.DescriptorSize
	if h.Info.Faces < 0 || len(data) != h.Info.Faces*faceBytes {
		return nil, bad("%d bytes of descriptors for %d faces (want %d)", len(data), h.Info.Faces, h.Info.Faces*faceBytes)
	}
	descs := make([]facedata.Descriptor, h.Info.Faces)
	for i := range descs {
		for j := range descs[i] {
			descs[i][j] = math.Float32frombits(binary.LittleEndian.Uint32(data[(i*facedata.DescriptorSize+j)*4:]))
		}
	}
	c, err := newCohort(h.Info, descs)
	if err != nil {
		return nil, err
	}
	if err := h.Calibration.valid(); err != nil {
		return nil, bad("calibration: %v", err)
	}
	c.cal = h.Calibration
	return c, nil
}

// valid checks that a calibration read from a file can be used: a range
// inside (0, 1), points with decreasing FMR and non-increasing thresholds.
func (c Calibration) valid() error {
	if len(c.Points) < 2 {
		return fmt.Errorf("%d points", len(c.Points))
	}
	if !(c.MinFMR > 0 && c.MinFMR < c.MaxFMR && c.MaxFMR < 1) {
		return fmt.Errorf("range [%v, %v]", c.MinFMR, c.MaxFMR)
	}
	for i, p := range c.Points {
		if math.IsNaN(p.Threshold) || math.IsInf(p.Threshold, 0) || !(p.FMR > 0 && p.FMR < 1) {
			return fmt.Errorf("point %d (%v, %v)", i, p.FMR, p.Threshold)
		}
		if i > 0 && (p.FMR >= c.Points[i-1].FMR || p.Threshold > c.Points[i-1].Threshold) {
			return fmt.Errorf("point %d is out of order", i)
		}
	}
	return nil
}
