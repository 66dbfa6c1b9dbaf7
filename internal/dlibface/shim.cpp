// dlib glue for facecase: zero-copy views of caller-owned pixels, dlib's
// shape predictor, face-chip extraction and HOG face detector.
#include "shim.h"

#include <cstdlib>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

#include <dlib/image_processing.h>
#include <dlib/image_processing/frontal_face_detector.h>
#include <dlib/image_transforms.h>
#include <dlib/serialize.h>

namespace {

// bgr_view and gray_view expose caller memory through dlib's generic image
// interface (dlib/image_processing/generic_image.h) without copying.
struct bgr_view { const unsigned char* pix; long w, h, stride; };
struct gray_view { const unsigned char* pix; long w, h, stride; };

long num_rows(const bgr_view& v) { return v.h; }
long num_columns(const bgr_view& v) { return v.w; }
const void* image_data(const bgr_view& v) { return v.pix; }
void* image_data(bgr_view& v) { return const_cast<unsigned char*>(v.pix); }
long width_step(const bgr_view& v) { return v.stride; }

long num_rows(const gray_view& v) { return v.h; }
long num_columns(const gray_view& v) { return v.w; }
const void* image_data(const gray_view& v) { return v.pix; }
void* image_data(gray_view& v) { return const_cast<unsigned char*>(v.pix); }
long width_step(const gray_view& v) { return v.stride; }

void set_error(char** err, const char* msg) {
	if (err) *err = strdup(msg);
}

}  // namespace

namespace dlib {
template <> struct image_traits<bgr_view> { typedef bgr_pixel pixel_type; };
template <> struct image_traits<gray_view> { typedef unsigned char pixel_type; };
}  // namespace dlib

struct fc_shape_predictor { dlib::shape_predictor sp; };
struct fc_hog_detector { dlib::frontal_face_detector det; };

// with_image calls fn with a typed dlib view of img.
template <typename Fn> static void with_image(const fc_image& img, Fn fn) {
	if (!img.pix || img.width <= 0 || img.height <= 0) throw std::runtime_error("empty image");
	if (img.channels == 3) {
		fn(bgr_view{img.pix, img.width, img.height, img.stride});
	} else if (img.channels == 1) {
		fn(gray_view{img.pix, img.width, img.height, img.stride});
	} else {
		throw std::runtime_error("image must have 1 or 3 channels");
	}
}

extern "C" {

fc_shape_predictor* fc_shape_predictor_load(const char* path, char** err) {
	try {
		auto p = new fc_shape_predictor;
		try {
			dlib::deserialize(path) >> p->sp;
		} catch (...) {
			delete p;
			throw;
		}
		if (p->sp.num_parts() != 68) {
			std::string msg = "shape predictor has " + std::to_string(p->sp.num_parts()) + " parts, want 68";
			delete p;
			set_error(err, msg.c_str());
			return nullptr;
		}
		return p;
	} catch (const std::exception& e) {
		set_error(err, e.what());
	} catch (...) {
		set_error(err, "unknown error loading shape predictor");
	}
	return nullptr;
}

void fc_shape_predictor_free(fc_shape_predictor* p) { delete p; }

int fc_shape_predictor_detect(const fc_shape_predictor* p, fc_image img,
	double left, double top, double right, double bottom, fc_point* out, char** err) {
	try {
		dlib::rectangle box((long)std::lround(left), (long)std::lround(top),
			(long)std::lround(right) - 1, (long)std::lround(bottom) - 1);
		with_image(img, [&](const auto& view) {
			dlib::full_object_detection shape = p->sp(view, box);
			for (unsigned long i = 0; i < shape.num_parts(); i++) {
				out[i].x = shape.part(i).x();
				out[i].y = shape.part(i).y();
			}
		});
		return 1;
	} catch (const std::exception& e) {
		set_error(err, e.what());
	} catch (...) {
		set_error(err, "unknown error in shape predictor");
	}
	return 0;
}

int fc_face_chip(fc_image img, const fc_point* landmarks, int size, double padding,
	unsigned char* out_rgb, char** err) {
	try {
		std::vector<dlib::point> parts(68);
		long minx = LONG_MAX, miny = LONG_MAX, maxx = LONG_MIN, maxy = LONG_MIN;
		for (int i = 0; i < 68; i++) {
			parts[i] = dlib::point((long)std::lround(landmarks[i].x), (long)std::lround(landmarks[i].y));
			minx = std::min(minx, parts[i].x()); maxx = std::max(maxx, parts[i].x());
			miny = std::min(miny, parts[i].y()); maxy = std::max(maxy, parts[i].y());
		}
		dlib::full_object_detection shape(dlib::rectangle(minx, miny, maxx, maxy), parts);
		dlib::chip_details details = dlib::get_face_chip_details(shape, size, padding);
		dlib::array2d<dlib::rgb_pixel> chip;
		with_image(img, [&](const auto& view) { dlib::extract_image_chip(view, details, chip); });
		if (chip.nr() != size || chip.nc() != size) throw std::runtime_error("chip has the wrong size");
		for (long r = 0; r < size; r++) {
			for (long c = 0; c < size; c++) {
				const dlib::rgb_pixel& px = chip[r][c];
				unsigned char* o = out_rgb + 3 * (r * size + c);
				o[0] = px.red; o[1] = px.green; o[2] = px.blue;
			}
		}
		return 1;
	} catch (const std::exception& e) {
		set_error(err, e.what());
	} catch (...) {
		set_error(err, "unknown error extracting face chip");
	}
	return 0;
}

fc_hog_detector* fc_hog_new(char** err) {
	try {
		auto d = new fc_hog_detector;
		d->det = dlib::get_frontal_face_detector();
		return d;
	} catch (const std::exception& e) {
		set_error(err, e.what());
	} catch (...) {
		set_error(err, "unknown error creating HOG detector");
	}
	return nullptr;
}

void fc_hog_free(fc_hog_detector* d) { delete d; }

int fc_hog_detect(fc_hog_detector* d, fc_image img, int upsample, double adjust_threshold,
	fc_detection** out, int* n, char** err) {
	try {
		std::vector<dlib::rect_detection> dets;
		with_image(img, [&](const auto& view) {
			if (upsample <= 0) {
				d->det(view, dets, adjust_threshold);
				return;
			}
			typedef typename dlib::image_traits<std::decay_t<decltype(view)>>::pixel_type pixel;
			dlib::array2d<pixel> big;
			dlib::assign_image(big, view);
			for (int i = 0; i < upsample; i++) dlib::pyramid_up(big);
			d->det(big, dets, adjust_threshold);
		});
		double scale = 1.0 / (double)(1L << std::max(0, upsample));
		*n = (int)dets.size();
		*out = (fc_detection*)std::malloc(sizeof(fc_detection) * (dets.size() ? dets.size() : 1));
		if (!*out) throw std::bad_alloc();
		for (size_t i = 0; i < dets.size(); i++) {
			const dlib::rectangle& r = dets[i].rect;
			(*out)[i] = fc_detection{r.left() * scale, r.top() * scale, (r.right() + 1) * scale,
				(r.bottom() + 1) * scale, dets[i].detection_confidence};
		}
		return 1;
	} catch (const std::exception& e) {
		set_error(err, e.what());
	} catch (...) {
		set_error(err, "unknown error in HOG detector");
	}
	return 0;
}

void fc_free(void* p) { std::free(p); }

}  // extern "C"
