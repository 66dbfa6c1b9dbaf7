package recognition_test

import (
	"reflect"
	"testing"

	"facecase/recognition"
)

func nmsDet(x, y, w, h float64, score float32) recognition.Detection {
	return recognition.Detection{Box: recognition.Rect{X: x, Y: y, W: w, H: h}, Score: score}
}

func TestNonMaxSuppression(t *testing.T) {
	a := nmsDet(0, 0, 100, 100, 0.9)
	aShifted := nmsDet(10, 0, 100, 100, 0.95) // IoU with a: 90/110 = 0.818
	b := nmsDet(300, 300, 50, 50, 0.7)
	// c overlaps aShifted by IoU 0.33 but a by 0.5 exactly.
	c := nmsDet(50, 0, 100, 100, 0.8)
	cases := []struct {
		name string
		in   []recognition.Detection
		iou  float64
		want []recognition.Detection
	}{
		{"empty", nil, 0.5, nil},
		{"one", []recognition.Detection{b}, 0.5, []recognition.Detection{b}},
		{"disjoint boxes sorted best first", []recognition.Detection{b, a}, 0.5, []recognition.Detection{a, b}},
		{"overlap keeps the best", []recognition.Detection{a, b, aShifted}, 0.5, []recognition.Detection{aShifted, b}},
		{"only kept boxes suppress", []recognition.Detection{a, c, aShifted}, 0.4,
			// aShifted drops a (0.82); c overlaps aShifted by 60/140 = 0.43 > 0.4: dropped.
			[]recognition.Detection{aShifted}},
		{"IoU equal to the threshold is kept", []recognition.Detection{a, c}, 1.0 / 3, []recognition.Detection{a, c}},
		{"IoU just above the threshold is dropped", []recognition.Detection{a, c}, 0.33, []recognition.Detection{a}},
		{"iou 0 drops any overlap", []recognition.Detection{a, c, b}, 0, []recognition.Detection{a, b}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := append([]recognition.Detection(nil), tc.in...)
			got := recognition.NonMaxSuppression(in, tc.iou)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
			if !reflect.DeepEqual(in, tc.in) {
				t.Errorf("input was modified: %v, was %v", in, tc.in)
			}
		})
	}
}

func TestNonMaxSuppressionStableForEqualScores(t *testing.T) {
	var in []recognition.Detection
	for i := 0; i < 20; i++ {
		in = append(in, nmsDet(float64(i)*200, 0, 100, 100, 0.5))
	}
	got := recognition.NonMaxSuppression(in, 0.5)
	if !reflect.DeepEqual(got, in) {
		t.Fatalf("equal scores were reordered: %v", got)
	}
	// Two identical boxes with the same score: the first one wins.
	first := nmsDet(0, 0, 10, 10, 0.5)
	first.Keypoints = []recognition.Point{{X: 1, Y: 1}}
	second := nmsDet(0, 0, 10, 10, 0.5)
	got = recognition.NonMaxSuppression([]recognition.Detection{first, second}, 0.5)
	if len(got) != 1 || got[0].Keypoints == nil {
		t.Fatalf("got %v, want only the first of two equal detections", got)
	}
}
