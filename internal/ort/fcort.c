// fcort.c: calls into the ONNX Runtime C API through its table of function
// pointers. See fcort.h for where the slot indices come from.
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

#include "fcort.h"

// Slots of OrtApi used here (index of the function pointer in the struct).
enum {
	SLOT_GetErrorCode = 1,
	SLOT_GetErrorMessage = 2,
	SLOT_CreateEnv = 3,
	SLOT_CreateSessionFromArray = 8,
	SLOT_Run = 9,
	SLOT_CreateSessionOptions = 10,
	SLOT_SetSessionExecutionMode = 13,
	SLOT_DisableMemPattern = 17,
	SLOT_SetSessionGraphOptimizationLevel = 23,
	SLOT_SetIntraOpNumThreads = 24,
	SLOT_SetInterOpNumThreads = 25,
	SLOT_SessionGetInputCount = 30,
	SLOT_SessionGetOutputCount = 31,
	SLOT_SessionGetInputTypeInfo = 33,
	SLOT_SessionGetOutputTypeInfo = 34,
	SLOT_SessionGetInputName = 36,
	SLOT_SessionGetOutputName = 37,
	SLOT_CreateRunOptions = 39,
	SLOT_RunOptionsSetTerminate = 46,
	SLOT_CreateTensorWithDataAsOrtValue = 49,
	SLOT_GetTensorMutableData = 51,
	SLOT_CastTypeInfoToTensorInfo = 55,
	SLOT_GetOnnxTypeFromTypeInfo = 56,
	SLOT_GetTensorElementType = 60,
	SLOT_GetDimensionsCount = 61,
	SLOT_GetDimensions = 62,
	SLOT_GetTensorTypeAndShape = 65,
	SLOT_CreateCpuMemoryInfo = 69,
	SLOT_AllocatorFree = 76,
	SLOT_GetAllocatorWithDefaultOptions = 78,
	SLOT_ReleaseEnv = 92,
	SLOT_ReleaseStatus = 93,
	SLOT_ReleaseMemoryInfo = 94,
	SLOT_ReleaseSession = 95,
	SLOT_ReleaseValue = 96,
	SLOT_ReleaseRunOptions = 97,
	SLOT_ReleaseTypeInfo = 98,
	SLOT_ReleaseTensorTypeAndShapeInfo = 99,
	SLOT_ReleaseSessionOptions = 100,
	SLOT_AddSessionConfigEntry = 130,
	SLOT_CreateAndRegisterAllocator = 144,
	SLOT_ReleaseArenaCfg = 157,
	SLOT_CreateArenaCfgV2 = 164,
	SLOT_AddRunConfigEntry = 165,
};

// FN casts slot i of the API table to a function of type T.
#define FN(api, i, T) ((T)(((void *const *)(api))[i]))

typedef struct {
	const void *(*GetApi)(uint32_t version);
	const char *(*GetVersionString)(void);
} api_base;

const void *fcort_open(const char *path, const char **version, const char **err, int *err_owned) {
	*err_owned = 0;
	void *lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (lib == NULL) {
		const char *e = dlerror();
		*err = e ? strdup(e) : "dlopen failed";
		*err_owned = e != NULL;
		return NULL;
	}
	const api_base *(*get_base)(void) = (const api_base *(*)(void))dlsym(lib, "OrtGetApiBase");
	if (get_base == NULL) {
		*err = "the library has no symbol OrtGetApiBase: not ONNX Runtime";
		dlclose(lib);
		return NULL;
	}
	const api_base *base = get_base();
	const void *api = base ? base->GetApi(FCORT_API_VERSION) : NULL;
	if (api == NULL) {
		*err = "the library does not serve ONNX Runtime C API version 24 (it is older than 1.24)";
		dlclose(lib);
		return NULL;
	}
	// The library stays loaded for the life of the process: unloading ONNX
	// Runtime while its thread pools' destructors may still run is unsafe.
	*version = base->GetVersionString();
	return api;
}

int fcort_status_code(const void *api, OrtStatus *st) {
	return FN(api, SLOT_GetErrorCode, int (*)(const OrtStatus *))(st);
}

const char *fcort_status_message(const void *api, OrtStatus *st) {
	return FN(api, SLOT_GetErrorMessage, const char *(*)(const OrtStatus *))(st);
}

void fcort_release_status(const void *api, OrtStatus *st) {
	FN(api, SLOT_ReleaseStatus, void (*)(OrtStatus *))(st);
}

OrtStatus *fcort_create_env(const void *api, const char *logid, OrtEnv **out) {
	return FN(api, SLOT_CreateEnv, OrtStatus *(*)(int, const char *, OrtEnv **))(FCORT_LOGGING_LEVEL_ERROR, logid, out);
}

void fcort_release_env(const void *api, OrtEnv *env) {
	FN(api, SLOT_ReleaseEnv, void (*)(OrtEnv *))(env);
}

OrtStatus *fcort_create_session_options(const void *api, OrtSessionOptions **out) {
	return FN(api, SLOT_CreateSessionOptions, OrtStatus *(*)(OrtSessionOptions **))(out);
}

OrtStatus *fcort_set_intra_op_threads(const void *api, OrtSessionOptions *o, int n) {
	return FN(api, SLOT_SetIntraOpNumThreads, OrtStatus *(*)(OrtSessionOptions *, int))(o, n);
}

OrtStatus *fcort_set_inter_op_threads(const void *api, OrtSessionOptions *o, int n) {
	return FN(api, SLOT_SetInterOpNumThreads, OrtStatus *(*)(OrtSessionOptions *, int))(o, n);
}

OrtStatus *fcort_set_sequential(const void *api, OrtSessionOptions *o) {
	return FN(api, SLOT_SetSessionExecutionMode, OrtStatus *(*)(OrtSessionOptions *, int))(o, FCORT_SEQUENTIAL);
}

OrtStatus *fcort_set_optimize_all(const void *api, OrtSessionOptions *o) {
	return FN(api, SLOT_SetSessionGraphOptimizationLevel, OrtStatus *(*)(OrtSessionOptions *, int))(o, FCORT_ENABLE_ALL);
}

OrtStatus *fcort_disable_mem_pattern(const void *api, OrtSessionOptions *o) {
	return FN(api, SLOT_DisableMemPattern, OrtStatus *(*)(OrtSessionOptions *))(o);
}

OrtStatus *fcort_add_config_entry(const void *api, OrtSessionOptions *o, const char *key, const char *value) {
	return FN(api, SLOT_AddSessionConfigEntry, OrtStatus *(*)(OrtSessionOptions *, const char *, const char *))(o, key, value);
}

void fcort_release_session_options(const void *api, OrtSessionOptions *o) {
	FN(api, SLOT_ReleaseSessionOptions, void (*)(OrtSessionOptions *))(o);
}

OrtStatus *fcort_create_session(const void *api, OrtEnv *env, const void *model, size_t len,
                                OrtSessionOptions *o, OrtSession **out) {
	return FN(api, SLOT_CreateSessionFromArray,
	          OrtStatus *(*)(const OrtEnv *, const void *, size_t, const OrtSessionOptions *, OrtSession **))(
	    env, model, len, o, out);
}

void fcort_release_session(const void *api, OrtSession *s) {
	FN(api, SLOT_ReleaseSession, void (*)(OrtSession *))(s);
}

OrtStatus *fcort_input_count(const void *api, OrtSession *s, size_t *n) {
	return FN(api, SLOT_SessionGetInputCount, OrtStatus *(*)(const OrtSession *, size_t *))(s, n);
}

OrtStatus *fcort_output_count(const void *api, OrtSession *s, size_t *n) {
	return FN(api, SLOT_SessionGetOutputCount, OrtStatus *(*)(const OrtSession *, size_t *))(s, n);
}

OrtStatus *fcort_io_name(const void *api, OrtSession *s, int output, size_t i, char **name) {
	*name = NULL;
	OrtAllocator *alloc = NULL;
	OrtStatus *st = FN(api, SLOT_GetAllocatorWithDefaultOptions, OrtStatus *(*)(OrtAllocator **))(&alloc);
	if (st) return st;
	char *ortName = NULL;
	typedef OrtStatus *(*name_fn)(const OrtSession *, size_t, OrtAllocator *, char **);
	st = FN(api, output ? SLOT_SessionGetOutputName : SLOT_SessionGetInputName, name_fn)(s, i, alloc, &ortName);
	if (st) return st;
	*name = strdup(ortName);
	return FN(api, SLOT_AllocatorFree, OrtStatus *(*)(OrtAllocator *, void *))(alloc, ortName);
}

// shape_of reads element type and dimensions from a shape description.
static OrtStatus *shape_of(const void *api, const OrtTensorTypeAndShapeInfo *info, int *elem, int64_t *dims,
                           size_t max_dims, size_t *ndims) {
	OrtStatus *st = FN(api, SLOT_GetTensorElementType, OrtStatus *(*)(const OrtTensorTypeAndShapeInfo *, int *))(info, elem);
	if (st) return st;
	st = FN(api, SLOT_GetDimensionsCount, OrtStatus *(*)(const OrtTensorTypeAndShapeInfo *, size_t *))(info, ndims);
	if (st) return st;
	size_t n = *ndims < max_dims ? *ndims : max_dims;
	return FN(api, SLOT_GetDimensions, OrtStatus *(*)(const OrtTensorTypeAndShapeInfo *, int64_t *, size_t))(info, dims, n);
}

OrtStatus *fcort_io_info(const void *api, OrtSession *s, int output, size_t i, int *is_tensor,
                         int *elem, int64_t *dims, size_t max_dims, size_t *ndims) {
	*is_tensor = 0;
	*ndims = 0;
	OrtTypeInfo *ti = NULL;
	typedef OrtStatus *(*info_fn)(const OrtSession *, size_t, OrtTypeInfo **);
	OrtStatus *st = FN(api, output ? SLOT_SessionGetOutputTypeInfo : SLOT_SessionGetInputTypeInfo, info_fn)(s, i, &ti);
	if (st) return st;
	int kind = 0;
	st = FN(api, SLOT_GetOnnxTypeFromTypeInfo, OrtStatus *(*)(const OrtTypeInfo *, int *))(ti, &kind);
	if (st == NULL && kind == FCORT_TYPE_TENSOR) {
		const OrtTensorTypeAndShapeInfo *tinfo = NULL; // owned by ti
		st = FN(api, SLOT_CastTypeInfoToTensorInfo,
		        OrtStatus *(*)(const OrtTypeInfo *, const OrtTensorTypeAndShapeInfo **))(ti, &tinfo);
		if (st == NULL && tinfo != NULL) {
			*is_tensor = 1;
			st = shape_of(api, tinfo, elem, dims, max_dims, ndims);
		}
	}
	FN(api, SLOT_ReleaseTypeInfo, void (*)(OrtTypeInfo *))(ti);
	return st;
}

OrtStatus *fcort_create_cpu_memory_info(const void *api, OrtMemoryInfo **out) {
	return FN(api, SLOT_CreateCpuMemoryInfo, OrtStatus *(*)(int, int, OrtMemoryInfo **))(
	    FCORT_ARENA_ALLOCATOR, FCORT_MEM_TYPE_DEFAULT, out);
}

OrtStatus *fcort_register_env_arena(const void *api, OrtEnv *env, const OrtMemoryInfo *cpu, int exact) {
	typedef OrtStatus *(*register_fn)(OrtEnv *, const OrtMemoryInfo *, const OrtArenaCfg *);
	if (!exact) {
		// No OrtArenaCfg (NULL): the arena's default settings.
		return FN(api, SLOT_CreateAndRegisterAllocator, register_fn)(env, cpu, NULL);
	}
	const char *keys[] = {"arena_extend_strategy"};
	const size_t values[] = {FCORT_ARENA_SAME_AS_REQUESTED};
	OrtArenaCfg *cfg = NULL;
	OrtStatus *st = FN(api, SLOT_CreateArenaCfgV2,
	                   OrtStatus *(*)(const char *const *, const size_t *, size_t, OrtArenaCfg **))(keys, values, 1, &cfg);
	if (st != NULL) {
		return st;
	}
	st = FN(api, SLOT_CreateAndRegisterAllocator, register_fn)(env, cpu, cfg);
	FN(api, SLOT_ReleaseArenaCfg, void (*)(OrtArenaCfg *))(cfg);
	return st;
}

void fcort_release_memory_info(const void *api, OrtMemoryInfo *m) {
	FN(api, SLOT_ReleaseMemoryInfo, void (*)(OrtMemoryInfo *))(m);
}

OrtStatus *fcort_create_float_tensor(const void *api, OrtMemoryInfo *m, float *data, size_t count,
                                     const int64_t *shape, size_t ndims, OrtValue **out) {
	typedef OrtStatus *(*create_fn)(const OrtMemoryInfo *, void *, size_t, const int64_t *, size_t, int, OrtValue **);
	return FN(api, SLOT_CreateTensorWithDataAsOrtValue, create_fn)(m, data, count * sizeof(float), shape, ndims,
	                                                               FCORT_ELEMENT_FLOAT, out);
}

OrtStatus *fcort_tensor_data(const void *api, OrtValue *v, int *elem, int64_t *dims, size_t max_dims,
                             size_t *ndims, void **data) {
	OrtTensorTypeAndShapeInfo *info = NULL;
	OrtStatus *st = FN(api, SLOT_GetTensorTypeAndShape, OrtStatus *(*)(const OrtValue *, OrtTensorTypeAndShapeInfo **))(v, &info);
	if (st) return st;
	st = shape_of(api, info, elem, dims, max_dims, ndims);
	FN(api, SLOT_ReleaseTensorTypeAndShapeInfo, void (*)(OrtTensorTypeAndShapeInfo *))(info);
	if (st) return st;
	return FN(api, SLOT_GetTensorMutableData, OrtStatus *(*)(OrtValue *, void **))(v, data);
}

void fcort_release_value(const void *api, OrtValue *v) {
	FN(api, SLOT_ReleaseValue, void (*)(OrtValue *))(v);
}

OrtStatus *fcort_create_run_options(const void *api, OrtRunOptions **out) {
	return FN(api, SLOT_CreateRunOptions, OrtStatus *(*)(OrtRunOptions **))(out);
}

OrtStatus *fcort_set_terminate(const void *api, OrtRunOptions *r) {
	return FN(api, SLOT_RunOptionsSetTerminate, OrtStatus *(*)(OrtRunOptions *))(r);
}

OrtStatus *fcort_add_run_config_entry(const void *api, OrtRunOptions *r, const char *key, const char *value) {
	return FN(api, SLOT_AddRunConfigEntry, OrtStatus *(*)(OrtRunOptions *, const char *, const char *))(r, key, value);
}

void fcort_release_run_options(const void *api, OrtRunOptions *r) {
	FN(api, SLOT_ReleaseRunOptions, void (*)(OrtRunOptions *))(r);
}

OrtStatus *fcort_run(const void *api, OrtSession *s, OrtRunOptions *r,
                     const char *const *in_names, OrtValue *const *in, size_t nin,
                     const char *const *out_names, size_t nout, OrtValue **out) {
	typedef OrtStatus *(*run_fn)(OrtSession *, const OrtRunOptions *, const char *const *, const OrtValue *const *,
	                             size_t, const char *const *, size_t, OrtValue **);
	return FN(api, SLOT_Run, run_fn)(s, r, in_names, (const OrtValue *const *)in, nin, out_names, nout, out);
}
