// fcdlib_face_chip.cpp: dlib's aligned face chip behind the C API.
#include <cstring>
#include <vector>

#include <dlib/array2d.h>
#include <dlib/image_processing/full_object_detection.h>
#include <dlib/image_transforms/interpolation.h>

#include "fcdlib_support.hpp"

extern "C" char *fcdlib_face_chip(fcdlib_image img, const double *xy, long parts, long size, double padding, uint8_t *out, long out_stride) {
    return fcdlib::guard("extract_image_chip", [&] {
        // get_face_chip_details asserts these; dlib's asserts abort the
        // process on their second failure, so check them here first.
        if (parts != 68 && parts != 5) {
            throw std::invalid_argument("need 68 or 5 landmarks, got " + std::to_string(parts));
        }
        if (size <= 0 || !(padding >= 0) || !std::isfinite(padding)) {
            throw std::invalid_argument("bad chip size or padding");
        }
        if (out_stride < 3 * size) {
            throw std::invalid_argument("output row stride is shorter than a chip row");
        }
        std::vector<dlib::point> points(parts);
        for (long i = 0; i < parts; ++i) {
            points[i] = dlib::point(fcdlib::whole_pixel(xy[2 * i]), fcdlib::whole_pixel(xy[2 * i + 1]));
        }
        // The rectangle plays no part in get_face_chip_details.
        const dlib::full_object_detection det(dlib::rectangle(), points);
        const dlib::chip_details where = dlib::get_face_chip_details(det, size, padding);
        dlib::array2d<dlib::rgb_pixel> chip;
        fcdlib::with_view(img, [&](const auto &view) { dlib::extract_image_chip(view, where, chip); });
        if (chip.nr() != size || chip.nc() != size) {
            throw std::runtime_error("dlib returned a chip of the wrong size");
        }
        for (long r = 0; r < size; ++r) {
            std::memcpy(out + r * out_stride, &chip[r][0], 3 * size);
        }
    });
}
