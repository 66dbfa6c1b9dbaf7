// Package assets holds the desktop app's icon, drawn by code: `go run
// ./assets/gen` writes icon.png, which is committed and embedded here (and
// named in FyneApp.toml for `fyne package`).
package assets
