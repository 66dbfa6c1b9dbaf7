package facedata

// Reason says why a face is too poor to search with.
type Reason string

// Reasons a face is not usable for searching.
const (
	ReasonTooSmall    Reason = "too small"
	ReasonBlurred     Reason = "blurred"
	ReasonExtremePose Reason = "extreme pose"
	ReasonTooDark     Reason = "too dark"
	ReasonTooBright   Reason = "overexposed"
)

// Quality holds the measures used to decide whether a face can be searched with.
type Quality struct {
	// Size is the distance between the eye centres in frame pixels
	// (inter-ocular distance), the usual measure of face resolution.
	Size float64 `json:"size"`
	// Sharpness is the variance of the Laplacian of the grey chip.
	Sharpness float64 `json:"sharpness"`
	// Brightness is the mean grey level of the chip's inner face, 0 to 255.
	Brightness float64 `json:"brightness"`
	// Yaw and Pitch are head-pose estimates from the landmarks, in degrees.
	Yaw   float64 `json:"yaw"`
	Pitch float64 `json:"pitch"`
	// Usable is false when any reason applies.
	Usable bool `json:"usable"`
	// Reasons lists why the face is not usable (empty when it is).
	Reasons []Reason `json:"reasons,omitempty"`
}

// QualityLimits are the thresholds below which a face is not searched with.
type QualityLimits struct {
	// MinSize is the smallest inter-ocular distance in frame pixels.
	MinSize float64
	// MinSharpness is the smallest variance of the Laplacian of the chip.
	MinSharpness float64
	// MinBrightness and MaxBrightness bound the chip's mean grey level.
	MinBrightness, MaxBrightness float64
	// MaxYaw and MaxPitch bound the estimated head pose, in degrees.
	MaxYaw, MaxPitch float64
}

// DefaultQualityLimits are calibrated on the shared test faces (see
// quality_test.go): an inter-ocular distance of 15 px is a face about 40 px
// wide, below which the 150 px chip is mostly interpolation. The 40 real
// crops of faceapi/people measure a Laplacian variance of 1069 to 16000 in
// the chip (median 4432); blurred with a Gaussian of sigma 3 they measure
// 237 at most, so 400 separates them (TestQualityReasons).
var DefaultQualityLimits = QualityLimits{
	MinSize:       15,
	MinSharpness:  400,
	MinBrightness: 40,
	MaxBrightness: 225,
	MaxYaw:        45,
	MaxPitch:      35,
}

// Judge fills in Usable and Reasons from the measures.
func (l QualityLimits) Judge(q *Quality) {
	q.Reasons = q.Reasons[:0]
	if q.Size < l.MinSize {
		q.Reasons = append(q.Reasons, ReasonTooSmall)
	}
	if q.Sharpness < l.MinSharpness {
		q.Reasons = append(q.Reasons, ReasonBlurred)
	}
	if q.Brightness < l.MinBrightness {
		q.Reasons = append(q.Reasons, ReasonTooDark)
	}
	if q.Brightness > l.MaxBrightness {
		q.Reasons = append(q.Reasons, ReasonTooBright)
	}
	if abs(q.Yaw) > l.MaxYaw || abs(q.Pitch) > l.MaxPitch {
		q.Reasons = append(q.Reasons, ReasonExtremePose)
	}
	if len(q.Reasons) == 0 {
		q.Reasons = nil
	}
	q.Usable = len(q.Reasons) == 0
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
