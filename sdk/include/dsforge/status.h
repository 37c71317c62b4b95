/* dsforge/status.h: status codes, error objects and borrowed strings.
 *
 * Errors are values. A function that can fail returns a ds_error*: NULL means
 * success, anything else is an error object that the *receiver* frees with
 * ds_host_api.error_free. Errors are created only by the host
 * (ds_host_api.error_new), so both sides agree on one allocator.
 */
#ifndef DSFORGE_STATUS_H
#define DSFORGE_STATUS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Status codes cross the ABI as int32_t; new codes may be added in minors,
 * so treat unknown codes as DS_ERR_INTERNAL. */
enum {
  DS_OK = 0,
  DS_ERR_INVALID_ARGUMENT = 1, /* caller passed something wrong (config, shape) */
  DS_ERR_NOT_FOUND = 2,        /* file, key, component or op does not exist */
  DS_ERR_UNSUPPORTED = 3,      /* valid request this side cannot do (dtype, op) */
  DS_ERR_IO = 4,               /* reading or writing a file failed */
  DS_ERR_BAD_DATA = 5,         /* input data is malformed (JSON, UTF-8) */
  DS_ERR_OUT_OF_MEMORY = 6,
  DS_ERR_VERSION = 7,          /* ABI or format version mismatch */
  DS_ERR_CANCELLED = 8,
  DS_ERR_INTERNAL = 9          /* a bug: an exception escaped, a broken invariant */
};

/* Opaque error object, owned by whoever receives it. */
typedef struct ds_error ds_error;

/* A borrowed UTF-8 string with an explicit length; not NUL-terminated unless
 * a function says so. Its lifetime is stated by whoever hands it out. */
typedef struct ds_str {
  const char *data;
  size_t size;
} ds_str;

#ifdef __cplusplus
}
#endif
#endif /* DSFORGE_STATUS_H */
