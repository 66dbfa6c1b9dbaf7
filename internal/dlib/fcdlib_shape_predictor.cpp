// fcdlib_shape_predictor.cpp: dlib's 68-point shape predictor behind the C
// API, with the regression trees laid out flat.
//
// dlib's shape_predictor keeps every leaf (136 floats) in a vector of its
// own and every tree's splits in another; a face visits one leaf of each of
// 7,500 trees spread over 65 MB, and spends most of its time waiting for
// memory. Here a cascade's splits are contiguous, every tree's leaf is
// chosen first, and the chosen leaves are added in dlib's order while the
// next ones are fetched. The arithmetic is dlib's, in dlib's order (the
// features by dlib's own extract_feature_pixel_values, the same float
// comparisons, leaves added one tree after another), so the landmarks are
// the ones dlib places.
//
// The model comes in two forms: facecase's flat file (convert.DlibShapePredictor,
// written at install time), mapped into memory as it is, or dlib's own
// serialization, decoded by dlib and then laid out flat (about a second).
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <vector>

#include <dlib/image_processing/shape_predictor.h>
#include <dlib/serialize.h>

#include "fcdlib_support.hpp"

namespace {

// flat_split is one split node: go left when
// feature[idx1] - feature[idx2] > thresh.
struct flat_split {
    uint16_t idx1;
    uint16_t idx2;
    float thresh;
};
static_assert(sizeof(flat_split) == 8, "flat_split is 8 bytes in the file");

const char flat_magic[8] = {'F', 'C', 'S', 'H', 'A', 'P', 'E', '1'};
const long flat_header_size = 64;

}  // namespace

struct fcdlib_shape_predictor {
    long parts = 0, cascades = 0, trees = 0, splits = 0, leaves = 0, features = 0;
    // What dlib's feature extraction takes.
    dlib::matrix<float, 0, 1> initial_shape;
    std::vector<std::vector<unsigned long>> anchor_idx;
    std::vector<std::vector<dlib::vector<float, 2>>> deltas;
    // [cascade][tree][split] and [cascade][tree][leaf][2*parts], in the
    // mapped file or in the vectors below.
    const flat_split *split_data = nullptr;
    const float *leaf_data = nullptr;
    std::vector<flat_split> split_store;
    std::vector<float> leaf_store;
    void *map = nullptr;
    size_t map_len = 0;

    ~fcdlib_shape_predictor() {
        if (map != nullptr) munmap(map, map_len);
    }
};

namespace {

uint32_t read_u32(const unsigned char *p) {
    uint32_t v;
    std::memcpy(&v, p, 4);  // the file is little-endian, as is every machine facecase runs on
    return v;
}

// check_model rejects a model whose indices would read out of bounds.
void check_model(const fcdlib_shape_predictor &m) {
    if (m.parts <= 0 || m.cascades <= 0 || m.trees <= 0 || m.splits <= 0 || m.features <= 0 ||
        m.leaves != m.splits + 1 || (m.leaves & (m.leaves - 1)) != 0) {
        throw std::runtime_error("model shape is not a complete-tree shape predictor");
    }
    for (long c = 0; c < m.cascades; ++c) {
        for (unsigned long a : m.anchor_idx[c]) {
            if (a >= static_cast<unsigned long>(m.parts)) throw std::runtime_error("anchor out of range");
        }
    }
    const long n = m.cascades * m.trees * m.splits;
    for (long i = 0; i < n; ++i) {
        if (m.split_data[i].idx1 >= m.features || m.split_data[i].idx2 >= m.features) {
            throw std::runtime_error("split feature out of range");
        }
    }
}

// load_flat maps facecase's flat file (layout in models/convert/dlib_shape.go).
void load_flat(const char *path, fcdlib_shape_predictor &m) {
    const int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw std::runtime_error("cannot open file");
    struct stat st;
    if (fstat(fd, &st) != 0 || st.st_size < flat_header_size) {
        close(fd);
        throw std::runtime_error("file too short");
    }
    m.map_len = static_cast<size_t>(st.st_size);
    void *p = mmap(nullptr, m.map_len, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
    close(fd);
    if (p == MAP_FAILED) throw std::runtime_error("cannot map file");
    m.map = p;
    const unsigned char *b = static_cast<const unsigned char *>(p);
    if (std::memcmp(b, flat_magic, 8) != 0) throw std::runtime_error("not a flat shape predictor");
    m.parts = read_u32(b + 8);
    m.cascades = read_u32(b + 12);
    m.trees = read_u32(b + 16);
    m.splits = read_u32(b + 20);
    m.leaves = read_u32(b + 24);
    m.features = read_u32(b + 28);
    if (m.parts > 1000 || m.cascades > 1000 || m.trees > 100000 || m.splits > 4095 || m.features > 65535) {
        throw std::runtime_error("implausible model shape");
    }
    const long dims = 2 * m.parts;
    const long initial = flat_header_size;
    const long anchors = initial + 4 * dims;
    const long deltas = anchors + 4 * m.cascades * m.features;
    const long splits = deltas + 8 * m.cascades * m.features;
    const long end = splits + 8 * m.cascades * m.trees * m.splits;
    const long leaves = (end + 63) / 64 * 64;
    const long size = leaves + 4 * m.cascades * m.trees * m.leaves * dims;
    if (size != st.st_size) throw std::runtime_error("file size does not match its header");
    m.initial_shape.set_size(dims);
    std::memcpy(&m.initial_shape(0), b + initial, 4 * dims);
    m.anchor_idx.assign(m.cascades, std::vector<unsigned long>(m.features));
    m.deltas.assign(m.cascades, std::vector<dlib::vector<float, 2>>(m.features));
    for (long c = 0; c < m.cascades; ++c) {
        for (long i = 0; i < m.features; ++i) {
            m.anchor_idx[c][i] = read_u32(b + anchors + 4 * (c * m.features + i));
            float xy[2];
            std::memcpy(xy, b + deltas + 8 * (c * m.features + i), 8);
            m.deltas[c][i] = dlib::vector<float, 2>(xy[0], xy[1]);
        }
    }
    m.split_data = reinterpret_cast<const flat_split *>(b + splits);
    m.leaf_data = reinterpret_cast<const float *>(b + leaves);
}

// load_dlib decodes dlib's own serialization (shape_predictor's serialize:
// version, initial shape, forests, anchors, deltas) and lays it out flat.
void load_dlib(const char *path, fcdlib_shape_predictor &m) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot open file");
    int version = 0;
    dlib::deserialize(version, in);
    if (version != 1) throw std::runtime_error("unexpected shape predictor version");
    std::vector<std::vector<dlib::impl::regression_tree>> forests;
    dlib::deserialize(m.initial_shape, in);
    dlib::deserialize(forests, in);
    dlib::deserialize(m.anchor_idx, in);
    dlib::deserialize(m.deltas, in);
    // A valid model is followed by nothing else; dlib reads a cut-off
    // file without noticing in some places.
    if (in.peek() != std::char_traits<char>::eof()) throw std::runtime_error("unexpected data after the model");
    m.parts = m.initial_shape.size() / 2;
    m.cascades = static_cast<long>(forests.size());
    if (m.parts == 0 || m.cascades == 0 || forests[0].empty() || m.anchor_idx.size() != forests.size() ||
        m.deltas.size() != forests.size()) {
        throw std::runtime_error("model has no landmarks");
    }
    m.trees = static_cast<long>(forests[0].size());
    m.splits = static_cast<long>(forests[0][0].splits.size());
    m.leaves = static_cast<long>(forests[0][0].leaf_values.size());
    m.features = static_cast<long>(m.anchor_idx[0].size());
    const long dims = 2 * m.parts;
    for (long c = 0; c < m.cascades; ++c) {
        if (static_cast<long>(forests[c].size()) != m.trees || static_cast<long>(m.anchor_idx[c].size()) != m.features ||
            static_cast<long>(m.deltas[c].size()) != m.features) {
            throw std::runtime_error("cascades of different sizes");
        }
        for (const auto &tree : forests[c]) {
            if (static_cast<long>(tree.splits.size()) != m.splits || static_cast<long>(tree.leaf_values.size()) != m.leaves) {
                throw std::runtime_error("trees of different sizes");
            }
            for (const auto &s : tree.splits) {
                if (s.idx1 > 65535 || s.idx2 > 65535) throw std::runtime_error("split feature out of range");
                m.split_store.push_back({static_cast<uint16_t>(s.idx1), static_cast<uint16_t>(s.idx2), s.thresh});
            }
            for (const auto &leaf : tree.leaf_values) {
                if (leaf.size() != dims) throw std::runtime_error("leaf of the wrong size");
                m.leaf_store.insert(m.leaf_store.end(), leaf.begin(), leaf.end());
            }
        }
    }
    m.split_data = m.split_store.data();
    m.leaf_data = m.leaf_store.data();
}

// add_leaf adds a leaf to the shape, four floats at a time (SSE2, which
// every x86-64 has): each element gets one float addition per tree, in
// tree order, as in dlib.
inline void add_leaf(float *__restrict out, const float *__restrict leaf, long dims) {
    typedef float v4 __attribute__((vector_size(16), aligned(4)));
    long k = 0;
    for (; k + 4 <= dims; k += 4) {
        v4 a, b;
        std::memcpy(&a, out + k, sizeof a);
        std::memcpy(&b, leaf + k, sizeof b);
        a += b;
        std::memcpy(out + k, &a, sizeof a);
    }
    for (; k < dims; ++k) out[k] += leaf[k];
}

// leaf_prefetch is how many trees ahead a leaf is fetched while adding.
const long leaf_prefetch = 6;

// predict runs the cascades over the face in rect and writes the shape, in
// the predictor's normalised coordinates, to shape.
template <typename image_type>
void predict(const fcdlib_shape_predictor &m, const image_type &img, const dlib::rectangle &rect,
             dlib::matrix<float, 0, 1> &shape) {
    shape = m.initial_shape;
    const long dims = shape.size();
    std::vector<float> features;
    std::vector<const float *> chosen(m.trees);
    for (long c = 0; c < m.cascades; ++c) {
        dlib::impl::extract_feature_pixel_values(img, rect, shape, m.initial_shape, m.anchor_idx[c], m.deltas[c],
                                                 features);
        const flat_split *splits = m.split_data + c * m.trees * m.splits;
        const float *leaves = m.leaf_data + c * m.trees * m.leaves * dims;
        for (long t = 0; t < m.trees; ++t) {
            const flat_split *s = splits + t * m.splits;
            long i = 0;
            while (i < m.splits) {
                i = features[s[i].idx1] - features[s[i].idx2] > s[i].thresh ? 2 * i + 1 : 2 * i + 2;
            }
            chosen[t] = leaves + (t * m.leaves + (i - m.splits)) * dims;
            if (t < leaf_prefetch) __builtin_prefetch(chosen[t]);
        }
        float *out = &shape(0);
        for (long t = 0; t < m.trees; ++t) {
            if (t + leaf_prefetch < m.trees) {
                const char *next = reinterpret_cast<const char *>(chosen[t + leaf_prefetch]);
                for (long off = 0; off < 4 * dims; off += 64) __builtin_prefetch(next + off);
            }
            add_leaf(out, chosen[t], dims);
        }
    }
}

}  // namespace

extern "C" char *fcdlib_shape_predictor_load(const char *path, fcdlib_shape_predictor **out) {
    *out = nullptr;
    return fcdlib::guard("load shape predictor", [&] {
        char magic[8] = {0};
        {
            std::ifstream in(path, std::ios::binary);
            if (!in) throw std::runtime_error("cannot open file");
            in.read(magic, sizeof magic);
        }
        auto *p = new fcdlib_shape_predictor;
        try {
            if (std::memcmp(magic, flat_magic, 8) == 0) {
                load_flat(path, *p);
            } else {
                load_dlib(path, *p);
            }
            check_model(*p);
        } catch (...) {
            delete p;
            throw;
        }
        *out = p;
    });
}

extern "C" long fcdlib_shape_predictor_parts(const fcdlib_shape_predictor *sp) { return sp->parts; }

extern "C" char *fcdlib_shape_predictor_run(const fcdlib_shape_predictor *sp, fcdlib_image img, fcdlib_rect box, double *xy, long parts) {
    return fcdlib::guard("shape_predictor", [&] {
        if (parts != sp->parts) {
            throw std::invalid_argument("wrong number of landmarks");
        }
        if (box.right < box.left || box.bottom < box.top) {
            throw std::invalid_argument("empty box");
        }
        const dlib::rectangle rect(box.left, box.top, box.right, box.bottom);
        dlib::matrix<float, 0, 1> shape;
        fcdlib::with_view(img, [&](const auto &view) { predict(*sp, view, rect, shape); });
        // As dlib's shape_predictor::operator() returns them: mapped to the
        // image and rounded to whole pixels.
        const dlib::point_transform_affine to_img = dlib::impl::unnormalizing_tform(rect);
        for (long i = 0; i < parts; ++i) {
            const dlib::point p = to_img(dlib::impl::location(shape, i));
            xy[2 * i] = static_cast<double>(p.x());
            xy[2 * i + 1] = static_cast<double>(p.y());
        }
    });
}

extern "C" void fcdlib_shape_predictor_free(fcdlib_shape_predictor *sp) { delete sp; }
