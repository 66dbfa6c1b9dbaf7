// Package synthdesc generates synthetic face descriptors that behave like
// real ones in the dlib ResNet v1 space, for benchmarks and tests of
// watchlist search at scales no test set reaches (millions of faces).
//
// The model: every identity has a centre drawn around a common mean
// (real descriptors share a large mean component, which is why their norm is
// about 1.4 while different people are only about 0.8 apart); centres vary
// along a few strong directions and many weak ones (face embeddings have a
// low intrinsic dimension, see Gong, Boddeti and Jain, "On the Intrinsic
// Dimensionality of Image Representations", CVPR 2019); each image of an
// identity adds noise whose size varies per identity (some people are
// photographed in more varied conditions than others).
//
// The scales are calibrated so that, as with real dlib descriptors, the mean
// distance between two images of one person is about 0.45 and between two
// people about 0.8 (dlib's own threshold for "same person" is 0.6); the test
// of this package measures both, and the norm.
//
// Everything is a pure function of the seed and the index, so faces can be
// generated in parallel, in any order, and nothing is ever stored.
package synthdesc
