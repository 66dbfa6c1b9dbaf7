// Package views are the screens of the desktop app: the start window, and
// for each open case the evidence list (sorted, filtered, with bulk
// search), the viewer with its face panel and keyboard map, the live
// camera, the watchlist, candidate review with the reviewers' notes, the
// audit log in columns with a filter and a detail pane, and export, the accuracy and bias lab (recognition/eval on a trainer's
// dataset, whose calibrated threshold can become the case default), plus
// the settings form.
//
// Each view declares, in backend.go, the small interface it needs from
// the backend (implemented by session.Session over casefile, recognition
// and media), so views are tested with fakes and the real wiring lives in
// ui/app. Views are built and used on the UI goroutine; long work runs in
// a widgets.TaskBar task, and results come back through async.Do.
package views
