/* fcdlib.h: the narrow C API facecase uses to reach dlib (C++).
 *
 * Every function that can fail returns NULL on success or an error message
 * allocated with malloc, which the caller releases with free(). No C++
 * exception crosses this boundary.
 *
 * Images are views of caller-owned memory: dlib reads them in place and
 * never keeps a pointer after the call returns.
 */
#ifndef FCDLIB_H
#define FCDLIB_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Pixel layouts of fcdlib_image. */
enum {
    FCDLIB_PIXEL_BGR = 0,  /* 3 bytes per pixel, blue green red (OpenCV's order) */
    FCDLIB_PIXEL_GRAY = 1  /* 1 byte per pixel */
};

/* fcdlib_image is a read-only view of 8-bit pixels; stride is the number of
 * bytes from one row to the next. */
typedef struct {
    const uint8_t *pix;
    int width;
    int height;
    int stride;
    int format;
} fcdlib_image;

/* fcdlib_rect is a dlib::rectangle: left/top/right/bottom are all inclusive. */
typedef struct {
    long left;
    long top;
    long right;
    long bottom;
} fcdlib_rect;

/* fcdlib_detection is one HOG detection. sub_detector is the index of the
 * frontal_face_detector's sub-detector that fired (dlib's weight_index). */
typedef struct {
    fcdlib_rect rect;
    double confidence;
    long sub_detector;
} fcdlib_detection;

typedef struct fcdlib_shape_predictor fcdlib_shape_predictor;
typedef struct fcdlib_hog fcdlib_hog;

/* fcdlib_shape_predictor_load deserializes a shape predictor from path into
 * *out; release it with fcdlib_shape_predictor_free. */
char *fcdlib_shape_predictor_load(const char *path, fcdlib_shape_predictor **out);

/* fcdlib_shape_predictor_parts is the number of landmarks the model places. */
long fcdlib_shape_predictor_parts(const fcdlib_shape_predictor *sp);

/* fcdlib_shape_predictor_run places the landmarks of the face in box and writes
 * them to xy as x0, y0, x1, y1, ...; xy holds 2*parts doubles, parts being
 * fcdlib_shape_predictor_parts. Safe to call from many threads at once. */
char *fcdlib_shape_predictor_run(const fcdlib_shape_predictor *sp, fcdlib_image img, fcdlib_rect box, double *xy, long parts);

void fcdlib_shape_predictor_free(fcdlib_shape_predictor *sp);

/* fcdlib_face_chip cuts dlib's aligned face chip (get_face_chip_details +
 * extract_image_chip) out of img for the 68 landmarks in xy (x0, y0, ...;
 * rounded to whole pixels as dlib's full_object_detection stores them) and
 * writes it as RGB, size x size pixels, rows out_stride bytes apart. */
char *fcdlib_face_chip(fcdlib_image img, const double *xy, long parts, long size, double padding, uint8_t *out, long out_stride);

/* fcdlib_hog_new builds dlib's frontal face detector; release with fcdlib_hog_free.
 * One fcdlib_hog must not be used by two threads at once. */
char *fcdlib_hog_new(fcdlib_hog **out);

/* fcdlib_hog_clone copies src (much faster than building a new one) into
 * *out. src must not be running a detection meanwhile. */
char *fcdlib_hog_clone(const fcdlib_hog *src, fcdlib_hog **out);

/* fcdlib_hog_detect runs the detector on img upsampled upsample times (as
 * dlib's Python API does) and returns the detections in *dets (malloc'd,
 * release with free) and their number in *n. */
char *fcdlib_hog_detect(fcdlib_hog *d, fcdlib_image img, int upsample, double adjust_threshold, fcdlib_detection **dets, long *n);

void fcdlib_hog_free(fcdlib_hog *d);

#ifdef __cplusplus
}
#endif

#endif /* FCDLIB_H */
