package main

import (
	"flag"
	"fmt"
	"math"
	"runtime"
	"strconv"
)

// Every numeric flag of every command is one of the range-checked values
// below: a value outside its documented range, NaN or an infinity is
// refused while the flags are parsed, so the command stops with the usage
// error (exit 2) before it opens, creates or loads anything. The range is
// part of the flag's help text ("-jobs N ... N from 1 to 8").
//
// Register them with intFlag, uint64Flag and floatFlag; the test
// TestEveryNumericFlagHasARange fails for a plain fs.Int or fs.Float64.

// number is what a range-checked flag holds.
type number interface{ int | uint64 | float64 }

// numberRange is the closed range [Min, Max] of a flag, or (Min, Max]
// when MinExcluded is set (a distance threshold above 0; a rate in (0,1]).
type numberRange[T number] struct {
	Min, Max    T
	MinExcluded bool
}

// contains reports whether v is inside the range.
func (r numberRange[T]) contains(v T) bool {
	return v <= r.Max && (v > r.Min || (v == r.Min && !r.MinExcluded))
}

// text is the range in words for the help and error messages.
func (r numberRange[T]) text(format func(T) string) string {
	switch {
	case r.MinExcluded:
		return fmt.Sprintf("above %s, up to %s", format(r.Min), format(r.Max))
	case isTypeMax(r.Max):
		return format(r.Min) + " or more"
	}
	return fmt.Sprintf("from %s to %s", format(r.Min), format(r.Max))
}

func isTypeMax[T number](v T) bool {
	switch x := any(v).(type) {
	case int:
		return x == math.MaxInt
	case uint64:
		return x == math.MaxUint64
	}
	return false
}

// rangeFlag is a flag.Value holding a number inside a range.
type rangeFlag[T number] struct {
	p      *T
	r      numberRange[T]
	name   string // placeholder in the help: N, PX, D
	parse  func(string) (T, error)
	format func(T) string
}

// Set parses s and refuses values outside the range.
func (f *rangeFlag[T]) Set(s string) error {
	v, err := f.parse(s)
	if err != nil {
		return fmt.Errorf("%w; want %s %s", err, f.name, f.r.text(f.format))
	}
	if !f.r.contains(v) {
		return fmt.Errorf("out of range; want %s %s", f.name, f.r.text(f.format))
	}
	*f.p = v
	return nil
}

// String is the current value (the zero value for the zero rangeFlag, as
// the flag package's help output expects).
func (f *rangeFlag[T]) String() string {
	if f == nil || f.p == nil {
		return "0"
	}
	return f.format(*f.p)
}

// register adds the flag to fs with the range in its help text; *p starts
// at def, which the range need not contain (0 often means "automatic").
func (f *rangeFlag[T]) register(fs *flag.FlagSet, name string, def T, usage string) {
	*f.p = def
	fs.Var(f, name, fmt.Sprintf("%s; `%s` %s", usage, f.name, f.r.text(f.format)))
}

// intFlag defines an int flag limited to r; placeholder names the value in
// the help ("N", "PX").
func intFlag(fs *flag.FlagSet, p *int, name, placeholder string, def int, r numberRange[int], usage string) {
	f := &rangeFlag[int]{p: p, r: r, name: placeholder, parse: parseInt, format: strconv.Itoa}
	f.register(fs, name, def, usage)
}

// uint64Flag defines a uint64 flag limited to r.
func uint64Flag(fs *flag.FlagSet, p *uint64, name, placeholder string, def uint64, r numberRange[uint64], usage string) {
	f := &rangeFlag[uint64]{p: p, r: r, name: placeholder, parse: parseUint64,
		format: func(v uint64) string { return strconv.FormatUint(v, 10) }}
	f.register(fs, name, def, usage)
}

// floatFlag defines a float64 flag limited to r; NaN and infinities are
// always refused.
func floatFlag(fs *flag.FlagSet, p *float64, name, placeholder string, def float64, r numberRange[float64], usage string) {
	f := &rangeFlag[float64]{p: p, r: r, name: placeholder, parse: parseFinite,
		format: func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }}
	f.register(fs, name, def, usage)
}

// The New-style helpers return a pointer, like fs.Int.

func newIntFlag(fs *flag.FlagSet, name, placeholder string, def int, r numberRange[int], usage string) *int {
	p := new(int)
	intFlag(fs, p, name, placeholder, def, r, usage)
	return p
}

func newUint64Flag(fs *flag.FlagSet, name, placeholder string, def uint64, r numberRange[uint64], usage string) *uint64 {
	p := new(uint64)
	uint64Flag(fs, p, name, placeholder, def, r, usage)
	return p
}

func newFloatFlag(fs *flag.FlagSet, name, placeholder string, def float64, r numberRange[float64], usage string) *float64 {
	p := new(float64)
	floatFlag(fs, p, name, placeholder, def, r, usage)
	return p
}

func parseInt(s string) (int, error) {
	v, err := strconv.ParseInt(s, 10, strconv.IntSize)
	if err != nil {
		return 0, fmt.Errorf("not a whole number")
	}
	return int(v), nil
}

func parseUint64(s string) (uint64, error) {
	v, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("not a whole number of 0 or more")
	}
	return v, nil
}

func parseFinite(s string) (float64, error) {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("not a finite number")
	}
	return v, nil
}

// The ranges the commands share.
var (
	// minFaceRange: the smallest face looked for, in pixels (0: one pass
	// over the whole image). Faces are never larger than the photo, whose
	// side is at most about 16000 px (media.MaxImagePixels).
	minFaceRange = numberRange[int]{Min: 0, Max: 16000}
	// minPersonRange bounds the smallest person looked for, in pixels of
	// height: at least one, never taller than the largest frame.
	minPersonRange = numberRange[int]{Min: 1, Max: 16000}
	// workersRange bounds parallel workers: up to 4 per CPU. More only
	// holds more decoded images in memory waiting for the same cores.
	workersRange = numberRange[int]{Min: 1, Max: 4 * runtime.NumCPU()}
	// distanceRange: a descriptor distance threshold. Real descriptors
	// have a norm of about 1.4, so no two are further apart than about 2.8;
	// 0 would match only identical descriptors.
	distanceRange = numberRange[float64]{Min: 0, Max: 4, MinExcluded: true}
	// idRange: a stored record's ID (IDs start at 1).
	idRange = numberRange[uint64]{Min: 1, Max: math.MaxUint64}
	// seedRange: any seed.
	seedRange = numberRange[uint64]{Min: 0, Max: math.MaxUint64}
	// faceIndexRange: the K-th face of a photo, 1 = first.
	faceIndexRange = numberRange[int]{Min: 1, Max: 100000}
)

// maxGalleryFaces bounds gallery sizes given on the command line: ten times
// the 10 million faces the gallery is built for (51 GB of descriptors).
const maxGalleryFaces = 100_000_000

// flagGiven reports whether the flag name was set on the command line.
func flagGiven(fs *flag.FlagSet, name string) bool {
	given := false
	fs.Visit(func(f *flag.Flag) { given = given || f.Name == name })
	return given
}
