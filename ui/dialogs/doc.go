// Package dialogs asks the user for files, folders and case details.
//
// File choosers are native (github.com/sqweek/dialog) where that works: on
// Windows and macOS, and on Linux only in builds with the nativedialogs tag,
// because GTK's dialogs can crash beside GLFW there. Otherwise, and whenever
// a native dialog fails, Fyne's own dialogs are used. Choosers report plain
// paths; none of them creates or truncates a file (a save chooser returns
// the path and the caller writes it, refusing to overwrite evidence).
package dialogs
