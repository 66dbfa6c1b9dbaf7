// Package recognition turns decoded frames into faces: it detects faces,
// places dlib's 68 landmarks, measures quality, cuts dlib's aligned 150x150
// face chip and computes a 128-D descriptor in the dlib ResNet v1 space.
//
// Distances between descriptors are Euclidean; by dlib's convention two
// faces closer than 0.6 are the same person. A distance is an investigative
// lead, never an identification: callers present candidates for human review.
//
// Every model is loaded from local files (see package facecase/models);
// nothing is fetched at run time. Every net runs on ONNX Runtime through
// package facecase/internal/ort, one thread a run, at most GOMAXPROCS runs
// at once in the process; OpenCV's DNN module remains selectable
// (Options.Runtime) as the fallback.
//
// Photos are searched by UltraFace over an octave pyramid (each level keeps
// faces of 16-48 detector pixels), and every face it finds that it is not
// sure of is confirmed by the SSD in a mosaic (at 256 pixels for up to four
// candidates, 512 for more). Small pictures that are mostly face (mugshots, face
// chips) are searched again with their border replicated outwards. An Engine is safe for concurrent use,
// takes a context for cancelling, and closes every gocv.Mat it creates.
//
// Coordinates are pixels of the image as the user sees it: the caller
// applies EXIF orientation before analysis (package facecase/media does).
package recognition
