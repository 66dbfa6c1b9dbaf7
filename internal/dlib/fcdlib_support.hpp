// fcdlib_support.hpp: C++ helpers shared by the shim files: a zero-copy view
// of caller-owned pixels that implements dlib's generic image interface,
// and the guard that turns C++ exceptions into C error strings.
#ifndef FCDLIB_SUPPORT_HPP
#define FCDLIB_SUPPORT_HPP

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <new>
#include <stdexcept>
#include <string>

#include <dlib/image_processing/generic_image.h>
#include <dlib/pixel.h>

#include "fcdlib.h"

namespace fcdlib {

// const_view is a read-only view of 8-bit pixels of type Pixel
// (dlib::bgr_pixel or unsigned char) in memory the caller owns.
template <typename Pixel>
struct const_view {
    const unsigned char *data = nullptr;
    long rows = 0;
    long cols = 0;
    long stride = 0;
};

// dlib finds these through argument-dependent lookup.
template <typename Pixel>
inline long num_rows(const const_view<Pixel> &v) { return v.rows; }
template <typename Pixel>
inline long num_columns(const const_view<Pixel> &v) { return v.cols; }
template <typename Pixel>
inline long width_step(const const_view<Pixel> &v) { return v.stride; }
template <typename Pixel>
inline const void *image_data(const const_view<Pixel> &v) { return v.data; }
// dlib's generic interface also asks for a mutable accessor; the views
// are only ever handed to dlib as const images, so it is never written.
template <typename Pixel>
inline void *image_data(const_view<Pixel> &v) { return const_cast<unsigned char *>(v.data); }

// check_image rejects a view dlib could read out of bounds.
inline void check_image(const fcdlib_image &img) {
    long bpp;
    switch (img.format) {
    case FCDLIB_PIXEL_BGR: bpp = 3; break;
    case FCDLIB_PIXEL_GRAY: bpp = 1; break;
    default: throw std::invalid_argument("unknown pixel format " + std::to_string(img.format));
    }
    if (img.pix == nullptr || img.width <= 0 || img.height <= 0) {
        throw std::invalid_argument("empty image");
    }
    if (static_cast<long>(img.stride) < static_cast<long>(img.width) * bpp) {
        throw std::invalid_argument("row stride " + std::to_string(img.stride) + " is shorter than a row");
    }
}

// with_view calls f with a dlib image view of img in its pixel type.
template <typename F>
void with_view(const fcdlib_image &img, F &&f) {
    check_image(img);
    switch (img.format) {
    case FCDLIB_PIXEL_BGR: {
        const_view<dlib::bgr_pixel> v;
        v.data = img.pix; v.rows = img.height; v.cols = img.width; v.stride = img.stride;
        f(v);
        return;
    }
    case FCDLIB_PIXEL_GRAY: {
        const_view<unsigned char> v;
        v.data = img.pix; v.rows = img.height; v.cols = img.width; v.stride = img.stride;
        f(v);
        return;
    }
    }
}

// whole_pixel rounds a coordinate to the long dlib's points store, and
// rejects values that cannot be a pixel position.
inline long whole_pixel(double v) {
    if (!std::isfinite(v) || std::fabs(v) > 1e9) {
        throw std::invalid_argument("landmark coordinate out of range");
    }
    return std::lround(v);
}

// error_string copies a message into malloc'd memory for the Go side,
// folding dlib's multi-line messages into one line.
inline char *error_string(const char *what, const char *detail) {
    std::string s = std::string(what) + ": " + detail;
    std::string out;
    bool space = false;
    for (char c : s) {
        if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
            space = true;
            continue;
        }
        if (space && !out.empty()) out += ' ';
        space = false;
        out += c;
    }
    char *p = static_cast<char *>(std::malloc(out.size() + 1));
    if (p != nullptr) std::memcpy(p, out.c_str(), out.size() + 1);
    return p;
}

// guard runs f and returns NULL, or the error of the exception it threw:
// no C++ exception may unwind into Go.
template <typename F>
char *guard(const char *what, F &&f) noexcept {
    try {
        f();
        return nullptr;
    } catch (const std::bad_alloc &) {
        return error_string(what, "out of memory");
    } catch (const std::exception &e) {
        return error_string(what, e.what());
    } catch (...) {
        return error_string(what, "unknown C++ exception");
    }
}

}  // namespace fcdlib

namespace dlib {
template <typename Pixel>
struct image_traits<fcdlib::const_view<Pixel>> {
    typedef Pixel pixel_type;
};
}  // namespace dlib

#endif  // FCDLIB_SUPPORT_HPP
