package media

import "testing"

func TestSniffVideo(t *testing.T) {
	ts := make([]byte, 400)
	ts[0], ts[188], ts[376] = 0x47, 0x47, 0x47
	cases := []struct {
		name string
		head []byte
		want string
	}{
		{"mp4", []byte("\x00\x00\x00\x18ftypisom\x00\x00\x02\x00"), "mp4"},
		{"mov", []byte("\x00\x00\x00\x14ftypqt  \x00\x00\x02\x00"), "mov"},
		{"old mov", []byte("\x00\x00\x00\x08wide\x00\x00\x00\x00"), "mov"},
		{"mkv", append([]byte{0x1A, 0x45, 0xDF, 0xA3}, []byte("\x42\x82\x88matroska")...), "mkv"},
		{"webm", append([]byte{0x1A, 0x45, 0xDF, 0xA3}, []byte("\x42\x82\x84webm")...), "webm"},
		{"avi", []byte("RIFF\x10\x00\x00\x00AVI LIST"), "avi"},
		{"ts", ts, "mpegts"},
		{"ps", []byte{0, 0, 1, 0xBA, 0x44}, "mpegps"},
		{"asf", []byte{0x30, 0x26, 0xB2, 0x75, 0x8E, 0x66, 0xCF, 0x11, 0xA6}, "asf"},
		{"flv", []byte("FLV\x01\x05"), "flv"},
		{"wav is not video", []byte("RIFF\x10\x00\x00\x00WAVEfmt "), ""},
		{"jpeg is not video", []byte{0xFF, 0xD8, 0xFF, 0xE0}, ""},
		{"text", []byte("hello world, this is not a video"), ""},
		{"tiny atom size", []byte("\x00\x00\x00\x01moov"), ""},
		{"empty", nil, ""},
	}
	for _, c := range cases {
		if got := sniffVideo(c.head); got != c.want {
			t.Errorf("%s: sniffVideo = %q, want %q", c.name, got, c.want)
		}
	}
}

func TestCameraIndexAndScheme(t *testing.T) {
	for uri, want := range map[string]int{"0": 0, "2": 2, "/dev/video3": 3, "12": 12} {
		if got, ok := cameraIndex(uri); !ok || got != want {
			t.Errorf("cameraIndex(%q) = %d, %v", uri, got, ok)
		}
	}
	for _, uri := range []string{"", "video.mp4", "/dev/video", "/dev/videoX", "1234", "-1", "0.5", "/dev/sda"} {
		if _, ok := cameraIndex(uri); ok {
			t.Errorf("cameraIndex(%q) accepted", uri)
		}
	}
	schemes := map[string]string{
		"rtsp://cam/live": "rtsp", "HTTP://cam/mjpg": "http", "https://x": "https",
		"/data/clip.mp4": "", "clip.mp4": "", "C:/x.mp4": "", "ftp://x/y": "ftp", "file:///a/b.jpg": "file", "rtsps://x": "rtsps",
	}
	for uri, want := range schemes {
		if got := uriScheme(uri); got != want {
			t.Errorf("uriScheme(%q) = %q, want %q", uri, got, want)
		}
	}
}
