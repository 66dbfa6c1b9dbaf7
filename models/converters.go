package models

import (
	"fmt"
	"path"
	"strings"

	"facecase/models/convert"
)

// converters maps the manifest's "convert" names to their implementation.
var converters = map[string]Converter{
	"copy": func(files map[string][]byte) ([]byte, error) {
		if len(files) != 1 {
			return nil, fmt.Errorf("copy needs exactly one input, got %d", len(files))
		}
		for _, b := range files {
			return b, nil
		}
		return nil, nil
	},
	"blazeface-dynamic": func(files map[string][]byte) ([]byte, error) {
		if len(files) != 1 {
			return nil, fmt.Errorf("blazeface-dynamic needs exactly one input, got %d", len(files))
		}
		for _, b := range files {
			return convert.BlazeFaceDynamic(b)
		}
		return nil, nil
	},
	"ultraface-dynamic": func(files map[string][]byte) ([]byte, error) {
		if len(files) != 1 {
			return nil, fmt.Errorf("ultraface-dynamic needs exactly one input, got %d", len(files))
		}
		for _, b := range files {
			return convert.UltraFaceDynamic(b)
		}
		return nil, nil
	},
	"nanodet":          convert.NanoDet,
	"dlib-resnet-v1":   tfjsConverter(convert.DlibResNetV1),
	"ssd-mobilenet-v1": tfjsConverter(convert.SSDMobileNetV1),
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
