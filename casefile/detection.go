package casefile

import (
	"encoding/binary"
	"fmt"
	"math"
	"strings"
	"time"

	"facecase/facedata"
)

// Detection is one face found in one frame of an evidence item. Records
// are compact binary (about 1.1 KB with landmarks and descriptor);
// coordinates and measures are kept as float32.
type Detection struct {
	// ID is assigned by AddDetections; ids only grow.
	ID uint64 `json:"id"`
	// EvidenceID is the evidence item the face was found in.
	EvidenceID uint64 `json:"evidence_id"`
	// Frame is the frame number in a video (0 for a photo); Time its
	// offset from the start.
	Frame uint32        `json:"frame"`
	Time  time.Duration `json:"time_ns"`
	// Box is the face box in frame pixels (as the user sees the frame).
	Box facedata.Rect `json:"box"`
	// Score is the detector's confidence; Detector names the detector.
	Score    float32               `json:"score"`
	Detector facedata.DetectorName `json:"detector,omitempty"`
	// Landmarks are the 68 landmark points, or none.
	Landmarks []facedata.Point `json:"landmarks,omitempty"`
	// Quality holds the face's quality measures.
	Quality facedata.Quality `json:"quality"`
	// Descriptor is the 128-D descriptor, or nil when none was computed.
	Descriptor *facedata.Descriptor `json:"descriptor,omitempty"`
	// Cohort holds the descriptor's cohort statistics (zero in records
	// written before they were computed, and without a descriptor).
	Cohort facedata.CohortStats `json:"cohort,omitzero"`
	// TrackID links the face to a track (0: none).
	TrackID uint64 `json:"track_id,omitempty"`
}

// detectionCodecVersion is the first byte of every detection record
// written. Version 2 added the cohort statistics after the descriptor;
// version 1 records are still read (without them).
const detectionCodecVersion = 2

func (d *Detection) validate() error {
	box := []float64{d.Box.X, d.Box.Y, d.Box.W, d.Box.H}
	for _, v := range box {
		if math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > math.MaxFloat32 {
			return fmt.Errorf("%w: detection box %v is not finite", ErrInvalid, d.Box)
		}
	}
	if d.Box.W <= 0 || d.Box.H <= 0 {
		return fmt.Errorf("%w: detection box %v is empty", ErrInvalid, d.Box)
	}
	if len(d.Landmarks) > 255 {
		return fmt.Errorf("%w: %d landmarks (at most 255)", ErrInvalid, len(d.Landmarks))
	}
	if len(d.Detector) > 255 {
		return fmt.Errorf("%w: detector name too long", ErrInvalid)
	}
	if d.Descriptor != nil {
		if err := checkDescriptor(d.Descriptor); err != nil {
			return err
		}
	}
	return checkCohortStats(d.Cohort)
}

// checkCohortStats refuses statistics that cannot normalise a score; the
// zero value (not computed) is accepted.
func checkCohortStats(s facedata.CohortStats) error {
	if s != (facedata.CohortStats{}) && !s.Valid() {
		return fmt.Errorf("%w: cohort statistics %+v are not finite or have no spread", ErrInvalid, s)
	}
	return nil
}

// checkDescriptor refuses descriptors that cannot be searched with.
func checkDescriptor(d *facedata.Descriptor) error {
	for _, v := range d {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return fmt.Errorf("%w: descriptor has a value that is not finite", ErrInvalid)
		}
	}
	if d.Norm() == 0 {
		return fmt.Errorf("%w: descriptor is all zeros", ErrInvalid)
	}
	return nil
}

// encode appends the binary record of d to buf.
func (d *Detection) encode(buf []byte) []byte {
	le := binary.LittleEndian
	f32 := func(v float64) { buf = le.AppendUint32(buf, math.Float32bits(float32(v))) }
	str := func(s string) {
		if len(s) > 255 {
			s = s[:255]
		}
		buf = append(buf, byte(len(s)))
		buf = append(buf, s...)
	}
	buf = append(buf, detectionCodecVersion)
	buf = le.AppendUint64(buf, d.EvidenceID)
	buf = le.AppendUint32(buf, d.Frame)
	buf = le.AppendUint64(buf, uint64(d.Time))
	f32(d.Box.X)
	f32(d.Box.Y)
	f32(d.Box.W)
	f32(d.Box.H)
	f32(float64(d.Score))
	buf = le.AppendUint64(buf, d.TrackID)
	str(string(d.Detector))
	q := d.Quality
	f32(q.Size)
	f32(q.Sharpness)
	f32(q.Brightness)
	f32(q.Yaw)
	f32(q.Pitch)
	if q.Usable {
		buf = append(buf, 1)
	} else {
		buf = append(buf, 0)
	}
	reasons := make([]string, len(q.Reasons))
	for i, r := range q.Reasons {
		reasons[i] = string(r)
	}
	str(strings.Join(reasons, ","))
	buf = append(buf, byte(len(d.Landmarks)))
	for _, p := range d.Landmarks {
		f32(p.X)
		f32(p.Y)
	}
	if d.Descriptor == nil {
		return append(buf, 0)
	}
	buf = append(buf, 1)
	for _, v := range d.Descriptor {
		buf = le.AppendUint32(buf, math.Float32bits(v))
	}
	buf = le.AppendUint32(buf, math.Float32bits(d.Cohort.Mu))
	return le.AppendUint32(buf, math.Float32bits(d.Cohort.Sigma))
}

// decodeDetection parses a record written by encode.
func decodeDetection(id uint64, b []byte) (Detection, error) {
	r := byteReader{b: b}
	d := Detection{ID: id}
	version := r.u8()
	if version != 1 && version != detectionCodecVersion {
		return d, fmt.Errorf("%w: detection %d has record version %d", ErrCorrupt, id, version)
	}
	d.EvidenceID = r.u64()
	d.Frame = r.u32()
	d.Time = time.Duration(r.u64())
	d.Box = facedata.Rect{X: r.f32(), Y: r.f32(), W: r.f32(), H: r.f32()}
	d.Score = float32(r.f32())
	d.TrackID = r.u64()
	d.Detector = facedata.DetectorName(r.str())
	d.Quality = facedata.Quality{Size: r.f32(), Sharpness: r.f32(), Brightness: r.f32(), Yaw: r.f32(), Pitch: r.f32()}
	d.Quality.Usable = r.u8() == 1
	if s := r.str(); s != "" {
		for _, part := range strings.Split(s, ",") {
			d.Quality.Reasons = append(d.Quality.Reasons, facedata.Reason(part))
		}
	}
	if n := int(r.u8()); n > 0 {
		d.Landmarks = make([]facedata.Point, n)
		for i := range d.Landmarks {
			d.Landmarks[i] = facedata.Point{X: r.f32(), Y: r.f32()}
		}
	}
	if r.u8() == 1 {
		var desc facedata.Descriptor
		for i := range desc {
			desc[i] = float32(r.f32())
		}
		d.Descriptor = &desc
		if version >= 2 {
			d.Cohort = facedata.CohortStats{Mu: float32(r.f32()), Sigma: float32(r.f32())}
		}
	}
	if r.err || len(r.b) != 0 {
		return d, fmt.Errorf("%w: detection %d record is malformed", ErrCorrupt, id)
	}
	return d, nil
}

// byteReader reads little-endian fields and notes running past the end.
type byteReader struct {
	b   []byte
	err bool
}

func (r *byteReader) take(n int) []byte {
	if len(r.b) < n {
		r.err = true
		r.b = nil
		return make([]byte, n)
	}
	v := r.b[:n]
	r.b = r.b[n:]
	return v
}

func (r *byteReader) u8() byte    { return r.take(1)[0] }
func (r *byteReader) u32() uint32 { return binary.LittleEndian.Uint32(r.take(4)) }
func (r *byteReader) u64() uint64 { return binary.LittleEndian.Uint64(r.take(8)) }
func (r *byteReader) f32() float64 {
	return float64(math.Float32frombits(binary.LittleEndian.Uint32(r.take(4))))
}
func (r *byteReader) str() string { return string(r.take(int(r.u8()))) }
