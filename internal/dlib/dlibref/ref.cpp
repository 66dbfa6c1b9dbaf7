// ref.cpp: dlib's shape_predictor::operator() on a BGR image copied into a
// dlib array2d.
#include <cstdlib>
#include <cstring>
#include <exception>
#include <fstream>
#include <string>

#include <dlib/image_processing/shape_predictor.h>
#include <dlib/array2d.h>
#include <dlib/serialize.h>

#include "ref.h"

struct dlibref_sp {
    dlib::shape_predictor sp;
};

static char *message(const char *what) {
    char *p = static_cast<char *>(std::malloc(std::strlen(what) + 1));
    if (p != nullptr) std::strcpy(p, what);
    return p;
}

extern "C" char *dlibref_load(const char *path, dlibref_sp **out) {
    try {
        std::ifstream in(path, std::ios::binary);
        if (!in) return message("cannot open file");
        auto *p = new dlibref_sp;
        try {
            dlib::deserialize(p->sp, in);
        } catch (...) {
            delete p;
            throw;
        }
        *out = p;
        return nullptr;
    } catch (const std::exception &e) {
        return message(e.what());
    }
}

extern "C" char *dlibref_landmarks(const dlibref_sp *sp, const uint8_t *bgr, int width, int height, int stride,
                                   long left, long top, long right, long bottom, long *xy, long parts) {
    try {
        if (parts != static_cast<long>(sp->sp.num_parts())) return message("wrong number of parts");
        dlib::array2d<dlib::bgr_pixel> img(height, width);
        for (int y = 0; y < height; ++y) {
            for (int x = 0; x < width; ++x) {
                const uint8_t *p = bgr + y * stride + 3 * x;
                img[y][x] = dlib::bgr_pixel(p[0], p[1], p[2]);
            }
        }
        const dlib::full_object_detection d = sp->sp(img, dlib::rectangle(left, top, right, bottom));
        for (long i = 0; i < parts; ++i) {
            xy[2 * i] = d.part(i).x();
            xy[2 * i + 1] = d.part(i).y();
        }
        return nullptr;
    } catch (const std::exception &e) {
        return message(e.what());
    }
}

extern "C" void dlibref_free(dlibref_sp *sp) { delete sp; }
