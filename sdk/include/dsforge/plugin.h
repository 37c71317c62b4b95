/* dsforge/plugin.h: the one symbol a plugin library exports, and the
 * descriptors of the components it holds.
 *
 * The host dlopen()s the library (absolute path, RTLD_NOW | RTLD_LOCAL),
 * looks up DS_PLUGIN_ENTRY_SYMBOL, calls it, and validates the returned
 * entry before calling anything else:
 *   - entry->abi_major must equal the host's, entry->abi_minor must not be
 *     above the host's; else the library is refused with both versions.
 *   - entry->struct_size must cover the 1.0 fields.
 * Then init(), then components are listed, created and destroyed; deinit()
 * runs at shutdown, once, before the library is unloaded.
 */
#ifndef DSFORGE_PLUGIN_H
#define DSFORGE_PLUGIN_H

#include "dsforge/data.h"
#include "dsforge/host_api.h"
#include "dsforge/model.h"
#include "dsforge/status.h"
#include "dsforge/tokenizer.h"
#include "dsforge/version.h"

#ifdef __cplusplus
extern "C" {
#endif

#define DS_PLUGIN_ENTRY_SYMBOL "dsforge_plugin_entry"

/* Component flags (1.2), a bit set. */
/* The host may create several instances of this transform and call
 * process() on different batches at the same time, one thread per instance.
 * It keeps the output in input order. Set it only when process() keeps no
 * state across batches that changes its output, and flush() is NULL. */
#define DS_COMPONENT_PARALLEL ((uint64_t)1 << 0)

/* Static description of one component. All strings are NUL-terminated and
 * live as long as the library stays loaded. */
typedef struct ds_component_desc {
  size_t struct_size;
  int32_t kind;          /* DS_KIND_* */
  const char *name;      /* unique across loaded plugins, e.g. "jsonl" */
  const char *version;   /* the component's own version, "1.2.0" */
  const char *summary;   /* one line for `dshost plugins` */
  /* JSON Schema (draft 2020-12 subset: type, properties, required,
   * additionalProperties, enum, minimum, maximum, items, default,
   * description) of the component's config table. */
  const char *config_schema;
  /* Makes an instance. [main-thread] `cfg` is borrowed for this call.
   * On failure returns an error and leaves *instance untouched. */
  ds_error *(*create)(void *plugin_ctx, const ds_config *cfg, void **instance);
  /* Frees an instance. [instance-thread] Never fails. */
  void (*destroy)(void *instance);
  /* ds_source_vtable, ds_transform_vtable, ds_sink_vtable or
   * ds_tokenizer_vtable by kind. Every vtable starts with struct_size. */
  const void *vtable;
  /* --- 1.2 ---------------------------------------------------------- */
  uint64_t flags; /* DS_COMPONENT_* */
} ds_component_desc;

typedef struct ds_plugin_entry {
  size_t struct_size;
  uint32_t abi_major; /* DS_ABI_MAJOR the plugin was built with */
  uint32_t abi_minor; /* DS_ABI_MINOR the plugin was built with */
  const char *name;    /* library name, "dsforge-data" */
  const char *version; /* library version */
  /* Called once before anything else. [main-thread] `host` stays valid
   * until deinit returns; `host_minor` is the minor both sides speak
   * (the lower one). *plugin_ctx is passed back to every later call. */
  ds_error *(*init)(const ds_host_api *host, uint32_t host_minor, void **plugin_ctx);
  /* Called once at shutdown. [main-thread] */
  void (*deinit)(void *plugin_ctx);
  size_t (*component_count)(void *plugin_ctx);
  /* NULL when i is out of range. The pointer lives as long as the library. */
  const ds_component_desc *(*component_at)(void *plugin_ctx, size_t i);
  /* --- 1.1 ---------------------------------------------------------- */
  const char *license; /* SPDX id, e.g. "Apache-2.0"; may be NULL */
} ds_plugin_entry;

/* Type of the exported function. It must not fail and has no side effects. */
typedef const ds_plugin_entry *(*ds_plugin_entry_fn)(void);

/* Put DS_EXPORT on the entry function; build with -fvisibility=hidden. */
#if defined(_WIN32)
#define DS_EXPORT __declspec(dllexport)
#else
#define DS_EXPORT __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
}
#endif
#endif /* DSFORGE_PLUGIN_H */
