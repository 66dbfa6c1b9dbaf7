package dlibface

// #include "shim.h"
import "C"

import (
	"fmt"
	"unsafe"
)

// FaceChip cuts dlib's aligned face chip from img: the face is rotated,
// scaled and centred with dlib's get_face_chip_details (size x size pixels,
// padding as a fraction of the face) and sampled with extract_image_chip,
// which low-pass filters large faces through an image pyramid. The chip is
// written to dst as RGB, size*size*3 bytes; dst is caller memory (for
// example a gocv.Mat's data) and must not move during the call.
func FaceChip(img Image, landmarks [LandmarkCount]Point, size int, padding float64, dst unsafe.Pointer) error {
	ci, err := img.c()
	if err != nil {
		return err
	}
	if size <= 0 || dst == nil {
		return fmt.Errorf("dlib: face chip: bad size %d or no destination", size)
	}
	var pts [LandmarkCount]C.fc_point
	for i, p := range landmarks {
		pts[i] = C.fc_point{x: C.double(p.X), y: C.double(p.Y)}
	}
	var msg *C.char
	if C.fc_face_chip(ci, &pts[0], C.int(size), C.double(padding), (*C.uchar)(dst), &msg) == 0 {
		return takeError(msg, "face chip")
	}
	return nil
}
