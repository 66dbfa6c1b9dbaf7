// Package dlibref runs dlib's own shape_predictor, unchanged, as the
// reference the tests of package facecase/internal/dlib hold its flat
// evaluation of the same model to: the landmarks must be the same. Only
// tests import it.
package dlibref
