package eval

import (
	"path/filepath"
	"strings"
)

// imageExtensions are the file name endings the dataset readers take for
// images (compared without case).
var imageExtensions = map[string]bool{
	".jpg": true, ".jpeg": true, ".png": true, ".bmp": true,
	".tif": true, ".tiff": true, ".webp": true,
}

// isImageName reports whether a file name ends like an image.
func isImageName(name string) bool {
	return imageExtensions[strings.ToLower(filepath.Ext(name))]
}

// isHidden reports whether a file or folder name is hidden (".DS_Store",
// ".git"); hidden entries are ignored without counting.
func isHidden(name string) bool { return strings.HasPrefix(name, ".") }

// relPath is path relative to root with forward slashes, or path itself when
// it is not under root.
func relPath(root, path string) string {
	if r, err := filepath.Rel(root, path); err == nil && !strings.HasPrefix(r, "..") {
		return filepath.ToSlash(r)
	}
	return filepath.ToSlash(path)
}
