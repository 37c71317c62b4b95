/* dsforge_v1_0.h: the ABI 1.0 entry structs, frozen as released. Kept
 * forever: the old-minor test plugin is built against this, never against
 * sdk/include, to prove a 1.0 plugin keeps loading in newer hosts.
 * Only what a minimal source plugin touches is here. */
#ifndef DSFORGE_V1_0_H
#define DSFORGE_V1_0_H

#include <stddef.h>
#include <stdint.h>

typedef struct ds_error ds_error;
typedef struct ds_config ds_config;
typedef struct ds_str { const char *data; size_t size; } ds_str;

typedef struct ds_host_api_v1_0 {
  size_t struct_size;
  uint32_t abi_major, abi_minor;
  ds_error *(*error_new)(int32_t code, const char *message);
  int32_t (*error_code)(const ds_error *e);
  const char *(*error_message)(const ds_error *e);
  void (*error_free)(ds_error *e);
  void (*log)(int32_t level, const char *component, const char *message);
  const char *(*config_json)(const ds_config *cfg);
  int32_t (*config_has)(const ds_config *cfg, const char *pointer);
  ds_error *(*config_string)(const ds_config *cfg, const char *pointer, ds_str *out);
  ds_error *(*config_int)(const ds_config *cfg, const char *pointer, int64_t *out);
  ds_error *(*config_double)(const ds_config *cfg, const char *pointer, double *out);
  ds_error *(*config_bool)(const ds_config *cfg, const char *pointer, int32_t *out);
  ds_error *(*config_array_size)(const ds_config *cfg, const char *pointer, size_t *out);
  const void *tensor;
} ds_host_api_v1_0;

typedef struct ds_record { ds_str text, meta, origin; int64_t line; } ds_record;
typedef struct ds_batch_builder ds_batch_builder;
typedef struct ds_builder_api {
  size_t struct_size;
  ds_error *(*push)(ds_batch_builder *b, const ds_record *r);
  void (*drop)(ds_batch_builder *b, const char *reason, uint64_t count);
} ds_builder_api;
typedef struct ds_source_vtable {
  size_t struct_size;
  ds_error *(*next)(void *instance, const ds_builder_api *api, ds_batch_builder *out,
                    size_t max_records, int32_t *done);
} ds_source_vtable;

typedef struct ds_component_desc {
  size_t struct_size;
  int32_t kind;
  const char *name, *version, *summary, *config_schema;
  ds_error *(*create)(void *plugin_ctx, const ds_config *cfg, void **instance);
  void (*destroy)(void *instance);
  const void *vtable;
} ds_component_desc;

typedef struct ds_plugin_entry_v1_0 {
  size_t struct_size;
  uint32_t abi_major, abi_minor;
  const char *name, *version;
  ds_error *(*init)(const ds_host_api_v1_0 *host, uint32_t host_minor, void **plugin_ctx);
  void (*deinit)(void *plugin_ctx);
  size_t (*component_count)(void *plugin_ctx);
  const ds_component_desc *(*component_at)(void *plugin_ctx, size_t i);
} ds_plugin_entry_v1_0;

#endif
