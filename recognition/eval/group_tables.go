package eval

import (
	"fmt"
	"math"
)

// groupTables builds the per-group table of every dataset column at the
// operating threshold (grid index kT).
func groupTables(r *Result, set *scoringSet, t *tally, en *Enrolment, kT int, iv *groupIntervals, searches []searchOutcome) []GroupColumn {
	out := []GroupColumn{}
	for c := 1; c < len(set.columns); c++ {
		names := set.groupNames[c]
		col := GroupColumn{Column: set.columns[c], Groups: make([]GroupResult, len(names)), Cross: []CrossRate{}}
		sg := set.sampleGroup[c]
		idents := make([]map[int32]bool, len(names))
		for g := range names {
			idents[g] = map[int32]bool{}
			col.Groups[g].Group = names[g]
		}
		for s, st := range en.Status {
			g := &col.Groups[sg[s]]
			g.Images++
			idents[sg[s]][set.sampleIdentity[s]] = true
			switch st {
			case StatusEnrolled:
				g.Enrolled++
				g.FTE.Trials++
			case StatusNoFace:
				g.FTE.Trials++
				g.FTE.Errors++
			}
		}
		gc := set.group[c]
		for g := range names {
			gr := &col.Groups[g]
			gr.Identities = len(idents[g])
			if !gr.FTE.Defined() {
				gr.FTE.Note = "no readable images"
			}
			gr.FMR = fmrAt(r.nonMated[c][g], kT)
			gr.FNMR = fnmrAt(r.mated[c][g], kT)
			if iv != nil {
				gr.FMR.CI, gr.FNMR.CI = iv.fmr[c][g], iv.fnmr[c][g]
			}
			inGroup := func(e int32) bool { return gc[e] == uint16(g) }
			gr.FNIR1 = fnir(searches, 1, t.threshold, inGroup)
			gr.FPIR = fpir(searches, t.threshold, inGroup)
		}
		col.LowestFMRGroup = fmrRatios(col.Groups, iv, c)
		for _, p := range t.mated {
			if gc[p.A] != gc[p.B] {
				col.MixedMatedPairs++
			}
		}
		col.Cross = crossRates(set, t, r, c)
		out = append(out, col)
	}
	return out
}

// fmrRatios sets each group's FMR over the lowest defined group FMR and
// returns the lowest group's name ("" when no group has an FMR).
func fmrRatios(groups []GroupResult, iv *groupIntervals, c int) string {
	lowest, at := math.Inf(1), -1
	for g := range groups {
		if v, ok := groups[g].FMR.Value(); ok && v < lowest {
			lowest, at = v, g
		}
	}
	for g := range groups {
		gr := &groups[g]
		v, ok := gr.FMR.Value()
		switch {
		case !ok:
			gr.FMRRatio.Note = "FMR not available for this group"
		case at < 0:
			gr.FMRRatio.Note = "no group has an FMR"
		case lowest == 0:
			gr.FMRRatio.Note = fmt.Sprintf("the lowest group FMR (%s) is 0: no false match, so the ratio is undefined", groups[at].Group)
		default:
			gr.FMRRatio.Value, gr.FMRRatio.Defined = v/lowest, true
		}
		if iv != nil {
			gr.FMRRatio.CI = iv.ratio[c][g]
		}
	}
	if at < 0 {
		return ""
	}
	return groups[at].Group
}

// crossRates is the FMR between every two groups of column c. With every
// pair compared, the number of non-mated pairs between groups a != b is
// Na*Nb minus the pairs of images of one identity (sum of na*nb).
func crossRates(set *scoringSet, t *tally, r *Result, c int) []CrossRate {
	names := set.groupNames[c]
	G := len(names)
	n := make([]int64, G)
	perIdent := map[int32][]int64{}
	for e := range set.desc {
		g := set.group[c][e]
		n[g]++
		k := set.ident[e]
		if perIdent[k] == nil {
			perIdent[k] = make([]int64, G)
		}
		perIdent[k][g]++
	}
	var out []CrossRate
	for a := 0; a < G; a++ {
		for b := a; b < G; b++ {
			var trials int64
			switch {
			case t.keepAll:
				// Pairs-file mode: only the listed pairs were compared.
				for _, p := range t.records {
					x, y := set.group[c][p.A], set.group[c][p.B]
					if x == uint16(a) && y == uint16(b) || x == uint16(b) && y == uint16(a) {
						trials++
					}
				}
			case a == b:
				trials = int64(r.nonMated[c][a].Total())
			default:
				trials = n[a] * n[b]
				for _, cnt := range perIdent {
					trials -= cnt[a] * cnt[b]
				}
			}
			rate := Rate{Errors: t.crossFM[c][a*G+b], Trials: trials}
			if trials == 0 {
				rate.Note = "no non-mated pairs"
			}
			out = append(out, CrossRate{A: names[a], B: names[b], FMR: rate})
		}
	}
	return out
}
