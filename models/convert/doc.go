// Package convert turns the model weights shipped in npm packages into
// ONNX graphs that ONNX Runtime runs (and OpenCV 4.6's DNN module imports,
// the fallback runtime).
//
// The face-api package (@vladmandic/face-api) ships each network as a
// TensorFlow.js weights manifest plus one binary file. ReadWeights decodes
// that pair into named float32 tensors. The network topology is not in the
// files: it is written out here, in Go, from the facts recorded in
// ../shared/docs/models.md and the package's own TypeScript sources, and
// serialized with the Graph builder.
//
// Models shipped as ONNX are patched instead: BlazeFaceDynamic and
// UltraFaceDynamic free their input size and drop what ties them to one.
//
// DlibResNetV1Int8 quantises the converted descriptor to int8 (ONNX
// Runtime's QDQ form) from activation ranges that Calibration collects over
// DlibResNetV1Probe's outputs; measured and not installed (docs/benchmarks.md,
// "int8 descriptor (issue 12)").
//
// Conversion is deterministic: the same input bytes give the same ONNX bytes,
// so the SHA-256 of every converted file can be pinned in the model manifest.
package convert
