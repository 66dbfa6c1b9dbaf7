package synth

import (
	"fmt"
	"image"
	_ "image/jpeg" // decoders for face crops
	_ "image/png"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Crop is one real face crop with the identity it shows.
type Crop struct {
	Identity string
	Path     string
	Image    image.Image
}

// LoadCrops reads every PNG or JPEG in the sub-folders of root, one folder per
// identity (the layout of ../shared/data/faceapi/people). Files directly in
// root are ignored. Crops come back sorted by identity and file name.
func LoadCrops(root string) ([]Crop, error) {
	entries, err := os.ReadDir(root)
	if err != nil {
		return nil, fmt.Errorf("load face crops: %w", err)
	}
	var crops []Crop
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		files, err := os.ReadDir(filepath.Join(root, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("load face crops: %w", err)
		}
		for _, f := range files {
			ext := strings.ToLower(filepath.Ext(f.Name()))
			if ext != ".png" && ext != ".jpg" && ext != ".jpeg" {
				continue
			}
			p := filepath.Join(root, e.Name(), f.Name())
			img, err := decodeFile(p)
			if err != nil {
				return nil, err
			}
			crops = append(crops, Crop{Identity: e.Name(), Path: p, Image: img})
		}
	}
	if len(crops) == 0 {
		return nil, fmt.Errorf("load face crops: no images in the sub-folders of %s", root)
	}
	sort.Slice(crops, func(i, j int) bool {
		if crops[i].Identity != crops[j].Identity {
			return crops[i].Identity < crops[j].Identity
		}
		return crops[i].Path < crops[j].Path
	})
	return crops, nil
}

func decodeFile(path string) (image.Image, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("load face crop: %w", err)
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("load face crop %s: %w", path, err)
	}
	return img, nil
}
