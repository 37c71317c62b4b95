/* dsforge/model.h: model blocks as components (1.3).
 *
 * dshost assembles a transformer from a Hugging Face folder: embeddings,
 * norms and the LM head are its own; each layer's attention and MLP are
 * instances of plugin components, and adapters (LoRA) wrap its linear
 * layers. Blocks compute only through ds_tensor_api, so autograd records
 * them and they train with no backward of their own.
 *
 * Lifecycle of a block: create(cfg) with the layer's hyperparameters filled
 * in by the host from config.json (plus the user's settings), then bind()
 * once with its module (weights under a prefix such as
 * "model.layers.3.self_attn."), then forward() any number of times.
 * Threads: one instance is called from one thread at a time.
 */
#ifndef DSFORGE_MODEL_H
#define DSFORGE_MODEL_H

#include "dsforge/host_api.h"
#include "dsforge/status.h"
#include "dsforge/tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

#define DS_KIND_ATTENTION 5 /* vtable: ds_block_vtable */
#define DS_KIND_MLP 6       /* vtable: ds_block_vtable */
#define DS_KIND_ADAPTER 7   /* vtable: ds_adapter_vtable */

/* One place in the model as the host sees it: a weight prefix and the
 * linear layers under it. Owned by the host; valid from bind() until the
 * instance is destroyed. */
typedef struct ds_module ds_module;

/* Served as ds_host_api.module. [the thread calling the block] */
typedef struct ds_module_api {
  size_t struct_size;
  /* "model.layers.3.self_attn." (NUL-terminated, lives with the module). */
  const char *(*prefix)(const ds_module *m);
  /* Whether the weight prefix + name exists ("q_proj.bias"). */
  int32_t (*has_weight)(const ds_module *m, const char *name);
  /* The weight prefix + name: a new reference to the host's parameter
   * (training updates it in place). DS_ERR_NOT_FOUND names the full key and
   * the checkpoint file. */
  ds_error *(*weight)(const ds_module *m, const char *name, ds_tensor **out);
  /* The weight prefix + name if the checkpoint has it; else a new float
   * parameter of `shape` filled with `value`, registered with the model so
   * it is trained and saved (a block's own additions, e.g. head gates). */
  ds_error *(*weight_or_new)(const ds_module *m, const char *name, const int64_t *shape,
                             size_t ndim, double value, ds_tensor **out);
  /* y = x W^T (+ b) for the linear layer prefix + name ("q_proj" uses
   * "q_proj.weight" and "q_proj.bias" if present), through every adapter
   * the host attached to it. Blocks call this rather than ops.linear so
   * that LoRA and quantized weights apply without the block knowing. */
  ds_error *(*linear)(const ds_module *m, const char *name, const ds_tensor *x, ds_tensor **out);
} ds_module_api;

/* Per call of a block. Fields the host does not know are zero. */
typedef struct ds_block_args {
  size_t struct_size;
  /* Absolute position of x's first token (all rows of the batch alike). */
  int64_t position;
  /* RoPE tables for positions position .. position+T-1, [T, rope_dim]
   * float32, "rotate half" layout; NULL when the model has no RoPE. */
  const ds_tensor *rope_cos;
  const ds_tensor *rope_sin;
  /* Multiply the usual 1/sqrt(d) softmax scale by this (YaRN mscale). */
  double softmax_scale_mul;
  /* The block's cache slots for this sequence batch, state_count of them
   * (as state_slots() asked), or NULL when not caching. Slots start NULL;
   * to replace one, release the old handle and store a new reference. */
  ds_tensor **state;
  size_t state_count;
  /* Non-zero while training (dropout, load-balance statistics). */
  int32_t training;
  /* Where an MLP adds an auxiliary loss term (scalar): if *aux_loss is
   * NULL store a new reference, else replace it by the sum. NULL when the
   * caller does not want one. */
  ds_tensor **aux_loss;
} ds_block_args;

/* Attention (DS_KIND_ATTENTION) and MLP (DS_KIND_MLP) blocks. */
typedef struct ds_block_vtable {
  size_t struct_size;
  /* Fetches weights through the module. Called once, before forward. */
  ds_error *(*bind)(void *instance, const ds_module *module);
  /* How many cache slots forward wants per sequence batch (0: none). */
  size_t (*state_slots)(void *instance);
  /* x [B, T, hidden] -> *out [B, T, hidden]. */
  ds_error *(*forward)(void *instance, const ds_module *module, const ds_block_args *args,
                       const ds_tensor *x, ds_tensor **out);
  /* Called by a trainer after each optimizer step (e.g. the MoE routing
   * bias update); may be NULL. */
  ds_error *(*after_step)(void *instance);
} ds_block_vtable;

/* Adapters (DS_KIND_ADAPTER): wrap linear layers of a built model. */
typedef struct ds_adapter_vtable {
  size_t struct_size;
  /* Offered every linear layer, by full name ("model.layers.0.self_attn.q_proj")
   * with its weight's sizes. Sets *attached to 1 when the adapter wraps it,
   * after taking its tensors from `weights` (the adapter file's tensors,
   * keyed as PEFT writes them, prefix "") or making new ones when the file
   * has none. `device`/`dtype` are the base weight's. */
  ds_error *(*attach)(void *instance, const char *linear_name, int64_t in_features,
                      int64_t out_features, int32_t dtype, ds_device device,
                      const ds_module *weights, int32_t *attached);
  /* *out = base_out + the adapter's term for x, for an attached linear. */
  ds_error *(*apply)(void *instance, const char *linear_name, const ds_tensor *x,
                     const ds_tensor *base_out, int32_t training, ds_tensor **out);
  /* The dense weight delta [out, in] that merging adds to the base weight. */
  ds_error *(*delta_weight)(void *instance, const char *linear_name, ds_tensor **out);
  /* Calls emit once per trainable tensor with its file key (PEFT names);
   * the tensor is borrowed for that call. */
  ds_error *(*tensors)(void *instance, void *ctx,
                       void (*emit)(void *ctx, const char *key, ds_tensor *t));
  /* Appends the adapter's config file (adapter_config.json) as JSON. */
  ds_error *(*config_json)(void *instance, ds_buffer *out);
} ds_adapter_vtable;

#ifdef __cplusplus
}
#endif
#endif /* DSFORGE_MODEL_H */
