/* old_minor.c: a plugin built against the frozen ABI 1.0 header. Its source
 * emits one record describing the host table it was given, so the test can
 * check that a 1.0 plugin sees a 1.0-sized table. */
#include <stdio.h>
#include <string.h>

#include "dsforge_v1_0.h"

static const ds_host_api_v1_0 *g_host;
static uint32_t g_minor;

static ds_error *init(const ds_host_api_v1_0 *host, uint32_t minor, void **ctx) {
  g_host = host;
  g_minor = minor;
  *ctx = NULL;
  return NULL;
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
  char text[128];
  ds_record r;
  (void)inst;
  (void)max;
  /* The op table starts with its struct_size too (ds_tensor_api). */
  size_t tensor_size = g_host->tensor ? *(const size_t *)g_host->tensor : 0;
  snprintf(text, sizeof text, "host_api_size=%zu negotiated_minor=%u tensor_api_size=%zu", g_host->struct_size,
           (unsigned)g_minor, tensor_size);
  memset(&r, 0, sizeof r);
  r.text.data = text;
  r.text.size = strlen(text);
  *done = 1;
  return api->push(out, &r);
}

static const ds_source_vtable vtable = {sizeof(ds_source_vtable), next};
static const ds_component_desc component = {sizeof(ds_component_desc), 1, "old_minor_probe", "1.0.0",
                                            "reports what a 1.0 plugin sees", "{}", create, destroy, &vtable};

static size_t count(void *ctx) { (void)ctx; return 1; }
static const ds_component_desc *at(void *ctx, size_t i) { (void)ctx; return i == 0 ? &component : NULL; }

__attribute__((visibility("default"))) const ds_plugin_entry_v1_0 *dsforge_plugin_entry(void) {
  static const ds_plugin_entry_v1_0 entry = {sizeof(ds_plugin_entry_v1_0), 1, 0, "abi-old-minor", "1.0.0",
                                             init, deinit, count, at};
  return &entry;
}
