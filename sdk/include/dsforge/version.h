/* dsforge/version.h: the ABI version a plugin is compiled against.
 *
 * Rules (see docs/abi.md):
 *   - The host refuses a plugin whose major differs from its own, or whose
 *     minor is above its own. Otherwise both speak the lower minor.
 *   - A minor release only appends fields to structs that start with
 *     struct_size; it never reorders, removes or retypes a field.
 *
 * History
 *   1.0  entry point, components, records, host API, tensor op table, DLPack.
 *   1.1  ds_plugin_entry.license; ds_host_api.progress_begin/advance/end.
 *   1.2  ds_component_desc.flags (DS_COMPONENT_PARALLEL); DS_KIND_TOKENIZER
 *        (tokenizer.h); ds_host_api.buffer_append for variable-size output;
 *        ds_host_api.stat_add for counters in stats.json.
 *   1.3  model blocks (model.h): DS_KIND_ATTENTION, DS_KIND_MLP,
 *        DS_KIND_ADAPTER, ds_host_api.module; ds_tensor_api grows by
 *        embedding .. assign.
 */
#ifndef DSFORGE_VERSION_H
#define DSFORGE_VERSION_H

#include <stddef.h>

#define DS_ABI_MAJOR 1
#define DS_ABI_MINOR 3

/* True when a struct received from the other side is large enough to hold
 * FIELD. Check it before reading any field added after 1.0. */
#define DS_HAS_FIELD(ptr, type, field)                                   \
  ((ptr) != 0 &&                                                         \
   (ptr)->struct_size >= offsetof(type, field) + sizeof(((type *)0)->field))

#endif /* DSFORGE_VERSION_H */
