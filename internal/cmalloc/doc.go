// Package cmalloc talks to the C allocator that the native libraries
// (OpenCV, dlib, ONNX Runtime) share.
//
// glibc keeps the memory those libraries free for reuse, in one arena per
// thread that allocated, and hands little of it back: after a photo is
// analysed, the pages its frame, resized copies and network inputs took
// stay with the process, scattered over the arenas. Trim returns them at
// points where the caller knows a large piece of work has ended.
// Package arenacap, imported by the desktop app, caps how many arenas
// there are (glibc makes up to eight a core), so that fewer heaps each keep
// blocks of their own.
package cmalloc
