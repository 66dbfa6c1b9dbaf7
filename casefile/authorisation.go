package casefile

import "errors"

// ErrNoAuthorisation: the case's settings require an authorisation
// reference for searches (Settings.RequireAuthorisation) and the case
// record has none. Nothing is searched or recorded.
var ErrNoAuthorisation = errors.New("the case's settings require an authorisation reference, and the case has none")
