package eval

import (
	"strconv"
)

// ScoresCSVHeader is the first line of the file of every score. Columns a
// and b are row indices of the samples file; score is the float32 distance
// printed exactly (shortest form that reads back to the same float32).
const ScoresCSVHeader = "a,b,mated,score\n"

// appendScoreRow appends one "a,b,mated,score" row.
func appendScoreRow(b []byte, a, bIdx int32, mated bool, s float32) []byte {
	b = strconv.AppendInt(b, int64(a), 10)
	b = append(b, ',')
	b = strconv.AppendInt(b, int64(bIdx), 10)
	if mated {
		b = append(b, ",1,"...)
	} else {
		b = append(b, ",0,"...)
	}
	b = strconv.AppendFloat(b, float64(s), 'f', -1, 32)
	return append(b, '\n')
}
