package main

import (
	"flag"
	"strings"

	"facecase/facedata"
)

// detectorFlag registers --detector on fs, holding one of
// facedata.DetectorNames; an unknown name is refused while the flags are
// parsed (the usage error, exit 2). p's value is the default; note, when
// given, follows the list of names in the help.
func detectorFlag(fs *flag.FlagSet, p *facedata.DetectorName, note string) {
	fs.Var(p, "detector", withNote("face detector; `NAME` is "+nameList(facedata.DetectorNames()), note))
}

// personDetectorFlag registers --person-detector on fs, holding one of
// facedata.PersonDetectorNames (empty: the default).
func personDetectorFlag(fs *flag.FlagSet, p *facedata.PersonDetectorName) {
	fs.Var(p, "person-detector", "person detector; `NAME` is "+nameList(facedata.PersonDetectorNames())+
		" (default: "+string(facedata.DefaultPersonDetector)+")")
}

// nameList is "a, b or c".
func nameList[N ~string](names []N) string {
	s := make([]string, len(names))
	for i, n := range names {
		s[i] = string(n)
	}
	if len(s) < 2 {
		return strings.Join(s, "")
	}
	return strings.Join(s[:len(s)-1], ", ") + " or " + s[len(s)-1]
}

func withNote(usage, note string) string {
	if note == "" {
		return usage
	}
	return usage + " " + note
}
