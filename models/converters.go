package models

import (
	"fmt"
	"path"
	"strings"

	"facecase/models/convert"
)

// converters maps the manifest's "convert" names to their implementation.
var converters = map[string]Converter{
	"copy":                 oneInput("copy", func(b []byte) ([]byte, error) { return b, nil }),
	"blazeface-dynamic":    oneInput("blazeface-dynamic", convert.BlazeFaceDynamic),
	"ultraface-dynamic":    oneInput("ultraface-dynamic", convert.UltraFaceDynamic),
	"dlib-shape-predictor": oneInput("dlib-shape-predictor", convert.DlibShapePredictor),
	"dlib-resnet-v1":       tfjsConverter(convert.DlibResNetV1),
	"ssd-mobilenet-v1":     tfjsConverter(convert.SSDMobileNetV1),
	"ssd-mobilenet-v1-256": tfjsConverter(convert.SSDMobileNetV1Small),
	"nanodet":              convert.NanoDet,
}

// tfjsConverter reads a tfjs weights manifest and its binaries from the
// inputs and hands the decoded tensors to build.
func tfjsConverter(build func(map[string]convert.Tensor) ([]byte, error)) Converter {
	return func(files map[string][]byte) ([]byte, error) {
		var manifest []byte
		bins := map[string][]byte{}
		for p, b := range files {
			if strings.HasSuffix(p, "-weights_manifest.json") {
				manifest = b
			} else {
				bins[path.Base(p)] = b
			}
		}
		if manifest == nil {
			return nil, fmt.Errorf("no weights manifest among the inputs")
		}
		w, err := convert.ReadWeights(manifest, bins)
		if err != nil {
			return nil, err
		}
		return build(w)
	}
}

// oneInput makes a converter of a model made from exactly one file.
func oneInput(name string, conv func([]byte) ([]byte, error)) Converter {
	return func(files map[string][]byte) ([]byte, error) {
		if len(files) != 1 {
			return nil, fmt.Errorf("%s needs exactly one input, got %d", name, len(files))
		}
		for _, b := range files {
			return conv(b)
		}
		return nil, nil
	}
}
