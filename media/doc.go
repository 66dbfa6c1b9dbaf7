// Package media opens what detectives bring: photos, video files, USB and IP
// cameras. It decodes frames with GoCV, never writes to an original file, and
// turns bad input into clear errors.
//
// Photos are decoded by LoadImage (or DecodeImage for bytes in memory): the
// format is recognised by content, the header's dimensions are checked
// before any pixel is decoded (a hostile header cannot make us allocate
// gigabytes), truncated files are refused, EXIF orientation is applied so
// coordinates are those the user sees, and every colour layout (grey,
// alpha, 16-bit, CMYK) comes out as 8-bit BGR.
package media
