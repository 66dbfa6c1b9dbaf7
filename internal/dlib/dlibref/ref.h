/* ref.h: dlib's shape_predictor, as dlib ships it, for tests. */
#ifndef DLIBREF_H
#define DLIBREF_H
#include <stdint.h>
#ifdef __cplusplus
extern "C" {
#endif
typedef struct dlibref_sp dlibref_sp;
/* dlibref_load returns NULL on success or a malloc'd message. */
char *dlibref_load(const char *path, dlibref_sp **out);
/* dlibref_landmarks places the shape of the face in the inclusive box
 * (left, top, right, bottom) of a BGR image and writes x0, y0, ... to xy. */
char *dlibref_landmarks(const dlibref_sp *sp, const uint8_t *bgr, int width, int height, int stride,
                        long left, long top, long right, long bottom, long *xy, long parts);
void dlibref_free(dlibref_sp *sp);
#ifdef __cplusplus
}
#endif
#endif
