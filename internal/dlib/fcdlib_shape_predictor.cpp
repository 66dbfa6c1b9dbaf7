// fcdlib_shape_predictor.cpp: dlib::shape_predictor behind the C API.
#include <fstream>

#include <dlib/image_processing/shape_predictor.h>
#include <dlib/serialize.h>

#include "fcdlib_support.hpp"

struct fcdlib_shape_predictor {
    dlib::shape_predictor sp;
};

extern "C" char *fcdlib_shape_predictor_load(const char *path, fcdlib_shape_predictor **out) {
    *out = nullptr;
    return fcdlib::guard("deserialize", [&] {
        std::ifstream in(path, std::ios::binary);
        if (!in) {
            throw std::runtime_error("cannot open file");
        }
        auto *p = new fcdlib_shape_predictor;
        try {
            dlib::deserialize(p->sp, in);
            // A valid model has parts and is followed by nothing else;
            // dlib reads a cut-off file without noticing in some places.
            if (p->sp.num_parts() == 0) {
                throw std::runtime_error("model has no landmarks");
            }
            if (in.peek() != std::char_traits<char>::eof()) {
                throw std::runtime_error("unexpected data after the model");
            }
        } catch (...) {
            delete p;
            throw;
        }
        *out = p;
    });
}

extern "C" long fcdlib_shape_predictor_parts(const fcdlib_shape_predictor *sp) {
    return static_cast<long>(sp->sp.num_parts());
}

extern "C" char *fcdlib_shape_predictor_run(const fcdlib_shape_predictor *sp, fcdlib_image img, fcdlib_rect box, double *xy, long parts) {
    return fcdlib::guard("shape_predictor", [&] {
        if (parts != static_cast<long>(sp->sp.num_parts())) {
            throw std::invalid_argument("wrong number of landmarks");
        }
        if (box.right < box.left || box.bottom < box.top) {
            throw std::invalid_argument("empty box");
        }
        const dlib::rectangle rect(box.left, box.top, box.right, box.bottom);
        fcdlib::with_view(img, [&](const auto &view) {
            const dlib::full_object_detection det = sp->sp(view, rect);
            for (long i = 0; i < parts; ++i) {
                xy[2 * i] = static_cast<double>(det.part(i).x());
                xy[2 * i + 1] = static_cast<double>(det.part(i).y());
            }
        });
    });
}

extern "C" void fcdlib_shape_predictor_free(fcdlib_shape_predictor *sp) { delete sp; }
