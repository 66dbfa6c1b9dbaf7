package app

import "facecase/ui/views"

// errAlreadyShown is returned by OpenCase for a case whose window is
// already open; that window is brought forward instead.
var errAlreadyShown = views.ErrAlreadyShown
