package facedata

import (
	"errors"
	"flag"
	"io"
	"strings"
	"testing"
)

func TestParseDetectorName(t *testing.T) {
	for _, s := range []string{"ultraface", "ssd", "blazeface", "hog", "haar"} {
		n, err := ParseDetectorName(s)
		if err != nil || string(n) != s {
			t.Errorf("ParseDetectorName(%q) = %q, %v", s, n, err)
		}
	}
	for _, s := range []string{"", "UltraFace", "nanodet", "face", "hog "} {
		if n, err := ParseDetectorName(s); !errors.Is(err, ErrUnknownDetector) || n != "" {
			t.Errorf("ParseDetectorName(%q) = %q, %v; want ErrUnknownDetector", s, n, err)
		}
	}
	if DetectorNames()[0] != DefaultDetector {
		t.Errorf("DetectorNames starts with %q, not the default %q", DetectorNames()[0], DefaultDetector)
	}
}

func TestParsePersonDetectorName(t *testing.T) {
	for _, s := range []string{"nanodet", "hog"} {
		if n, err := ParsePersonDetectorName(s); err != nil || string(n) != s {
			t.Errorf("ParsePersonDetectorName(%q) = %q, %v", s, n, err)
		}
	}
	// CenterNet is not installed and PersonFromFace is no detector.
	for _, s := range []string{"", "centernet", "face", "ultraface"} {
		if _, err := ParsePersonDetectorName(s); !errors.Is(err, ErrUnknownPersonDetector) {
			t.Errorf("ParsePersonDetectorName(%q): %v, want ErrUnknownPersonDetector", s, err)
		}
	}
	if PersonDetectorNames()[0] != DefaultPersonDetector {
		t.Errorf("PersonDetectorNames starts with %q, not the default %q", PersonDetectorNames()[0], DefaultPersonDetector)
	}
}

func TestDetectorNameFlag(t *testing.T) {
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	d := DefaultDetector
	var p PersonDetectorName
	fs.Var(&d, "detector", "")
	fs.Var(&p, "person-detector", "")
	if err := fs.Parse([]string{"-detector", "haar", "-person-detector", "hog"}); err != nil {
		t.Fatal(err)
	}
	if d != Haar || p != PersonHOG {
		t.Errorf("parsed %q and %q, want haar and hog", d, p)
	}
	// The flag package does not wrap Set's error; it says it.
	err := fs.Parse([]string{"-detector", "magic"})
	if err == nil || !strings.Contains(err.Error(), ErrUnknownDetector.Error()) || d != Haar {
		t.Errorf("unknown name: err %v, value %q; want an unknown detector error and the value kept", err, d)
	}
}
