package gallery

// hit is a row and its (squared) distance to the probe.
type hit struct {
	d   float32
	row uint32
}

// topK keeps the k hits with the smallest d: a max-heap on d.
type topK struct {
	k int
	h []hit
}

func newTopK(k int) topK { return topK{k: k, h: make([]hit, 0, k)} }

// full reports whether k hits are held.
func (t *topK) full() bool { return len(t.h) >= t.k }

// worst is the largest d held; only meaningful when full.
func (t *topK) worst() float32 { return t.h[0].d }

// push offers a hit; it is kept when fewer than k are held or it beats the worst.
func (t *topK) push(d float32, row uint32) {
	if len(t.h) < t.k {
		t.h = append(t.h, hit{d, row})
		t.up(len(t.h) - 1)
		return
	}
	if d >= t.h[0].d {
		return
	}
	t.h[0] = hit{d, row}
	t.down(0)
}

func (t *topK) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if t.h[p].d >= t.h[i].d {
			return
		}
		t.h[p], t.h[i] = t.h[i], t.h[p]
		i = p
	}
}

func (t *topK) down(i int) {
	n := len(t.h)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		m := l
		if r := l + 1; r < n && t.h[r].d > t.h[l].d {
			m = r
		}
		if t.h[i].d >= t.h[m].d {
			return
		}
		t.h[i], t.h[m] = t.h[m], t.h[i]
		i = m
	}
}

// bestRows merges several top-k sets into the k best and returns their
// rows (in no particular order).
type bestRows struct{ all topK }

func newBestRows(k int) *bestRows { return &bestRows{all: newTopK(k)} }

// add offers every hit of t.
func (b *bestRows) add(t *topK) {
	for _, h := range t.h {
		b.all.push(h.d, h.row)
	}
}

// rows are the rows kept.
func (b *bestRows) rows() []uint32 {
	rows := make([]uint32, len(b.all.h))
	for i, h := range b.all.h {
		rows[i] = h.row
	}
	return rows
}
