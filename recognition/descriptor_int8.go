package recognition

import (
	"context"
	"fmt"
	"os"

	"gocv.io/x/gocv"

	"facecase/internal/ort"
	"facecase/models/convert"
)

// descriptorModelCheck checks a descriptor model file before a runtime
// reads it: the float model (convert.DlibResNetV1) runs on every runtime,
// the int8 one (convert.DlibResNetV1Int8) on ONNX Runtime only.
func descriptorModelCheck(runtime string) func([]byte) error {
	return func(model []byte) error {
		err := convert.CheckDlibResNetV1(model)
		if err == nil || runtime == RuntimeOpenCV {
			return err
		}
		if convert.CheckDlibResNetV1Int8(model) == nil {
			return nil
		}
		return err
	}
}

// calibrationBatch is how many chips one calibration run feeds the probe:
// its outputs hold every activation, about 4 MB a face.
const calibrationBatch = 8

// CalibrateDescriptor runs the float descriptor model at fp32Path over
// aligned RGB chips and returns the range of every activation that
// convert.DlibResNetV1Int8 may quantise, keyed as it expects. With clip 0
// a range is the activation's extremes over the chips; otherwise it leaves
// out at most a fraction clip of the activation's values at each end
// (convert.Calibration, 4096 bins). It runs on ONNX Runtime.
func CalibrateDescriptor(ctx context.Context, fp32Path string, chips []gocv.Mat, clip float64) (map[string]convert.ActRange, error) {
	model, err := os.ReadFile(fp32Path)
	if err != nil {
		return nil, fmt.Errorf("calibrate descriptor: %w", err)
	}
	probe, names, err := convert.DlibResNetV1Probe(model)
	if err != nil {
		return nil, fmt.Errorf("calibrate descriptor %s: %w", fp32Path, err)
	}
	net, err := newNetRunner(RuntimeORT, probe, anyShapes)
	if err != nil {
		return nil, fmt.Errorf("calibrate descriptor %s: %w", fp32Path, err)
	}
	defer net.close()
	cal := convert.NewCalibration(4096)
	passes := 1
	if clip > 0 {
		passes = 2
	}
	for pass := 0; pass < passes; pass++ {
		if pass == 1 {
			cal.StartHistograms()
		}
		for i := 0; i < len(chips); i += calibrationBatch {
			if err := calibrateBatch(ctx, net, chips[i:min(len(chips), i+calibrationBatch)], names, cal); err != nil {
				return nil, fmt.Errorf("calibrate descriptor: chips %d-: %w", i, err)
			}
		}
	}
	return cal.Ranges(clip), nil
}

// calibrateBatch runs one batch through the probe and observes its input
// and every activation.
func calibrateBatch(ctx context.Context, net netRunner, chips []gocv.Mat, names []string, cal *convert.Calibration) error {
	blob := gocv.NewMat()
	defer blob.Close()
	descriptorBlob(chips, &blob)
	in, err := blob.DataPtrFloat32()
	if err != nil {
		return err
	}
	cal.Observe(convert.DlibResNetV1Input, in)
	res, err := net.run(ctx, convert.DlibResNetV1Input, blob, names...)
	if err != nil {
		return err
	}
	defer ort.Recycle(res...) // read below, then done with
	for i, t := range res {
		cal.Observe(names[i], t.Data)
	}
	return nil
}
