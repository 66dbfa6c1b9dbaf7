package convert

// The SSD MobileNet v1 face detector at a 256x256 input, as
// SSDMobileNetV1Small writes it: the same weights, input and outputs as
// SSDMobileNetV1's model but for the side and the number of anchors.
const (
	// SSDSmallInputSize is the side of the small model's square input.
	SSDSmallInputSize = 256
	// SSDSmallAnchorCount is the small model's number of anchors: grids of
	// 16, 8, 4, 2, 1 and 1 cells a side with 3, 6, 6, 6, 6 and 6 anchors a
	// cell.
	SSDSmallAnchorCount = 1284
)

// SSDMobileNetV1Small builds the ONNX model of face-api's SSD MobileNet v1
// face detector for a 256x256 input (SSDSmallInputSize) from the same
// weights as SSDMobileNetV1: the convolutions are the same, the grids of
// the heads are half as many cells a side, and the anchors are derived
// from the stored ones (see ssdDerivedAnchors), so that a face shows the
// same number of input pixels to the same anchors as at 512. It costs about
// a quarter of the 512 model's run; the engine's verifier uses it for
// mosaics of up to four candidates. The same weights always give the same
// bytes; errors match ErrBadWeights.
func SSDMobileNetV1Small(w map[string]Tensor) ([]byte, error) {
	return ssdMobileNetV1(w, SSDSmallInputSize, SSDSmallAnchorCount)
}

// CheckSSDMobileNetV1Small is CheckSSDMobileNetV1 for the model
// SSDMobileNetV1Small writes (input [1,3,256,256], SSDSmallAnchorCount
// anchors). Errors wrap ErrBadSSDModel.
func CheckSSDMobileNetV1Small(model []byte) error {
	return checkSSD(model, SSDSmallInputSize, SSDSmallAnchorCount)
}
