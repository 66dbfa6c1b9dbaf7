package media

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"image"

	"golang.org/x/image/webp"
)

// MaxImagePixels is the largest photo we decode (width x height). It allows
// 200-megapixel medium-format photos while refusing headers that would make
// the decoder allocate gigabytes.
const MaxImagePixels = 250_000_000

// imageHeader is what a header says before any pixel is decoded.
type imageHeader struct {
	Format        ImageFormat
	Width, Height int
}

// readImageHeader reads the dimensions from the header of data and checks
// the file is complete enough to decode.
func readImageHeader(data []byte) (imageHeader, error) {
	f, err := SniffImageFormat(data)
	if err != nil {
		return imageHeader{}, err
	}
	h := imageHeader{Format: f}
	switch f {
	case FormatJPEG:
		h.Width, h.Height, err = jpegHeader(data)
	case FormatPNG:
		h.Width, h.Height, err = pngHeader(data)
	case FormatBMP:
		h.Width, h.Height, err = bmpHeader(data)
	case FormatTIFF:
		h.Width, h.Height, err = tiffHeader(data)
	case FormatWebP:
		var c image.Config
		c, err = webp.DecodeConfig(bytes.NewReader(data))
		h.Width, h.Height = c.Width, c.Height
	}
	if err != nil {
		return h, fmt.Errorf("%w: %s header: %v", ErrCorruptImage, f, err)
	}
	if h.Width <= 0 || h.Height <= 0 {
		return h, fmt.Errorf("%w: %s header gives size %dx%d", ErrCorruptImage, f, h.Width, h.Height)
	}
	if int64(h.Width)*int64(h.Height) > MaxImagePixels {
		return h, fmt.Errorf("%w: header claims %dx%d pixels, more than the %d-megapixel limit",
			ErrImageTooLarge, h.Width, h.Height, MaxImagePixels/1_000_000)
	}
	return h, nil
}

// jpegHeader walks the JPEG segments to the frame header (SOFn) and checks
// that the scan data that follows ends with an EOI marker.
func jpegHeader(b []byte) (w, h int, err error) {
	pos := 2
	for {
		if pos+4 > len(b) {
			return 0, 0, fmt.Errorf("truncated before the image data")
		}
		if b[pos] != 0xFF {
			return 0, 0, fmt.Errorf("bad marker at byte %d", pos)
		}
		marker := b[pos+1]
		if marker == 0xFF { // fill byte
			pos++
			continue
		}
		seg := int(binary.BigEndian.Uint16(b[pos+2:]))
		if seg < 2 || pos+2+seg > len(b) {
			return 0, 0, fmt.Errorf("truncated segment at byte %d", pos)
		}
		isSOF := marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC
		if isSOF {
			if seg < 7 {
				return 0, 0, fmt.Errorf("short frame header")
			}
			h = int(binary.BigEndian.Uint16(b[pos+5:]))
			w = int(binary.BigEndian.Uint16(b[pos+7:]))
		}
		if marker == 0xDA { // start of scan: entropy-coded data follows
			if w == 0 {
				return 0, 0, fmt.Errorf("scan before frame header")
			}
			if !bytes.Contains(b[pos+2+seg:], []byte{0xFF, 0xD9}) {
				return 0, 0, fmt.Errorf("truncated: no end-of-image marker after the image data")
			}
			return w, h, nil
		}
		pos += 2 + seg
	}
}

func pngHeader(b []byte) (w, h int, err error) {
	if len(b) < 33 || string(b[12:16]) != "IHDR" {
		return 0, 0, fmt.Errorf("missing IHDR chunk")
	}
	w64 := binary.BigEndian.Uint32(b[16:])
	h64 := binary.BigEndian.Uint32(b[20:])
	if w64 > 1<<30 || h64 > 1<<30 {
		return 0, 0, fmt.Errorf("impossible size %dx%d", w64, h64)
	}
	tail := b[max(0, len(b)-64):]
	if !bytes.Contains(tail, []byte("IEND")) {
		return 0, 0, fmt.Errorf("truncated: no IEND chunk")
	}
	return int(w64), int(h64), nil
}

func bmpHeader(b []byte) (w, h int, err error) {
	if len(b) < 26 {
		return 0, 0, fmt.Errorf("short header")
	}
	dib := binary.LittleEndian.Uint32(b[14:])
	if dib == 12 { // OS/2 BITMAPCOREHEADER: 16-bit sizes
		return int(binary.LittleEndian.Uint16(b[18:])), int(binary.LittleEndian.Uint16(b[20:])), nil
	}
	w = int(int32(binary.LittleEndian.Uint32(b[18:])))
	h = int(int32(binary.LittleEndian.Uint32(b[22:])))
	if h < 0 { // top-down bitmap
		h = -h
	}
	return w, h, nil
}

// tiffHeader reads ImageWidth (256) and ImageLength (257) from the first IFD.
func tiffHeader(b []byte) (w, h int, err error) {
	var bo binary.ByteOrder = binary.LittleEndian
	if b[0] == 'M' {
		bo = binary.BigEndian
	}
	if len(b) < 8 {
		return 0, 0, fmt.Errorf("short header")
	}
	ifd := int(bo.Uint32(b[4:]))
	if ifd < 8 || ifd+2 > len(b) {
		return 0, 0, fmt.Errorf("first directory offset %d outside the file", ifd)
	}
	n := int(bo.Uint16(b[ifd:]))
	for i := 0; i < n; i++ {
		e := ifd + 2 + 12*i
		if e+12 > len(b) {
			return 0, 0, fmt.Errorf("truncated directory")
		}
		tag, typ := bo.Uint16(b[e:]), bo.Uint16(b[e+2:])
		var v int
		switch typ {
		case 3: // SHORT
			v = int(bo.Uint16(b[e+8:]))
		case 4: // LONG
			v = int(bo.Uint32(b[e+8:]))
		default:
			continue
		}
		switch tag {
		case 256:
			w = v
		case 257:
			h = v
		}
	}
	if w == 0 || h == 0 {
		return 0, 0, fmt.Errorf("no image size in the first directory")
	}
	return w, h, nil
}
