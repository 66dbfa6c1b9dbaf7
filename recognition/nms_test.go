package recognition_test

import (
	"reflect"
	"testing"

	"facecase/facedata"
	"facecase/recognition"
)

func nmsDet(x, y, w, h float64, score float32) facedata.Detection {
	return facedata.Detection{Box: facedata.Rect{X: x, Y: y, W: w, H: h}, Score: score}
}

func TestNonMaxSuppression(t *testing.T) {
	a := nmsDet(0, 0, 100, 100, 0.9)
	aShifted := nmsDet(10, 0, 100, 100, 0.95) // IoU with a: 90/110 = 0.818
	b := nmsDet(300, 300, 50, 50, 0.7)
	// c overlaps aShifted by IoU 0.33 but a by 0.5 exactly.
	c := nmsDet(50, 0, 100, 100, 0.8)
	cases := []struct {
		name string
		in   []facedata.Detection
		iou  float64
		want []facedata.Detection
	}{
		{"empty", nil, 0.5, nil},
		{"one", []facedata.Detection{b}, 0.5, []facedata.Detection{b}},
		{"disjoint boxes sorted best first", []facedata.Detection{b, a}, 0.5, []facedata.Detection{a, b}},
		{"overlap keeps the best", []facedata.Detection{a, b, aShifted}, 0.5, []facedata.Detection{aShifted, b}},
		{"only kept boxes suppress", []facedata.Detection{a, c, aShifted}, 0.4,
			// aShifted drops a (0.82); c overlaps aShifted by 60/140 = 0.43 > 0.4: dropped.
			[]facedata.Detection{aShifted}},
		{"IoU equal to the threshold is kept", []facedata.Detection{a, c}, 1.0 / 3, []facedata.Detection{a, c}},
		{"IoU just above the threshold is dropped", []facedata.Detection{a, c}, 0.33, []facedata.Detection{a}},
		{"iou 0 drops any overlap", []facedata.Detection{a, c, b}, 0, []facedata.Detection{a, b}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := append([]facedata.Detection(nil), tc.in...)
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
	var in []facedata.Detection
	for i := 0; i < 20; i++ {
		in = append(in, nmsDet(float64(i)*200, 0, 100, 100, 0.5))
	}
	got := recognition.NonMaxSuppression(in, 0.5)
	if !reflect.DeepEqual(got, in) {
		t.Fatalf("equal scores were reordered: %v", got)
	}
	// Two identical boxes with the same score: the first one wins.
	first := nmsDet(0, 0, 10, 10, 0.5)
	first.Keypoints = []facedata.Point{{X: 1, Y: 1}}
	second := nmsDet(0, 0, 10, 10, 0.5)
	got = recognition.NonMaxSuppression([]facedata.Detection{first, second}, 0.5)
	if len(got) != 1 || got[0].Keypoints == nil {
		t.Fatalf("got %v, want only the first of two equal detections", got)
	}
}
