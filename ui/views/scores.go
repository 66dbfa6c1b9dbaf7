package views

import (
	"fmt"

	"facecase/casefile"
	"facecase/recognition/scorenorm"
)

// searchPointText is the operating point of a stored search: "FMR 0.0001
// (score ≤ -2.31)", or the distance of a search stored before scores were
// normalised.
func searchPointText(s casefile.SearchRecord) string {
	if s.Point.TargetFMR > 0 {
		return fmt.Sprintf("FMR %s (score ≤ %.2f)", scorenorm.FormatFMR(s.Point.TargetFMR), s.Point.Threshold)
	}
	return fmt.Sprintf("distance ≤ %.2f (before normalisation)", s.Threshold)
}

// candidateScoreText is a candidate's normalised score, which ranks it,
// with the raw distance beside it for experts: "score -3.41 · distance
// 0.412". Searches stored before normalisation have the distance only.
func candidateScoreText(s casefile.SearchRecord, c casefile.Candidate) string {
	if s.Point.TargetFMR > 0 {
		return fmt.Sprintf("score %.2f · distance %.3f", c.Score, c.Distance)
	}
	return fmt.Sprintf("distance %.3f", c.Distance)
}
