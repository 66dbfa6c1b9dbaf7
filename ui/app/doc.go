// Package app is the desktop application: the start window, one window per
// open case with its views, settings and recent cases kept in Fyne's
// preferences, the demo case made on first use, and the --tour run that CI
// uses to take a screenshot of every main view. It wires the views in
// ui/views to the real backends through ui/session.
package app
