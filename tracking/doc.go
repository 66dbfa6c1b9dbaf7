// Package tracking follows faces from frame to frame and gives each person
// on screen a stable identity, a colour and the path they walked.
//
// The tracker combines three cues to decide which face in a new frame
// continues which track:
//
//   - motion: a constant-velocity Kalman filter per box coordinate (centre
//     x, centre y, width, height) predicts where each face should be, so a
//     face keeps its identity through short occlusions and when detection
//     runs only every Nth frame;
//   - overlap: intersection over union and normalised centre distance
//     between the predicted box and the detection;
//   - appearance: the Euclidean distance between the detection's
//     descriptor and the recent descriptors of the track (the dlib space,
//     where 0.6 separates people), which keeps identities apart when faces
//     cross.
//
// Detections are assigned to tracks with the Hungarian algorithm on the
// combined cost; pairs outside the gates are never assigned. A track is
// confirmed after MinHits detections (false detections rarely persist) and
// ends after MaxMissFrames frames without one. Each track keeps its path
// (one point per frame, detected or predicted), its best-quality face (the
// face used for searching) and a colour derived from its id.
//
// The package is pure Go: it sees only recognition.Face values, never
// images, so it runs the same on live cameras, video files and tests.
package tracking
