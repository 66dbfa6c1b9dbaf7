package gallery

import "facecase/facedata"

// chunkRows is how many faces one stored chunk holds; rows are numbered
// from 0 and row r lives in chunk r/chunkRows.
const chunkRows = 1024

// memVectors keeps float descriptors in memory, in chunks so that growing
// never copies everything.
type memVectors struct {
	chunks [][]float32
	stats  [][]facedata.CohortStats // per chunk, beside the descriptors
}

func (m *memVectors) set(row uint32, d *[dim]float32, st facedata.CohortStats) {
	c := int(row) / chunkRows
	for c >= len(m.chunks) {
		m.chunks = append(m.chunks, make([]float32, chunkRows*dim))
		m.stats = append(m.stats, make([]facedata.CohortStats, chunkRows))
	}
	copy(m.chunks[c][int(row)%chunkRows*dim:], d[:])
	m.stats[c][int(row)%chunkRows] = st
}

// read copies the descriptors of rows into dst and, when stats is not
// nil, their cohort statistics into stats.
func (m *memVectors) read(rows []uint32, dst []float32, stats []facedata.CohortStats) error {
	for i, r := range rows {
		c, o := int(r)/chunkRows, int(r)%chunkRows*dim
		copy(dst[i*dim:i*dim+dim], m.chunks[c][o:o+dim])
		if stats != nil {
			stats[i] = m.stats[c][int(r)%chunkRows]
		}
	}
	return nil
}

func (m *memVectors) readChunk(c uint32, n int, dst []float32) error {
	copy(dst[:n*dim], m.chunks[c][:n*dim])
	return nil
}
