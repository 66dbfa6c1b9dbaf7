package eval

import (
	"bytes"
	"context"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// bruteTally scores every pair in the plainest way.
func bruteTally(set *scoringSet, threshold float64) *tally {
	t := newTally(set, threshold, false, 1<<30)
	for i := 0; i < set.size(); i++ {
		for j := i + 1; j < set.size(); j++ {
			s := float32(set.desc[i].Distance(&set.desc[j]))
			if set.ident[i] == set.ident[j] {
				t.addMated(int32(i), int32(j), s)
			} else {
				t.addNonMated(set, int32(i), int32(j), s)
			}
		}
	}
	t.sortPairs()
	return t
}

func TestScoreAllPairsMatchesBruteForce(t *testing.T) {
	set := syntheticSet(60, 4, 3, true)
	ref := bruteTally(set, 0.6)
	if len(ref.records) == 0 {
		t.Fatal("test data should have false matches at 0.6")
	}
	var csvs []string
	for _, workers := range []int{1, 3} {
		var buf bytes.Buffer
		got, err := scoreAllPairs(context.Background(), set, scoreOptions{threshold: 0.6, workers: workers, maxRecords: 1 << 30, scores: &buf})
		if err != nil {
			t.Fatal(err)
		}
		if len(got.mated) != len(ref.mated) || len(got.records) != len(ref.records) {
			t.Fatalf("%d workers: %d mated, %d records; want %d, %d", workers, len(got.mated), len(got.records), len(ref.mated), len(ref.records))
		}
		for k := range ref.mated {
			// Score sums in four lanes: it may differ from Distance in the
			// last float32 bit, never more.
			if got.mated[k].A != ref.mated[k].A || got.mated[k].B != ref.mated[k].B || abs32(got.mated[k].Score-ref.mated[k].Score) > 1e-6 {
				t.Fatalf("mated pair %d = %+v, want %+v", k, got.mated[k], ref.mated[k])
			}
		}
		for c := range ref.nonMated {
			for g := range ref.nonMated[c] {
				if got.nonMated[c][g].Total() != ref.nonMated[c][g].Total() {
					t.Errorf("column %d group %d: %d non-mated, want %d", c, g, got.nonMated[c][g].Total(), ref.nonMated[c][g].Total())
				}
			}
			if !reflect.DeepEqual(got.crossFM[c], ref.crossFM[c]) {
				t.Errorf("column %d cross false matches %v, want %v", c, got.crossFM[c], ref.crossFM[c])
			}
		}
		csvs = append(csvs, buf.String())
	}
	if csvs[0] != csvs[1] {
		t.Error("the scores file depends on the number of workers")
	}
	rows := strings.Split(strings.TrimSpace(csvs[0]), "\n")
	n := set.size()
	if len(rows) != n*(n-1)/2 {
		t.Fatalf("%d score rows, want %d", len(rows), n*(n-1)/2)
	}
	// Rows come in (a, b) order and read back to the exact score.
	k := 0
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			f := strings.Split(rows[k], ",")
			s, err := strconv.ParseFloat(f[3], 32)
			mated := set.ident[i] == set.ident[j]
			if err != nil || f[0] != strconv.Itoa(i) || f[1] != strconv.Itoa(j) || (f[2] == "1") != mated || float32(s) != Score(&set.desc[i], &set.desc[j]) {
				t.Fatalf("row %d = %q, want pair %d,%d mated %v score %v", k, rows[k], i, j, mated, Score(&set.desc[i], &set.desc[j]))
			}
			k++
		}
	}
}

func abs32(x float32) float32 {
	if x < 0 {
		return -x
	}
	return x
}

func TestScoreAllPairsCancelled(t *testing.T) {
	set := syntheticSet(300, 4, 1, false)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := scoreAllPairs(ctx, set, scoreOptions{threshold: 0.6, workers: 2, maxRecords: 10}); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

type failingWriter struct{ n int }

func (w *failingWriter) Write(p []byte) (int, error) {
	if w.n--; w.n < 0 {
		return 0, errors.New("disk full")
	}
	return len(p), nil
}

func TestScoreAllPairsWriteError(t *testing.T) {
	set := syntheticSet(400, 3, 1, false) // about 720k pairs: several chunks
	_, err := scoreAllPairs(context.Background(), set, scoreOptions{threshold: 0.6, workers: 2, maxRecords: 10, scores: &failingWriter{n: 2}})
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("err = %v, want the write error", err)
	}
}

func TestRecordOverflowDisablesBootstrap(t *testing.T) {
	set := syntheticSet(40, 3, 5, true)
	got, err := scoreAllPairs(context.Background(), set, scoreOptions{threshold: 3.9, workers: 2, maxRecords: 10})
	if err != nil {
		t.Fatal(err)
	}
	if !got.overflow {
		t.Error("more false matches than maxRecords must set overflow")
	}
}

func TestSplitRows(t *testing.T) {
	for _, n := range []int{0, 1, 2, 7, 1000} {
		var total int64
		next := 0
		for _, c := range splitRows(n, 100) {
			if c.first != next {
				t.Fatalf("n=%d: chunk starts at %d, want %d", n, c.first, next)
			}
			next = c.last
			total += c.pairs
		}
		if total != int64(n)*int64(n-1)/2 || (n > 0 && next != n) {
			t.Errorf("n=%d: chunks cover %d pairs ending at row %d", n, total, next)
		}
	}
}
