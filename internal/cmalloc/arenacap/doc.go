// Package arenacap caps glibc's malloc arenas at one per core (at least
// two) as the program starts, before any thread allocates.
//
// glibc gives every thread that allocates a heap of its own, up to eight a
// core; in the desktop app the native libraries' threads (ONNX Runtime,
// OpenCV, FFmpeg, Mesa) each kept 35-65 MB in one. The cap must be set
// before those threads exist, and before glibc works out its own limit
// (once, when a ninth arena is wanted): a cap set from main came too late
// to be sure of. So the package sets it from a C constructor, which runs
// when the program is loaded, before the Go runtime starts its threads.
//
// Import it for its side effect, in a command only:
//
//	import _ "facecase/internal/cmalloc/arenacap"
//
// $MALLOC_ARENA_MAX, or an arena_max in $GLIBC_TUNABLES, wins: then the
// package leaves glibc alone. Arenas reports the cap it set.
package arenacap
