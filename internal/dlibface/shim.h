// C interface to the parts of dlib facecase uses. C++ exceptions never cross
// it: every function that can fail returns 0 and sets *err to a message the
// caller frees with fc_free.
#ifndef FACECASE_DLIB_SHIM_H
#define FACECASE_DLIB_SHIM_H

#ifdef __cplusplus
extern "C" {
#endif

// fc_image is a view of 8-bit pixels owned by the caller: channels is 3
// (BGR, as OpenCV stores colour) or 1 (grey); stride is bytes per row.
typedef struct {
	const unsigned char* pix;
	long width, height, stride;
	int channels;
} fc_image;

typedef struct { double x, y; } fc_point;
typedef struct { double left, top, right, bottom, confidence; } fc_detection;

typedef struct fc_shape_predictor fc_shape_predictor;
typedef struct fc_hog_detector fc_hog_detector;

fc_shape_predictor* fc_shape_predictor_load(const char* path, char** err);
void fc_shape_predictor_free(fc_shape_predictor* p);
// Fills out[68] with landmarks for the face in the box (pixels, right and
// bottom exclusive as in dlib's rectangle + 1).
int fc_shape_predictor_detect(const fc_shape_predictor* p, fc_image img,
	double left, double top, double right, double bottom, fc_point* out, char** err);

// Cuts dlib's aligned face chip (get_face_chip_details + extract_image_chip)
// of size x size pixels into out_rgb (size*size*3 bytes, RGB).
int fc_face_chip(fc_image img, const fc_point* landmarks, int size, double padding,
	unsigned char* out_rgb, char** err);

fc_hog_detector* fc_hog_new(char** err);
void fc_hog_free(fc_hog_detector* d);
// Runs dlib's frontal face detector after upsample doublings of the image.
// On success *out holds *n detections (free with fc_free).
int fc_hog_detect(fc_hog_detector* d, fc_image img, int upsample, double adjust_threshold,
	fc_detection** out, int* n, char** err);

void fc_free(void* p);

#ifdef __cplusplus
}
#endif
#endif
