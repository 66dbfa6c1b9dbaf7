package recognition

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
