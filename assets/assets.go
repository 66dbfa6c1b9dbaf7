package assets

import (
	_ "embed"

	"fyne.io/fyne/v2"
)

//go:generate go run ./gen -out icon.png

//go:embed icon.png
var iconPNG []byte

// Icon is the app icon.
var Icon = fyne.NewStaticResource("icon.png", iconPNG)
