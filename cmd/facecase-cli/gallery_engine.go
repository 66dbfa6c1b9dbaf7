package main

import (
	"context"
	"fmt"

	"facecase/facedata"
	"facecase/internal/fsutil"
	"facecase/media"
	"facecase/recognition"
)

// photoDescriptors finds the faces of a photo and returns their
// descriptors in the engine's order (reading order). A photo without a
// face is an error: there is nothing to search with.
func photoDescriptors(ctx context.Context, path string) ([]facedata.Descriptor, error) {
	img, err := media.LoadImage(path)
	if err != nil {
		return nil, err
	}
	defer img.Close()
	eng, err := recognition.NewEngine(recognition.DefaultOptions())
	if err != nil {
		return nil, err
	}
	defer eng.Close()
	faces, err := eng.Analyze(ctx, img)
	if err != nil {
		return nil, fmt.Errorf("photo %s: %w", fsutil.ShowPath(path), err)
	}
	if len(faces) == 0 {
		return nil, fmt.Errorf("photo %s: no face found", fsutil.ShowPath(path))
	}
	descs := make([]facedata.Descriptor, len(faces))
	for i, f := range faces {
		descs[i] = *f.Descriptor
	}
	return descs, nil
}
