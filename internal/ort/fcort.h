// fcort.h: facecase's own minimal declarations for the ONNX Runtime C API.
//
// ONNX Runtime publishes its C API as one struct of function pointers,
// OrtApi, reached through the one exported symbol OrtGetApiBase. New
// functions are only ever appended to that struct, so a function's slot
// (its index among the pointers) never changes between releases. We
// declare the object types as opaque, name the slots we call by index, and
// call through small wrappers that cast each slot to its signature. The
// indices and signatures were read from onnxruntime_c_api.h (API version
// 24) and checked against the library with offsetof; a test in this package
// runs every wrapper.
//
// The library is opened at run time with dlopen (fcort_open), so building
// facecase needs neither the library nor a header.
#ifndef FCORT_H
#define FCORT_H

#include <stddef.h>
#include <stdint.h>

// FCORT_API_VERSION is the API version requested from the library: the
// version of the header the slot indices were checked against. ONNX
// Runtime 1.30 serves every version up to its own.
#define FCORT_API_VERSION 24

typedef struct OrtStatus OrtStatus;
typedef struct OrtEnv OrtEnv;
typedef struct OrtSession OrtSession;
typedef struct OrtSessionOptions OrtSessionOptions;
typedef struct OrtRunOptions OrtRunOptions;
typedef struct OrtValue OrtValue;
typedef struct OrtMemoryInfo OrtMemoryInfo;
typedef struct OrtAllocator OrtAllocator;
typedef struct OrtTypeInfo OrtTypeInfo;
typedef struct OrtTensorTypeAndShapeInfo OrtTensorTypeAndShapeInfo;
typedef struct OrtArenaCfg OrtArenaCfg;

// Enum values from the C API.
enum {
	FCORT_LOGGING_LEVEL_ERROR = 3,   // OrtLoggingLevel
	FCORT_ENABLE_ALL = 99,           // GraphOptimizationLevel
	FCORT_SEQUENTIAL = 0,            // ExecutionMode
	FCORT_TYPE_TENSOR = 1,           // ONNXType
	FCORT_ELEMENT_FLOAT = 1,         // ONNXTensorElementDataType
	FCORT_ARENA_ALLOCATOR = 1,       // OrtAllocatorType
	FCORT_MEM_TYPE_DEFAULT = 0,      // OrtMemType
	FCORT_ARENA_SAME_AS_REQUESTED = 1, // arena_extend_strategy of an OrtArenaCfg
};

// fcort_open loads the library at path and returns its API table and its
// version string, or NULL and a message (static or malloc'ed: *err_owned
// says whether the caller frees it).
const void *fcort_open(const char *path, const char **version, const char **err, int *err_owned);

int fcort_status_code(const void *api, OrtStatus *st);
const char *fcort_status_message(const void *api, OrtStatus *st);
void fcort_release_status(const void *api, OrtStatus *st);

OrtStatus *fcort_create_env(const void *api, const char *logid, OrtEnv **out);
void fcort_release_env(const void *api, OrtEnv *env);

OrtStatus *fcort_create_session_options(const void *api, OrtSessionOptions **out);
OrtStatus *fcort_set_intra_op_threads(const void *api, OrtSessionOptions *o, int n);
OrtStatus *fcort_set_inter_op_threads(const void *api, OrtSessionOptions *o, int n);
OrtStatus *fcort_set_sequential(const void *api, OrtSessionOptions *o);
OrtStatus *fcort_set_optimize_all(const void *api, OrtSessionOptions *o);
OrtStatus *fcort_disable_mem_pattern(const void *api, OrtSessionOptions *o);
OrtStatus *fcort_add_run_config_entry(const void *api, OrtRunOptions *r, const char *key, const char *value);
OrtStatus *fcort_add_config_entry(const void *api, OrtSessionOptions *o, const char *key, const char *value);
void fcort_release_session_options(const void *api, OrtSessionOptions *o);

OrtStatus *fcort_create_session(const void *api, OrtEnv *env, const void *model, size_t len,
                                OrtSessionOptions *o, OrtSession **out);
void fcort_release_session(const void *api, OrtSession *s);
OrtStatus *fcort_input_count(const void *api, OrtSession *s, size_t *n);
OrtStatus *fcort_output_count(const void *api, OrtSession *s, size_t *n);
// fcort_io_name returns the name of input (output == 0) or output i in
// *name, malloc'ed by us; the caller frees it.
OrtStatus *fcort_io_name(const void *api, OrtSession *s, int output, size_t i, char **name);
// fcort_io_info describes input or output i: *is_tensor, its element type,
// and up to max_dims dimensions (-1 for a free one) with their count in
// *ndims.
OrtStatus *fcort_io_info(const void *api, OrtSession *s, int output, size_t i, int *is_tensor,
                         int *elem, int64_t *dims, size_t max_dims, size_t *ndims);

OrtStatus *fcort_create_cpu_memory_info(const void *api, OrtMemoryInfo **out);
// fcort_register_env_arena registers with env one CPU memory arena (cpu
// describes it) that every session created with the config entry
// session.use_env_allocators = 1 takes its memory from. With exact == 0 it
// has the default settings (it grows by doubling); otherwise it grows by
// what each allocation asks (arena_extend_strategy kSameAsRequested).
OrtStatus *fcort_register_env_arena(const void *api, OrtEnv *env, const OrtMemoryInfo *cpu, int exact);
void fcort_release_memory_info(const void *api, OrtMemoryInfo *m);
OrtStatus *fcort_create_float_tensor(const void *api, OrtMemoryInfo *m, float *data, size_t count,
                                     const int64_t *shape, size_t ndims, OrtValue **out);
// fcort_tensor_data gives an output tensor's element type, shape (up to
// max_dims) and data pointer, which stays valid until the value is released.
OrtStatus *fcort_tensor_data(const void *api, OrtValue *v, int *elem, int64_t *dims, size_t max_dims,
                             size_t *ndims, void **data);
void fcort_release_value(const void *api, OrtValue *v);

OrtStatus *fcort_create_run_options(const void *api, OrtRunOptions **out);
OrtStatus *fcort_set_terminate(const void *api, OrtRunOptions *r);
void fcort_release_run_options(const void *api, OrtRunOptions *r);
OrtStatus *fcort_run(const void *api, OrtSession *s, OrtRunOptions *r,
                     const char *const *in_names, OrtValue *const *in, size_t nin,
                     const char *const *out_names, size_t nout, OrtValue **out);

#endif
