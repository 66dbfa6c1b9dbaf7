package tracking

import (
	"math"
	"math/rand"
	"testing"
)

// bruteAssign tries every assignment of rows to distinct columns (or to
// none) and returns the best total cost among those with the most
// allowed pairs.
func bruteAssign(cost [][]float64) (pairs int, total float64) {
	rows, cols := len(cost), len(cost[0])
	used := make([]bool, cols)
	bestPairs, bestTotal := -1, math.Inf(1)
	var rec func(i, n int, sum float64)
	rec = func(i, n int, sum float64) {
		if i == rows {
			if n > bestPairs || (n == bestPairs && sum < bestTotal-1e-9) {
				bestPairs, bestTotal = n, sum
			}
			return
		}
		rec(i+1, n, sum) // row i unassigned
		for j := 0; j < cols; j++ {
			if used[j] || math.IsInf(cost[i][j], 1) {
				continue
			}
			used[j] = true
			rec(i+1, n+1, sum+cost[i][j])
			used[j] = false
		}
	}
	rec(0, 0, 0)
	return bestPairs, bestTotal
}

func checkAssignment(t *testing.T, cost [][]float64, got []int) (pairs int, total float64) {
	t.Helper()
	seen := map[int]bool{}
	for i, j := range got {
		if j < 0 {
			continue
		}
		if seen[j] {
			t.Fatalf("column %d assigned twice: %v", j, got)
		}
		seen[j] = true
		if math.IsInf(cost[i][j], 1) {
			t.Fatalf("forbidden pair (%d,%d) assigned", i, j)
		}
		pairs++
		total += cost[i][j]
	}
	return pairs, total
}

func TestAssignKnownCases(t *testing.T) {
	inf := math.Inf(1)
	cases := []struct {
		name string
		cost [][]float64
		want []int
	}{
		{"identity", [][]float64{{1, 9}, {9, 1}}, []int{0, 1}},
		{"swap", [][]float64{{9, 1}, {1, 9}}, []int{1, 0}},
		{"greedy is wrong", [][]float64{{1, 2}, {2, 100}}, []int{1, 0}},
		{"more rows", [][]float64{{5}, {1}, {3}}, []int{-1, 0, -1}},
		{"more columns", [][]float64{{5, 1, 3}}, []int{1}},
		// Both rows want column 1; row 0 wins (1 < 2).
		{"forbidden", [][]float64{{inf, 1}, {inf, 2}}, []int{1, -1}},
		{"all forbidden", [][]float64{{inf, inf}}, []int{-1}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := assign(c.cost)
			for i := range c.want {
				if got[i] != c.want[i] {
					t.Fatalf("assign = %v, want %v", got, c.want)
				}
			}
		})
	}
}

func TestAssignMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for trial := 0; trial < 400; trial++ {
		rows, cols := 1+rng.Intn(6), 1+rng.Intn(6)
		cost := make([][]float64, rows)
		for i := range cost {
			cost[i] = make([]float64, cols)
			for j := range cost[i] {
				cost[i][j] = math.Round(rng.Float64()*20) / 2
				if rng.Float64() < 0.25 {
					cost[i][j] = math.Inf(1)
				}
			}
		}
		wantPairs, wantTotal := bruteAssign(cost)
		gotPairs, gotTotal := checkAssignment(t, cost, assign(cost))
		if gotPairs != wantPairs || math.Abs(gotTotal-wantTotal) > 1e-9 {
			t.Fatalf("trial %d %v: got %d pairs cost %g, want %d pairs cost %g",
				trial, cost, gotPairs, gotTotal, wantPairs, wantTotal)
		}
	}
}
