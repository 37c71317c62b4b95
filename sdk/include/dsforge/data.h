/* dsforge/data.h: records and the data component interfaces.
 *
 * Records are UTF-8 text plus metadata (a JSON object with the record's
 * other fields) and where it came from. All record memory belongs to the
 * host: components read records from a borrowed ds_record_batch and write
 * records by copying them into a host-owned ds_batch_builder. Nothing a
 * component allocates crosses the boundary, so nothing needs releasing.
 *
 * A data stage runs: source -> transform* -> sink. Each instance is called
 * from one thread at a time [instance-thread]; different instances may run
 * on different threads.
 */
#ifndef DSFORGE_DATA_H
#define DSFORGE_DATA_H

#include "dsforge/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ds_record {
  ds_str text;   /* UTF-8 (validated by whoever pushed it) */
  ds_str meta;   /* a JSON object, or empty */
  ds_str origin; /* file or URI the record came from, may be empty */
  int64_t line;  /* 1-based line in origin, 0 if unknown */
} ds_record;

/* Borrowed for the duration of the call it is passed to. */
typedef struct ds_record_batch {
  size_t struct_size;
  const ds_record *records;
  size_t count;
} ds_record_batch;

/* Host-owned output of a source or transform. */
typedef struct ds_batch_builder ds_batch_builder;

/* Functions on builders, part of the data vtables' call contract; the host
 * passes them with every call so the data interface needs no global. */
typedef struct ds_builder_api {
  size_t struct_size;
  /* Copies the record (all four fields) into the builder. */
  ds_error *(*push)(ds_batch_builder *b, const ds_record *r);
  /* Counts a dropped record under `reason` ("too_short", "bad_json") for
   * the stage's statistics. `reason` is copied. */
  void (*drop)(ds_batch_builder *b, const char *reason, uint64_t count);
} ds_builder_api;

/* Component kinds (int32_t across the ABI). Later minors add model,
 * optimizer, quantizer and serving kinds. */
enum {
  DS_KIND_SOURCE = 1,
  DS_KIND_TRANSFORM = 2,
  DS_KIND_SINK = 3
};

/* vtable of a DS_KIND_SOURCE component. */
typedef struct ds_source_vtable {
  size_t struct_size;
  /* Pushes up to `max_records` records into `out`. Sets *done to 1 when
   * the source is exhausted (it may push records in the same call). */
  ds_error *(*next)(void *instance, const ds_builder_api *api, ds_batch_builder *out,
                    size_t max_records, int32_t *done);
} ds_source_vtable;

/* vtable of a DS_KIND_TRANSFORM component. */
typedef struct ds_transform_vtable {
  size_t struct_size;
  /* Reads `in`, pushes the records it keeps (possibly changed) to `out`. */
  ds_error *(*process)(void *instance, const ds_record_batch *in, const ds_builder_api *api,
                       ds_batch_builder *out);
  /* Called once after the last batch; pushes anything held back (a
   * shuffle buffer). May be NULL. */
  ds_error *(*flush)(void *instance, const ds_builder_api *api, ds_batch_builder *out);
} ds_transform_vtable;

/* vtable of a DS_KIND_SINK component. */
typedef struct ds_sink_vtable {
  size_t struct_size;
  ds_error *(*write)(void *instance, const ds_record_batch *in);
  /* Makes the output durable and visible (e.g. fsync + rename). A sink
   * destroyed without commit leaves no partial output behind. */
  ds_error *(*commit)(void *instance);
} ds_sink_vtable;

#ifdef __cplusplus
}
#endif
#endif /* DSFORGE_DATA_H */
