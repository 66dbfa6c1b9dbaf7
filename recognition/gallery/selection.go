package gallery

import "math"

// keepSmallest cuts *h to its k hits of smallest d (in no particular order)
// and returns the largest d kept (+Inf when none is). It runs in linear time on average
// (quickselect), which is what keeps a shortlist of thousands cheap where a
// heap would pay a logarithm on every accepted hit.
func keepSmallest(h *[]hit, k int) float32 {
	s := *h
	if k <= 0 {
		*h = s[:0]
		return 0
	}
	if len(s) > k {
		quickselect(s, k)
		s = s[:k]
		*h = s
	}
	if len(s) == 0 {
		return float32(math.Inf(1))
	}
	m := s[0].d
	for _, x := range s[1:] {
		m = max(m, x.d)
	}
	return m
}

// quickselect reorders s so that its k smallest hits come first.
func quickselect(s []hit, k int) {
	lo, hi := 0, len(s)-1
	for lo < hi {
		// median of three as pivot
		mid := lo + (hi-lo)/2
		if s[mid].d < s[lo].d {
			s[mid], s[lo] = s[lo], s[mid]
		}
		if s[hi].d < s[lo].d {
			s[hi], s[lo] = s[lo], s[hi]
		}
		if s[hi].d < s[mid].d {
			s[hi], s[mid] = s[mid], s[hi]
		}
		pivot := s[mid].d
		i, j := lo, hi
		for i <= j {
			for s[i].d < pivot {
				i++
			}
			for s[j].d > pivot {
				j--
			}
			if i <= j {
				s[i], s[j] = s[j], s[i]
				i++
				j--
			}
		}
		switch {
		case k-1 <= j:
			hi = j
		case k-1 >= i:
			lo = i
		default:
			return
		}
	}
}
