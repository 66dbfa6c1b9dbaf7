// Package scorenorm makes comparison scores fair across the people being
// compared, without knowing anything about them: cohort score
// normalisation (AS-norm against the shipped cohort, local scaling against
// an in-domain one), the calibration that turns a target false match rate
// into a score threshold, and the versioned cohort file both come from.
//
// # Why
//
// The dlib descriptor packs some demographic groups' faces closer together
// than others, so at one distance threshold the false match rate differs by
// a factor of 30 or more between groups (see docs/fairness.md). A fixed distance is therefore a different operating point for
// different people.
//
// # How
//
// Every face is also compared with a fixed cohort of faces of people who
// are in no case. Its cohort statistics (facedata.CohortStats) are the mean
// μ and standard deviation σ of its distances to its K nearest cohort faces:
// how close this face usually sits to strangers. They are computed once,
// when the descriptor is made (Cohort.Stats), and stored beside it. The
// normalised score of two faces a and b at Euclidean distance d is
//
//	s(a, b) = ½ [ (d − μ(a)) / σ(a) + (d − μ(b)) / σ(b) ]
//
// (Score). Like a distance, smaller means more alike; a pair matches when
// its score is at or below the threshold. Nothing here sees, stores or
// infers a demographic label: the cohort is a set of descriptors, nothing
// more.
//
// # Which cohort
//
// The shipped cohort (FairFace adults, package models) is one domain of
// images; evidence and watchlists are others, and the cohort's domain
// decides how well the normalisation works. Measured on utkface-dev
// (docs/fairness.md): at FMR 1e-3 the raw distance's max/min group FMR
// ratio is 55 or undefined (a group without false matches); with the
// shipped cohort it is about 10, with the data's own faces as the cohort
// 1.5. So the faces a search is made
// against are its cohort once there are MinDomainFaces of them (Domain: a
// watchlist, a gallery's sample, a Lab dataset), and the shipped cohort
// serves 1:1 comparisons and small watchlists. An in-domain comparison
// leaves the faces of the identities it tests out of both sides' cohorts:
// a probe compared with watchlist subject S does not count S's other
// faces among its strangers.
//
// In-domain, the statistics are those of local scaling (Domain): μ = 0
// and σ the distance to the face's nearest stranger (DomainK; faces nearer
// than MinStrangerDistance are taken for copies, not strangers), so Score
// is the distance in units of how far each face sits from its nearest
// stranger. Measured on utkface-dev it lowers the max/min group FMR ratio
// at FMR 1e-2 from 2.8 (in-domain AS-norm) to 1.6 and keeps it at 1.5 at
// 1e-3; robust statistics, a second AS-norm pass, AS-norm on cosine or
// log distances and removing the cohort's principal components were
// measured too (recognition/eval's TestMeasureLabelFreeMechanisms) and do
// less, or harm.
//
// Label-free cluster offsets (FSN, Terhörst et al. 2020) were measured
// too, on top of AS-norm, fitted on the shipped cohort and in-domain
// (recognition/eval's TestMeasureFSN): fitted on the cohort they stay far
// above in-domain AS-norm; in-domain, the form that looks best on the
// pairs it was fitted on did not hold on held-out faces, so they are not
// used.
//
// # Operating points
//
// An operating point is a target false match rate, not a distance. The
// cohort file carries a Calibration: the score thresholds at which the
// cohort's own non-mated pairs (each face's statistics taken without
// itself) match at each false match rate of its range. An in-domain cohort
// calibrates on its own pairs of different identities (Domain.Calibrate),
// since a threshold calibrated on one domain does not keep its FMR on
// another. Calibration.Threshold refuses rates outside the range
// (ErrUncalibrated) with the reason: too few pairs to support a lower rate.
//
// # Galleries
//
// A large gallery can be its own cohort through a fixed sample of its
// faces (recognition/gallery today stores the shipped cohort's statistics
// instead): at index build it makes NewDomain(sample descriptors, their
// labels, DomainK)
// and Calibrate, and stores with every face Domain.StatsWithout(descriptor,
// label) (a sample member: Domain.Stats(i)), two float32s. A search takes
// Domain.Probe(probe) once, shortlists by raw distance as before and
// re-ranks the shortlist by Probe.ScoreWith(distance, stored statistics,
// label), at the threshold Calibration().Threshold(target FMR). A gallery
// smaller than MinDomainFaces stores the engine's statistics
// (facedata.Face.Cohort) and scores with Score and the shipped cohort's
// calibration.
//
// # The cohort file
//
// A cohort file (Encode, Decode) holds the descriptors only (never images),
// the descriptor model's SHA-256 they were made with, K, the calibration,
// and the data's provenance, licence and attribution. Its own SHA-256 is
// recorded in the model manifest; package models checks both before the
// engine uses it, and refuses a changed file or one made with another
// descriptor model.
package scorenorm
