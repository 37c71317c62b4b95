/* entry_variants.c: one source file, many broken or unusual plugins. Each
 * build defines one VARIANT_* macro (see tests/abi/CMakeLists.txt):
 *   VARIANT_NEWER_MAJOR   declares ABI 2.0            -> refused
 *   VARIANT_NEWER_MINOR   declares ABI 1.99           -> refused
 *   VARIANT_SMALL_ENTRY   struct_size 16              -> refused "expected N, got M"
 *   VARIANT_FUTURE_ENTRY  a larger entry (new fields) -> accepted
 *   VARIANT_NULL_INIT     init is NULL                -> refused
 *   VARIANT_INIT_FAILS    init returns an error       -> refused with its message
 *   VARIANT_DUPLICATE     a source named "dup_source"; built twice under two names
 *   VARIANT_NO_ENTRY      exports a different symbol  -> "does not export"
 */
#include <dsforge/dsforge.h>
#include <string.h>

static const ds_host_api *g_host;

static ds_error *init(const ds_host_api *host, uint32_t minor, void **ctx) {
  (void)minor;
  g_host = host;
  *ctx = NULL;
#ifdef VARIANT_INIT_FAILS
  return host->error_new(DS_ERR_UNSUPPORTED, "this plugin needs a GPU and none was found");
#else
  return NULL;
#endif
}
static void deinit(void *ctx) { (void)ctx; }

static ds_error *create(void *ctx, const ds_config *cfg, void **inst) {
  static int instance;
  (void)ctx;
  (void)cfg;
  *inst = &instance;
  return NULL;
}
static void destroy(void *inst) { (void)inst; }
static ds_error *next(void *inst, const ds_builder_api *api, ds_batch_builder *out, size_t max, int32_t *done) {
  (void)inst;
  (void)api;
  (void)out;
  (void)max;
  *done = 1;
  return NULL;
}

static const ds_source_vtable vtable = {sizeof(ds_source_vtable), next};
#ifndef COMPONENT_NAME
#define COMPONENT_NAME "variant_source"
#endif
static const ds_component_desc component = {sizeof(ds_component_desc), DS_KIND_SOURCE, COMPONENT_NAME, "1.0.0",
                                            "test source", "{}", create, destroy, &vtable};
static size_t count(void *ctx) { (void)ctx; return 1; }
static const ds_component_desc *at(void *ctx, size_t i) { (void)ctx; return i == 0 ? &component : NULL; }

/* An entry from a future minor: the 1.1 fields, then two more. */
typedef struct future_entry {
  ds_plugin_entry base;
  const char *homepage;
  void (*some_future_callback)(void);
} future_entry;

#ifndef LIBRARY_NAME
#define LIBRARY_NAME "abi-variant"
#endif

#ifdef VARIANT_NO_ENTRY
DS_EXPORT const ds_plugin_entry *not_the_entry_symbol(void);
DS_EXPORT const ds_plugin_entry *not_the_entry_symbol(void) { return NULL; }
#else
DS_EXPORT const ds_plugin_entry *dsforge_plugin_entry(void);
DS_EXPORT const ds_plugin_entry *dsforge_plugin_entry(void) {
  static future_entry e;
  memset(&e, 0, sizeof e);
  e.base.struct_size = sizeof(ds_plugin_entry);
  e.base.abi_major = DS_ABI_MAJOR;
  e.base.abi_minor = DS_ABI_MINOR;
  e.base.name = LIBRARY_NAME;
  e.base.version = "1.0.0";
  e.base.init = init;
  e.base.deinit = deinit;
  e.base.component_count = count;
  e.base.component_at = at;
  e.base.license = "MIT";
#if defined(VARIANT_NEWER_MAJOR)
  e.base.abi_major = DS_ABI_MAJOR + 1;
  e.base.abi_minor = 0;
#elif defined(VARIANT_NEWER_MINOR)
  e.base.abi_minor = 99;
#elif defined(VARIANT_SMALL_ENTRY)
  e.base.struct_size = 16;
#elif defined(VARIANT_FUTURE_ENTRY)
  e.base.struct_size = sizeof(future_entry);
  e.homepage = "https://example.invalid";
#elif defined(VARIANT_NULL_INIT)
  e.base.init = NULL;
#endif
  return &e.base;
}
#endif
