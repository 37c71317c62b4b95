/* mlp_probe.h: a test-only component kind. Kinds the host does not know are
 * loaded and listed but never run by pipelines, so tests can reach a
 * plugin's own functions through the ordinary entry point. */
#ifndef DSFORGE_TEST_MLP_PROBE_H
#define DSFORGE_TEST_MLP_PROBE_H

#include <dsforge/dsforge.h>

#define TEST_KIND_MLP 1000

typedef struct mlp_probe_vtable {
  size_t struct_size;
  /* y = relu(x @ w1^T + b1) @ w2^T + b2 and loss = mean(y^2), computed only
   * with the host's op table. params = {w1, b1, w2, b2}. */
  ds_error *(*forward)(void *instance, const ds_tensor *const *params, const ds_tensor *x, ds_tensor **y,
                       ds_tensor **loss);
} mlp_probe_vtable;

#endif
