// The coefficients of OpenCV's default HOG people detector, copied out of
// OpenCV (gocv's HOGDefaultPeopleDetector returns a Mat over a vector that
// is freed before it returns).
#ifndef FACECASE_PERSON_HOG_SVM_H
#define FACECASE_PERSON_HOG_SVM_H

#ifdef __cplusplus
extern "C" {
#endif

// fc_hog_default_people copies up to cap coefficients into out and returns
// how many there are.
int fc_hog_default_people(float *out, int cap);

#ifdef __cplusplus
}
#endif

#endif
