package synth

import "math"

// hungarianMax returns, for each row of w, the column matched to it (or
// -1), maximising the sum of matched weights; -Inf weights and weights of
// 0 or less are never matched. It is the Hungarian algorithm with row and
// column potentials on the costs max(w) - w, over a square matrix padded
// with dummy rows or columns of zero weight, written here on its own so that
// the scores do not share code with the tracker they judge.
func hungarianMax(w [][]float64) []int {
	rows := len(w)
	out := make([]int, rows)
	for i := range out {
		out[i] = -1
	}
	if rows == 0 || len(w[0]) == 0 {
		return out
	}
	cols := len(w[0])
	match := minCostSquare(paddedCosts(w, max(rows, cols)))
	for j := 1; j < len(match); j++ {
		i := match[j] - 1
		if i < rows && j-1 < cols && matchable(w[i][j-1]) {
			out[i] = j - 1
		}
	}
	return out
}

// matchable reports whether a weight may be matched at all.
func matchable(weight float64) bool { return !math.IsInf(weight, -1) && weight > 0 }

// paddedCosts is the n x n cost matrix of the weights w: max(w) - weight,
// with the pairs that may not match, and the dummy rows and columns that
// make it square, at weight 0, so they are never preferred to a real pair.
func paddedCosts(w [][]float64, n int) [][]float64 {
	top := 0.0
	for _, r := range w {
		for _, v := range r {
			if !math.IsInf(v, -1) && v > top {
				top = v
			}
		}
	}
	cost := make([][]float64, n)
	for i := range cost {
		cost[i] = make([]float64, n)
		for j := range cost[i] {
			v := 0.0
			if i < len(w) && j < len(w[i]) && matchable(w[i][j]) {
				v = w[i][j]
			}
			cost[i][j] = top - v
		}
	}
	return cost
}

// minCostSquare solves the square assignment problem of cost by the
// Hungarian algorithm with row and column potentials: match[j] is the
// 1-based row matched to column j (match[0] is scratch).
func minCostSquare(cost [][]float64) []int {
	n := len(cost)
	// Potentials u (rows), v (columns); match[j] = row of column j, 1-based.
	u := make([]float64, n+1)
	v := make([]float64, n+1)
	match := make([]int, n+1)
	prev := make([]int, n+1)
	for i := 1; i <= n; i++ {
		match[0] = i
		j0 := 0
		minSlack := make([]float64, n+1)
		seen := make([]bool, n+1)
		for j := range minSlack {
			minSlack[j] = math.Inf(1)
		}
		for {
			seen[j0] = true
			i0, delta, j1 := match[j0], math.Inf(1), 0
			for j := 1; j <= n; j++ {
				if seen[j] {
					continue
				}
				if c := cost[i0-1][j-1] - u[i0] - v[j]; c < minSlack[j] {
					minSlack[j], prev[j] = c, j0
				}
				if minSlack[j] < delta {
					delta, j1 = minSlack[j], j
				}
			}
			for j := 0; j <= n; j++ {
				if seen[j] {
					u[match[j]] += delta
					v[j] -= delta
				} else {
					minSlack[j] -= delta
				}
			}
			j0 = j1
			if match[j0] == 0 {
				break
			}
		}
		for j0 != 0 {
			j1 := prev[j0]
			match[j0] = match[j1]
			j0 = j1
		}
	}
	return match
}
