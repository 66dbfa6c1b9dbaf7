package dlibface

// Link libdlib directly rather than through `pkg-config dlib-1`: Debian's
// dlib-1.pc names libblas.so and liblapack.so, which only the -dev packages
// of BLAS and LAPACK provide. dlib's headers instantiate LAPACK calls in our
// own object code, so the run-time libraries that libdlib19.1 depends on
// (libblas3, liblapack3) are linked by their versioned names.

// #cgo CXXFLAGS: -std=c++17 -O2 -DNDEBUG -Wno-deprecated-declarations
// #cgo LDFLAGS: -ldlib -l:liblapack.so.3 -l:libblas.so.3 -lpthread
import "C"
