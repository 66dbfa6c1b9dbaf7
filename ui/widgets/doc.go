// Package widgets holds the desktop app's own Fyne widgets, each with a
// plain Go API so views and tests drive them without knowing how they draw:
//
//   - FaceView: a photo or video frame with face boxes, landmarks and
//     tracked paths drawn over it, letterboxed into any size, that reports
//     which face was tapped, zooms with the wheel (panned by dragging) and
//     shows a face's details while the pointer rests on it;
//   - Timeline: a labelled lane per track (any kind of track: faces now,
//     people later) with the frames it is on screen, the scene cuts and
//     the play position, a card per lane on hover, tap to seek;
//   - TaskBar: a window's status line: what an async.Task is doing, a
//     progress bar and a Cancel button, or "Ready" and how the last task
//     ended;
//   - LeadNotice: the "investigative lead only" banner shown with every
//     candidate.
//
// Overlays are drawn by media.DrawOverlay (the same pure function exported
// media uses), at the widget's pixel resolution so lines stay sharp however
// large the photo is.
package widgets
