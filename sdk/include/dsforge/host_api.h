/* dsforge/host_api.h: what the host gives every plugin.
 *
 * The host passes one ds_host_api to the plugin's init(). It lives until the
 * plugin's deinit() returns. The table only grows at the end: check
 * DS_HAS_FIELD(host, ds_host_api, field) before using a field added after 1.0.
 */
#ifndef DSFORGE_HOST_API_H
#define DSFORGE_HOST_API_H

#include "dsforge/status.h"
#include "dsforge/tensor.h"
#include "dsforge/version.h"

#ifdef __cplusplus
extern "C" {
#endif

enum {
  DS_LOG_DEBUG = 0,
  DS_LOG_INFO = 1,
  DS_LOG_WARN = 2,
  DS_LOG_ERROR = 3
};

/* A component's validated configuration (JSON values, defaults from the
 * schema filled in). Borrowed: valid only during the create() call it is
 * passed to; copy what you keep. Keys are JSON Pointers (RFC 6901), e.g.
 * "/text_field" or "/targets/0". */
typedef struct ds_config ds_config;

/* Progress of one long task (1.1). */
typedef struct ds_progress ds_progress;

/* A growable byte buffer owned by the host (1.2). Functions that return
 * variable-size data (token ids, decoded text) append to one the caller
 * passes in, so the plugin allocates nothing the host must free. */
typedef struct ds_buffer ds_buffer;

typedef struct ds_host_api {
  size_t struct_size;
  uint32_t abi_major; /* DS_ABI_MAJOR of the host */
  uint32_t abi_minor; /* the minor this table speaks: the lower of the host's
                         and the plugin's (the one passed to init) */

  /* --- errors [thread-safe] ------------------------------------------- */
  /* New error; `message` is copied. The receiver frees it. */
  ds_error *(*error_new)(int32_t code, const char *message);
  int32_t (*error_code)(const ds_error *e);
  /* NUL-terminated; valid until error_free(e). */
  const char *(*error_message)(const ds_error *e);
  void (*error_free)(ds_error *e); /* NULL is a no-op */

  /* --- logging [thread-safe] ----------------------------------------- */
  /* `component` and `message` are NUL-terminated and copied. */
  void (*log)(int32_t level, const char *component, const char *message);

  /* --- configuration [the thread that called create] ----------------- */
  /* Whole config as compact JSON, NUL-terminated, borrowed like `cfg`. */
  const char *(*config_json)(const ds_config *cfg);
  /* Each getter fails with DS_ERR_NOT_FOUND for a missing key and
   * DS_ERR_INVALID_ARGUMENT for a value of another type. Strings are
   * borrowed like `cfg`. */
  int32_t (*config_has)(const ds_config *cfg, const char *pointer);
  ds_error *(*config_string)(const ds_config *cfg, const char *pointer, ds_str *out);
  ds_error *(*config_int)(const ds_config *cfg, const char *pointer, int64_t *out);
  ds_error *(*config_double)(const ds_config *cfg, const char *pointer, double *out);
  ds_error *(*config_bool)(const ds_config *cfg, const char *pointer, int32_t *out);
  /* Number of elements of an array value. */
  ds_error *(*config_array_size)(const ds_config *cfg, const char *pointer, size_t *out);

  /* --- tensors [thread-safe] ----------------------------------------- */
  const ds_tensor_api *tensor;

  /* --- 1.1: progress of long work [thread-safe] ---------------------- */
  /* `total` 0 means unknown. `unit` ("docs", "MB") is copied. The host
   * draws a bar with rate and ETA, or JSON lines, or nothing (--quiet). */
  ds_progress *(*progress_begin)(const char *label, uint64_t total, const char *unit);
  void (*progress_advance)(ds_progress *p, uint64_t done_delta);
  /* Prints the one-line summary and frees p. */
  void (*progress_end)(ds_progress *p);

  /* --- 1.2: buffers [the thread that owns the buffer] ----------------- */
  /* Appends `size` bytes (copied). Fails only with DS_ERR_OUT_OF_MEMORY. */
  ds_error *(*buffer_append)(ds_buffer *b, const void *data, size_t size);

  /* --- 1.2: statistics [thread-safe] ----------------------------------- */
  /* Adds `n` to the counter `name` ("clusters", "tokens") of the component
   * instance the host is calling on this thread; stats.json shows it under
   * that step's "counters". Outside a call from the host it does nothing.
   * `name` is copied. */
  void (*stat_add)(const char *name, uint64_t n);

  /* --- 1.3: model blocks (model.h) ------------------------------------ */
  /* What attention, MLP and adapter components use to reach their weights
   * and linear layers. */
  const struct ds_module_api *module;
} ds_host_api;

#ifdef __cplusplus
}
#endif
#endif /* DSFORGE_HOST_API_H */
