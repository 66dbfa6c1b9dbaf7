package eval

import (
	"math"
	"sort"
)

// FoldAccuracy is the accuracy of a pairs file by cross-validation, as LFW
// reports it: for each fold, the threshold that maximises accuracy on the
// other folds is applied to that fold.
type FoldAccuracy struct {
	// Folds is the number of folds, Mean the mean per-fold accuracy.
	Folds int     `json:"folds"`
	Mean  float64 `json:"mean"`
	// StdDev is the standard deviation of the per-fold accuracies (n-1).
	StdDev float64 `json:"std_dev"`
	// PerFold holds each fold's result.
	PerFold []FoldResult `json:"per_fold"`
}

// FoldResult is one fold of the cross-validation.
type FoldResult struct {
	// Fold numbers the fold from 1.
	Fold int `json:"fold"`
	// Threshold is the one chosen on the other folds.
	Threshold float64 `json:"threshold"`
	// Correct of Pairs are classified right: Accuracy = Correct/Pairs.
	Correct  int     `json:"correct"`
	Pairs    int     `json:"pairs"`
	Accuracy float64 `json:"accuracy"`
}

// foldAccuracy cross-validates over folds; ok is false with fewer than two
// folds or an empty fold.
func foldAccuracy(scored []listedScore, folds int) (FoldAccuracy, bool) {
	fa := FoldAccuracy{Folds: folds}
	if folds < 2 {
		return fa, false
	}
	for f := 0; f < folds; f++ {
		var train, test []listedScore
		for _, s := range scored {
			if !s.ok {
				continue
			}
			if s.fold == f {
				test = append(test, s)
			} else {
				train = append(train, s)
			}
		}
		if len(test) == 0 || len(train) == 0 {
			return fa, false
		}
		t := bestThreshold(train)
		correct := 0
		for _, s := range test {
			if isMatch(s.score, t) == s.mated {
				correct++
			}
		}
		acc := float64(correct) / float64(len(test))
		fa.PerFold = append(fa.PerFold, FoldResult{Fold: f + 1, Threshold: t, Correct: correct, Pairs: len(test), Accuracy: acc})
		fa.Mean += acc
	}
	fa.Mean /= float64(folds)
	var ss float64
	for _, r := range fa.PerFold {
		ss += (r.Accuracy - fa.Mean) * (r.Accuracy - fa.Mean)
	}
	fa.StdDev = math.Sqrt(ss / float64(folds-1))
	return fa, true
}

// bestThreshold is the grid threshold with the highest accuracy on s (the
// lowest such threshold). Only thresholds just at or above a score can
// change the accuracy, so those are the candidates.
func bestThreshold(s []listedScore) float64 {
	sorted := append([]listedScore(nil), s...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].score < sorted[j].score })
	var mated int
	for _, x := range sorted {
		if x.mated {
			mated++
		}
	}
	// Below every score: all pairs are non-matches.
	best, bestK := len(sorted)-mated, 0
	correct := best
	for i := 0; i < len(sorted); {
		k := binOf(sorted[i].score)
		if k >= gridSize {
			break
		}
		// Every score in bin k becomes a match at threshold k.
		for i < len(sorted) && binOf(sorted[i].score) == k {
			if sorted[i].mated {
				correct++
			} else {
				correct--
			}
			i++
		}
		if correct > best {
			best, bestK = correct, k
		}
	}
	return gridEdges[bestK]
}
