// fcdlib_hog.cpp: dlib's HOG frontal face detector behind the C API.
#include <cstdlib>
#include <vector>

#include <dlib/array2d.h>
#include <dlib/image_processing/frontal_face_detector.h>
#include <dlib/image_transforms/interpolation.h>

#include "fcdlib_support.hpp"

struct fcdlib_hog {
    dlib::frontal_face_detector detector;
};

extern "C" char *fcdlib_hog_new(fcdlib_hog **out) {
    *out = nullptr;
    return fcdlib::guard("frontal_face_detector", [&] {
        auto *d = new fcdlib_hog;
        try {
            d->detector = dlib::get_frontal_face_detector();
        } catch (...) {
            delete d;
            throw;
        }
        *out = d;
    });
}

extern "C" char *fcdlib_hog_clone(const fcdlib_hog *src, fcdlib_hog **out) {
    *out = nullptr;
    return fcdlib::guard("frontal_face_detector", [&] { *out = new fcdlib_hog(*src); });
}

namespace {

// detect runs the detector on view upsampled upsample times and maps the
// boxes back, as dlib's own Python binding does.
template <typename View>
std::vector<dlib::rect_detection> detect(dlib::frontal_face_detector &detector, const View &view, int upsample, double adjust) {
    std::vector<dlib::rect_detection> dets;
    if (upsample == 0) {
        detector(view, dets, adjust);
        return dets;
    }
    typedef typename dlib::image_traits<View>::pixel_type pixel;
    dlib::pyramid_down<2> pyr;
    dlib::array2d<pixel> big;
    dlib::pyramid_up(view, big, pyr);
    for (int i = 1; i < upsample; ++i) {
        dlib::array2d<pixel> bigger;
        dlib::pyramid_up(big, bigger, pyr);
        dlib::swap(big, bigger);
    }
    detector(big, dets, adjust);
    for (auto &d : dets) {
        d.rect = pyr.rect_down(d.rect, upsample);
    }
    return dets;
}

}  // namespace

extern "C" char *fcdlib_hog_detect(fcdlib_hog *d, fcdlib_image img, int upsample, double adjust_threshold, fcdlib_detection **dets, long *n) {
    *dets = nullptr;
    *n = 0;
    return fcdlib::guard("frontal_face_detector", [&] {
        if (upsample < 0 || upsample > 8) {
            throw std::invalid_argument("upsample must be 0 to 8");
        }
        std::vector<dlib::rect_detection> found;
        fcdlib::with_view(img, [&](const auto &view) { found = detect(d->detector, view, upsample, adjust_threshold); });
        if (found.empty()) {
            return;
        }
        auto *out = static_cast<fcdlib_detection *>(std::malloc(found.size() * sizeof(fcdlib_detection)));
        if (out == nullptr) {
            throw std::bad_alloc();
        }
        for (size_t i = 0; i < found.size(); ++i) {
            const dlib::rectangle &r = found[i].rect;
            out[i].rect = fcdlib_rect{r.left(), r.top(), r.right(), r.bottom()};
            out[i].confidence = found[i].detection_confidence;
            out[i].sub_detector = static_cast<long>(found[i].weight_index);
        }
        *dets = out;
        *n = static_cast<long>(found.size());
    });
}

extern "C" void fcdlib_hog_free(fcdlib_hog *d) { delete d; }
