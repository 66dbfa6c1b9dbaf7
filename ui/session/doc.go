// Package session is the desktop app's working state for one open case:
// the case file (casefile.Case, embedded, so its reads pass straight
// through), the recognition engines that analyse its media and the
// settings they run with.
//
// It adds the work that spans several backends and that the UI starts:
// taking a batch of files into the case and analysing each (faces in
// photos; faces and tracks in videos), searching the watchlist with a
// detected face, enrolling a face or photo files, cropping faces and
// making thumbnails for display. It never imports Fyne: the views in
// ui/views call it through small interfaces and the headless flow test
// drives it exactly as the app does.
package session
