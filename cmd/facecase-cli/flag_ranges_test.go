package main

import (
	"flag"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// commandLines lists every command and subcommand with flags as the words
// that invoke it. The gallery's and models' subcommands are dispatched by
// switches in runGallery and runModels; keep this list in step with them.
func commandLines() [][]string {
	var lines [][]string
	for name := range commands {
		switch name {
		case "case":
			for sub := range caseSubcommands {
				lines = append(lines, []string{"case", sub})
			}
		case "gallery":
			for _, sub := range []string{"import", "search", "bench"} {
				lines = append(lines, []string{"gallery", sub})
			}
		case "models":
			lines = append(lines, []string{"models", "install"})
		default:
			lines = append(lines, []string{name})
		}
	}
	sort.Slice(lines, func(i, j int) bool { return strings.Join(lines[i], " ") < strings.Join(lines[j], " ") })
	return lines
}

// flagLine is a flag's first line in the help: "  -name TYPE".
var flagLine = regexp.MustCompile(`(?m)^  -([a-z0-9-]+)(?: (\S+))?\n((?:    \t.*\n?)*)`)

// TestEveryNumericFlagHasARange: every numeric flag of every command is a
// range-checked value whose range is in the help. A plain fs.Int,
// fs.Float64, fs.Uint64 or fs.Duration shows as "int", "float", "uint" or
// "duration" in the help and fails here.
func TestEveryNumericFlagHasARange(t *testing.T) {
	ranged := 0
	for _, words := range commandLines() {
		code, _, help := runCLI(t, append(append([]string{}, words...), "-h")...)
		if code != 0 || !strings.Contains(help, "options:") {
			t.Errorf("%s -h: exit %d, help %q", strings.Join(words, " "), code, help)
			continue
		}
		for _, m := range flagLine.FindAllStringSubmatch(help, -1) {
			name, typ, usage := m[1], m[2], m[3]
			switch typ {
			case "int", "uint", "float", "duration":
				t.Errorf("%s -%s is a plain %s flag: use intFlag, uint64Flag or floatFlag (flag_ranges.go)", strings.Join(words, " "), name, typ)
			}
			if typ != "" && typ == strings.ToUpper(typ) && typ != "FILE" {
				if !regexp.MustCompile(regexp.QuoteMeta(typ) + ` (from |above |\S+ or more)`).MatchString(usage) {
					t.Errorf("%s -%s %s: the help does not give the range: %q", strings.Join(words, " "), name, typ, usage)
				}
				ranged++
			}
		}
	}
	if ranged < 20 {
		t.Fatalf("only %d range-checked flags found in the help texts: the help parser sees nothing", ranged)
	}
}

// TestOutOfRangeFlagsAreUsageErrors: values the adversarial run got
// through (and their neighbours) stop the command with the usage error
// code before anything is opened or created.
func TestOutOfRangeFlagsAreUsageErrors(t *testing.T) {
	dir := t.TempDir()
	made := filepath.Join(dir, "made")
	cases := [][]string{
		{"analyze", "--jobs", "100000", made},
		{"analyze", "--jobs", "0", made},
		{"analyze", "--min-face", "-5", made},
		{"analyze", "--min-face", "100000", made},
		{"scan", "--threshold", "NaN", made},
		{"scan", "--every", "-1", made},
		{"scan", "--max-every", "0", made},
		{"compare", "--threshold", "-1", made, made},
		{"compare", "--threshold", "NaN", made, made},
		{"compare", "--threshold", "+Inf", made, made},
		{"compare", "--threshold", "0", made, made},
		{"compare", "--threshold", "1e309", made, made},
		{"gallery", "import", "-gallery", made, "-synthetic", "-5"},
		{"gallery", "import", "-gallery", made, "-synthetic", "1000000000"},
		{"gallery", "search", "-gallery", made, "-descriptor", made, "-k", "0"},
		{"gallery", "search", "-gallery", made, "-descriptor", made, "-threshold", "-0.1"},
		{"gallery", "bench", "-dir", made, "-faces", "-1"},
		{"gallery", "bench", "-dir", made, "-memlimit-gb", "Inf"},
		{"bench", "--runs", "0"},
		{"eval", "--dataset", made, "--out", made, "--bootstrap", "-1"},
		{"eval", "--dataset", made, "--out", made, "--threshold", "NaN"},
		{"case", "add", "--min-face", "-1", made, made},
		{"case", "search", "--detection", "1", "--threshold", "Inf", made},
		{"case", "search", "--detection", "1", "--fmr", "1.5", made},
		{"case", "search", "--detection", "1", "--fmr", "1e-9", made},
		{"compare", "--fmr", "NaN", made, made},
		{"scan", "--fmr", "0", made},
		{"case", "search", "--detection", "-1", made},
		{"case", "enrol", "--label", "x", "--face", "-2", made, made},
		{"case", "review", "--search", "0", made},
	}
	for _, args := range cases {
		code, out, errOut := runCLI(t, args...)
		if code != 2 || !strings.Contains(errOut, "invalid value") || out != "" {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want exit 2 and the flag's range", strings.Join(args, " "), code, out, errOut)
		}
	}
	for _, p := range []string{made, made + ".facecase"} {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("%s was created by a command whose flags were refused", p)
		}
	}
}

func TestRangeFlagBounds(t *testing.T) {
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	// A rate in (0, 1], as a false-match-rate flag would be.
	rate := newFloatFlag(fs, "rate", "R", 1e-3, numberRange[float64]{Min: 0, Max: 1, MinExcluded: true}, "target false match rate")
	n := newIntFlag(fs, "n", "N", 5, numberRange[int]{Min: 1, Max: 64}, "workers")
	id := newUint64Flag(fs, "id", "ID", 0, idRange, "record")
	if *rate != 1e-3 || *n != 5 || *id != 0 {
		t.Fatalf("defaults %v %v %v", *rate, *n, *id)
	}
	for _, c := range []struct {
		flag, value string
		ok          bool
	}{
		{"rate", "1", true}, {"rate", "1e-6", true}, {"rate", "0", false}, {"rate", "-0", false},
		{"rate", "1.0000001", false}, {"rate", "NaN", false}, {"rate", "-Inf", false}, {"rate", "inf", false}, {"rate", "x", false},
		{"n", "1", true}, {"n", "64", true}, {"n", "0", false}, {"n", "65", false}, {"n", "1.5", false}, {"n", "99999999999999999999", false},
		{"id", "1", true}, {"id", "18446744073709551615", true}, {"id", "0", false}, {"id", "-1", false},
	} {
		err := fs.Set(c.flag, c.value)
		if (err == nil) != c.ok {
			t.Errorf("-%s %s: error %v, want ok=%t", c.flag, c.value, err, c.ok)
		}
	}
	if *rate != 1e-6 || *n != 64 || *id != 18446744073709551615 {
		t.Fatalf("values after the accepted settings: %v %v %v", *rate, *n, *id)
	}
	if u := fs.Lookup("rate").Usage; !strings.Contains(u, "`R` above 0, up to 1") {
		t.Fatalf("usage %q does not give the range", u)
	}
}
