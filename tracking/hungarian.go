package tracking

import "math"

// assign solves the rectangular assignment problem: it returns, for each
// row of cost, the column assigned to it (or -1), minimising the total cost
// over a maximum matching. Entries of +Inf mark forbidden pairs; rows whose
// only options are forbidden stay unassigned.
//
// It is the Hungarian algorithm with potentials (Kuhn 1955, Munkres 1957)
// in its O(n²m) shortest-augmenting-path form.
func assign(cost [][]float64) []int {
	rows := len(cost)
	if rows == 0 {
		return nil
	}
	cols := len(cost[0])
	out := make([]int, rows)
	for i := range out {
		out[i] = -1
	}
	if cols == 0 {
		return out
	}
	// The solver wants no more rows than columns: a tall matrix is solved
	// transposed.
	transposed := rows > cols
	n, m := rows, cols
	if transposed {
		n, m = cols, rows
	}
	p := hungarian(n, m, boundedCost(cost, transposed))
	for j := 1; j <= m; j++ {
		if p[j] == 0 {
			continue
		}
		r, c := p[j]-1, j-1
		if transposed {
			r, c = c, r
		}
		if forbidden(cost[r][c]) {
			continue
		}
		out[r] = c
	}
	return out
}

// forbidden reports whether a cost marks a pair that may not be matched.
func forbidden(c float64) bool { return math.IsInf(c, 0) || math.IsNaN(c) }

// boundedCost returns the cost of row i and column j of the problem the
// solver sees (cost, or its transpose). Forbidden pairs get a cost larger
// than any sum of allowed costs, so they are only used when nothing else
// completes the matching (assign drops them afterwards).
func boundedCost(cost [][]float64, transposed bool) func(i, j int) float64 {
	big := 1.0
	for _, r := range cost {
		for _, c := range r {
			if !forbidden(c) {
				big += math.Abs(c)
			}
		}
	}
	return func(i, j int) float64 {
		var c float64
		if transposed {
			c = cost[j][i]
		} else {
			c = cost[i][j]
		}
		if forbidden(c) {
			return big
		}
		return c
	}
}

// hungarian matches each of n rows to one of m >= n columns at the least
// total cost at(row, column) (0-based), by shortest augmenting paths over
// row and column potentials. It returns p, 1-based: p[j] is the row
// matched to column j, 0 for none (p[0] is scratch).
func hungarian(n, m int, at func(i, j int) float64) []int {
	// u, v: potentials; p[j]: row matched to column j (1-based, 0 = none).
	u := make([]float64, n+1)
	v := make([]float64, m+1)
	p := make([]int, m+1)
	way := make([]int, m+1)
	minv := make([]float64, m+1)
	used := make([]bool, m+1)
	for i := 1; i <= n; i++ {
		p[0] = i
		j0 := 0
		for j := range minv {
			minv[j] = math.Inf(1)
			used[j] = false
		}
		for {
			used[j0] = true
			i0, delta, j1 := p[j0], math.Inf(1), 0
			for j := 1; j <= m; j++ {
				if used[j] {
					continue
				}
				cur := at(i0-1, j-1) - u[i0] - v[j]
				if cur < minv[j] {
					minv[j], way[j] = cur, j0
				}
				if minv[j] < delta {
					delta, j1 = minv[j], j
				}
			}
			for j := 0; j <= m; j++ {
				if used[j] {
					u[p[j]] += delta
					v[j] -= delta
				} else {
					minv[j] -= delta
				}
			}
			j0 = j1
			if p[j0] == 0 {
				break
			}
		}
		for j0 != 0 {
			j1 := way[j0]
			p[j0] = p[j1]
			j0 = j1
		}
	}
	return p
}
