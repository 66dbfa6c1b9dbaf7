package media

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"facecase/internal/testenv"

	"gocv.io/x/gocv"
)

func writeFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func encodeJPEG(t *testing.T, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func encodePNG(t *testing.T, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// pngChunk builds one PNG chunk with a valid CRC.
func pngChunk(typ string, data []byte) []byte {
	var b bytes.Buffer
	binary.Write(&b, binary.BigEndian, uint32(len(data)))
	b.WriteString(typ)
	b.Write(data)
	crc := crc32.ChecksumIEEE(append([]byte(typ), data...))
	binary.Write(&b, binary.BigEndian, crc)
	return b.Bytes()
}

func loadBGR(t *testing.T, path string) gocv.Mat {
	t.Helper()
	m, err := LoadImage(path)
	if err != nil {
		t.Fatalf("LoadImage(%s): %v", filepath.Base(path), err)
	}
	if m.Type() != gocv.MatTypeCV8UC3 {
		t.Fatalf("type %v, want 8UC3", m.Type())
	}
	return m
}

func TestLoadImageRejectsBadFiles(t *testing.T) {
	gradient := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for y := 0; y < 48; y++ {
		for x := 0; x < 64; x++ {
			gradient.Set(x, y, color.RGBA{uint8(4 * x), uint8(5 * y), 100, 255})
		}
	}
	goodJPEG := encodeJPEG(t, gradient)

	var huge bytes.Buffer
	huge.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], 100000)
	binary.BigEndian.PutUint32(ihdr[4:], 100000)
	ihdr[8], ihdr[9] = 8, 2 // 8-bit RGB
	huge.Write(pngChunk("IHDR", ihdr))
	huge.Write(pngChunk("IDAT", []byte{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01}))
	huge.Write(pngChunk("IEND", nil))

	goodPNG := encodePNG(t, gradient)

	cases := []struct {
		name string
		data []byte
		want error
	}{
		{"empty.jpg", nil, ErrEmptyFile},
		{"truncated.jpg", goodJPEG[:len(goodJPEG)/2], ErrCorruptImage},
		{"notes.jpg", []byte("Interview notes, 12 March.\nSuspect seen near the station.\n"), ErrUnsupportedFormat},
		{"huge.png", huge.Bytes(), ErrImageTooLarge},
		{"truncated.png", goodPNG[:len(goodPNG)-30], ErrCorruptImage},
		{"garbage-after-header.jpg", append(append([]byte{}, goodJPEG[:200]...), bytes.Repeat([]byte{0xFF, 0xD9}, 3)...), ErrCorruptImage},
		{"video.jpg", append([]byte{0, 0, 0, 0x18}, []byte("ftypmp42\x00\x00\x00\x00")...), ErrUnsupportedFormat},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := writeFile(t, c.name, c.data)
			m, err := LoadImage(p)
			if err == nil {
				m.Close()
				t.Fatalf("LoadImage(%s) succeeded, want %v", c.name, c.want)
			}
			if !errors.Is(err, c.want) {
				t.Fatalf("LoadImage(%s) = %v, want %v", c.name, err, c.want)
			}
			if !bytes.Contains([]byte(err.Error()), []byte(c.name)) {
				t.Errorf("error %q does not name the file", err)
			}
		})
	}
}

func TestLoadImageMissingFile(t *testing.T) {
	_, err := LoadImage(filepath.Join(t.TempDir(), "gone.jpg"))
	if !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("got %v, want not-exist", err)
	}
}

func TestLoadImageColourLayouts(t *testing.T) {
	// Every layout comes out as 8-bit BGR with the right colours.
	const w, h = 40, 30
	gray := image.NewGray(image.Rect(0, 0, w, h))
	gray16 := image.NewGray16(image.Rect(0, 0, w, h))
	rgba64 := image.NewRGBA64(image.Rect(0, 0, w, h))
	nrgba := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			gray.SetGray(x, y, color.Gray{200})
			gray16.SetGray16(x, y, color.Gray16{200 * 257})
			rgba64.SetRGBA64(x, y, color.RGBA64{R: 250 * 257, G: 10 * 257, B: 20 * 257, A: 0xFFFF})
			nrgba.SetNRGBA(x, y, color.NRGBA{R: 20, G: 240, B: 30, A: 128})
		}
	}
	cases := []struct {
		name    string
		data    []byte
		b, g, r float64
		tol     float64
	}{
		{"gray.png", encodePNG(t, gray), 200, 200, 200, 1},
		{"gray16.png", encodePNG(t, gray16), 200, 200, 200, 1},
		{"rgb16.png", encodePNG(t, rgba64), 20, 10, 250, 1},
		{"alpha.png", encodePNG(t, nrgba), 30, 240, 20, 1},
		{"gray.jpg", encodeJPEG(t, gray), 200, 200, 200, 3},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := loadBGR(t, writeFile(t, c.name, c.data))
			defer m.Close()
			if m.Cols() != w || m.Rows() != h {
				t.Fatalf("size %dx%d, want %dx%d", m.Cols(), m.Rows(), w, h)
			}
			mean := m.Mean()
			got := []float64{mean.Val1, mean.Val2, mean.Val3}
			for i, want := range []float64{c.b, c.g, c.r} {
				got := got[i]
				if got < want-c.tol || got > want+c.tol {
					t.Errorf("channel %d mean %.1f, want %.0f", i, got, want)
				}
			}
		})
	}
}

func TestLoadImageCMYK(t *testing.T) {
	m := loadBGR(t, filepath.Join(testenv.TestdataDir(), "images", "cmyk-gradient.jpg"))
	defer m.Close()
	top := m.Region(image.Rect(0, 0, m.Cols(), 4))
	defer top.Close()
	bottom := m.Region(image.Rect(0, m.Rows()-4, m.Cols(), m.Rows()))
	defer bottom.Close()
	// The gradient runs from red at the top to blue at the bottom.
	if tm := top.Mean(); tm.Val3 < 180 || tm.Val1 > 80 {
		t.Errorf("top should be red, mean BGR = %.0f,%.0f,%.0f", tm.Val1, tm.Val2, tm.Val3)
	}
	if bm := bottom.Mean(); bm.Val1 < 180 || bm.Val3 > 80 {
		t.Errorf("bottom should be blue, mean BGR = %.0f,%.0f,%.0f", bm.Val1, bm.Val2, bm.Val3)
	}
}

func TestLoadImageShared32BitPNG(t *testing.T) {
	p := filepath.Join(testenv.SharedData(t, "face_recognition/test_images"), "32bit.png")
	m := loadBGR(t, p)
	defer m.Close()
	if m.Cols() < 10 || m.Rows() < 10 {
		t.Fatalf("implausible size %dx%d", m.Cols(), m.Rows())
	}
}

func TestLoadImageOtherFormats(t *testing.T) {
	src := gocv.NewMatWithSizeFromScalar(gocv.NewScalar(30, 60, 200, 0), 24, 32, gocv.MatTypeCV8UC3)
	defer src.Close()
	for _, ext := range []gocv.FileExt{".bmp", ".tiff", ".webp", ".png"} {
		t.Run(string(ext), func(t *testing.T) {
			buf, err := gocv.IMEncode(ext, src)
			if err != nil {
				t.Fatalf("encode %s: %v", ext, err)
			}
			defer buf.Close()
			m := loadBGR(t, writeFile(t, "x"+string(ext), buf.GetBytes()))
			defer m.Close()
			if m.Cols() != 32 || m.Rows() != 24 {
				t.Fatalf("size %dx%d", m.Cols(), m.Rows())
			}
			if mean := m.Mean(); mean.Val3 < 190 || mean.Val1 > 40 {
				t.Errorf("colour lost: %.0f,%.0f,%.0f", mean.Val1, mean.Val2, mean.Val3)
			}
		})
	}
}

// exifOrientationJPEG inserts an APP1 Exif segment with the given
// orientation right after the SOI marker of a JPEG.
func exifOrientationJPEG(jpg []byte, orientation uint16) []byte {
	var tiff bytes.Buffer
	tiff.WriteString("II*\x00")
	binary.Write(&tiff, binary.LittleEndian, uint32(8))
	binary.Write(&tiff, binary.LittleEndian, uint16(1)) // one entry
	binary.Write(&tiff, binary.LittleEndian, uint16(0x0112))
	binary.Write(&tiff, binary.LittleEndian, uint16(3)) // SHORT
	binary.Write(&tiff, binary.LittleEndian, uint32(1))
	binary.Write(&tiff, binary.LittleEndian, orientation)
	binary.Write(&tiff, binary.LittleEndian, uint16(0))
	binary.Write(&tiff, binary.LittleEndian, uint32(0)) // no next IFD
	payload := append([]byte("Exif\x00\x00"), tiff.Bytes()...)
	var out bytes.Buffer
	out.Write(jpg[:2])
	out.Write([]byte{0xFF, 0xE1})
	binary.Write(&out, binary.BigEndian, uint16(len(payload)+2))
	out.Write(payload)
	out.Write(jpg[2:])
	return out.Bytes()
}

func TestLoadImageAppliesEXIFOrientation(t *testing.T) {
	// A 60x30 image, white square in the top-left corner as stored.
	img := image.NewGray(image.Rect(0, 0, 60, 30))
	for y := 0; y < 10; y++ {
		for x := 0; x < 10; x++ {
			img.SetGray(x, y, color.Gray{255})
		}
	}
	jpg := encodeJPEG(t, img)
	// Orientation 6: the viewer rotates 90 degrees clockwise, so the stored
	// top-left corner appears top-right and the image is 30 wide, 60 high.
	m := loadBGR(t, writeFile(t, "rotated.jpg", exifOrientationJPEG(jpg, 6)))
	defer m.Close()
	if m.Cols() != 30 || m.Rows() != 60 {
		t.Fatalf("size %dx%d, want 30x60 (EXIF orientation not applied)", m.Cols(), m.Rows())
	}
	if v := m.GetVecbAt(4, 25)[0]; v < 200 {
		t.Errorf("top-right pixel %d, want white", v)
	}
	if v := m.GetVecbAt(4, 4)[0]; v > 60 {
		t.Errorf("top-left pixel %d, want black", v)
	}
}

func encodeJPEGBytes(img image.Image) []byte {
	var b bytes.Buffer
	jpeg.Encode(&b, img, &jpeg.Options{Quality: 90})
	return b.Bytes()
}

func encodePNGBytes(img image.Image) []byte {
	var b bytes.Buffer
	png.Encode(&b, img)
	return b.Bytes()
}
