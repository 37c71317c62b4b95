/* dsforge/tensor.h: tensors as opaque, reference-counted handles, and the
 * host's op table.
 *
 * A plugin never links LibTorch. It computes on ds_tensor handles through
 * ds_tensor_api. The host records every op in its autograd graph, so a plugin
 * written only with these ops trains without a backward of its own.
 * For raw kernels, export a DLPack view (to_dlpack) and import results back.
 *
 * Ownership: every function that returns a ds_tensor* through an out
 * parameter gives the caller one reference; drop it with release(). Input
 * handles are borrowed for the duration of the call.
 * Threads: all functions are [thread-safe]; one tensor may be read from many
 * threads but must not be written (backward, set_requires_grad) concurrently.
 */
#ifndef DSFORGE_TENSOR_H
#define DSFORGE_TENSOR_H

#include "dsforge/dlpack.h"
#include "dsforge/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ds_tensor ds_tensor;

/* Element types (int32_t across the ABI). */
enum {
  DS_DTYPE_F32 = 0,
  DS_DTYPE_F64 = 1,
  DS_DTYPE_F16 = 2,
  DS_DTYPE_BF16 = 3,
  DS_DTYPE_I64 = 4,
  DS_DTYPE_I32 = 5,
  DS_DTYPE_I8 = 6,
  DS_DTYPE_U8 = 7,
  DS_DTYPE_BOOL = 8
};

/* Device types use DLPack's codes: kDLCPU = 1, kDLCUDA = 2. */
typedef struct ds_device {
  int32_t type;
  int32_t index;
} ds_device;

/* Elementwise ops with one input. */
enum {
  DS_UNARY_NEG = 0,
  DS_UNARY_EXP = 1,
  DS_UNARY_LOG = 2,
  DS_UNARY_SQRT = 3,
  DS_UNARY_RSQRT = 4,
  DS_UNARY_ABS = 5,
  DS_UNARY_TANH = 6,
  DS_UNARY_SIGMOID = 7,
  DS_UNARY_RELU = 8,
  DS_UNARY_GELU = 9,
  DS_UNARY_SILU = 10,
  DS_UNARY_SQUARE = 11
};

/* Elementwise ops with two inputs (NumPy broadcasting). */
enum {
  DS_BINARY_ADD = 0,
  DS_BINARY_SUB = 1,
  DS_BINARY_MUL = 2,
  DS_BINARY_DIV = 3,
  DS_BINARY_MAXIMUM = 4,
  DS_BINARY_MINIMUM = 5,
  DS_BINARY_POW = 6
};

/* Reductions over a list of dims (an empty list reduces over all dims). */
enum {
  DS_REDUCE_SUM = 0,
  DS_REDUCE_MEAN = 1,
  DS_REDUCE_MAX = 2,
  DS_REDUCE_MIN = 3
};

/* The op table. Unknown op codes return DS_ERR_UNSUPPORTED, so a plugin can
 * probe for ops added in later minors. Every out parameter is set to NULL on
 * error. */
typedef struct ds_tensor_api {
  size_t struct_size;

  /* --- lifetime and inspection -------------------------------------- */
  void (*retain)(ds_tensor *t);  /* +1 reference */
  void (*release)(ds_tensor *t); /* -1 reference; NULL is a no-op */
  int32_t (*dtype)(const ds_tensor *t);
  ds_device (*device)(const ds_tensor *t);
  int64_t (*ndim)(const ds_tensor *t);
  /* Size of dim d (negative d counts from the end); -1 if out of range. */
  int64_t (*size)(const ds_tensor *t, int64_t d);
  int64_t (*numel)(const ds_tensor *t);

  /* --- creation ------------------------------------------------------ */
  ds_error *(*full)(const int64_t *shape, size_t ndim, double value, int32_t dtype,
                    ds_device device, ds_tensor **out);
  /* Copies `bytes` bytes of row-major data into a new tensor. */
  ds_error *(*from_data)(const void *data, size_t bytes, const int64_t *shape, size_t ndim,
                         int32_t dtype, ds_device device, ds_tensor **out);
  /* Copies the tensor's elements (row-major, its own dtype) into dst. */
  ds_error *(*to_data)(const ds_tensor *t, void *dst, size_t bytes);
  /* Normal(0, 1) samples from a generator seeded with `seed`. */
  ds_error *(*randn)(const int64_t *shape, size_t ndim, uint64_t seed, int32_t dtype,
                     ds_device device, ds_tensor **out);

  /* --- math ---------------------------------------------------------- */
  ds_error *(*unary)(int32_t op, const ds_tensor *x, ds_tensor **out);
  ds_error *(*binary)(int32_t op, const ds_tensor *a, const ds_tensor *b, ds_tensor **out);
  /* x * scale + shift, one fused call for the common scalar cases. */
  ds_error *(*affine_scalar)(const ds_tensor *x, double scale, double shift, ds_tensor **out);
  ds_error *(*matmul)(const ds_tensor *a, const ds_tensor *b, ds_tensor **out);
  /* y = x @ w^T + bias; w (out, in), bias (out) or NULL. */
  ds_error *(*linear)(const ds_tensor *x, const ds_tensor *w, const ds_tensor *bias,
                      ds_tensor **out);
  ds_error *(*reduce)(int32_t op, const ds_tensor *x, const int64_t *dims, size_t ndims,
                      int32_t keepdim, ds_tensor **out);
  ds_error *(*softmax)(const ds_tensor *x, int64_t dim, ds_tensor **out);
  ds_error *(*log_softmax)(const ds_tensor *x, int64_t dim, ds_tensor **out);
  ds_error *(*cast)(const ds_tensor *x, int32_t dtype, ds_tensor **out);

  /* --- shape --------------------------------------------------------- */
  ds_error *(*reshape)(const ds_tensor *x, const int64_t *shape, size_t ndim, ds_tensor **out);
  ds_error *(*transpose)(const ds_tensor *x, int64_t d0, int64_t d1, ds_tensor **out);
  ds_error *(*permute)(const ds_tensor *x, const int64_t *dims, size_t ndim, ds_tensor **out);
  ds_error *(*contiguous)(const ds_tensor *x, ds_tensor **out);
  /* Elements start, start+step, ... < end along dim. */
  ds_error *(*slice)(const ds_tensor *x, int64_t dim, int64_t start, int64_t end, int64_t step,
                     ds_tensor **out);
  ds_error *(*cat)(const ds_tensor *const *xs, size_t n, int64_t dim, ds_tensor **out);

  /* --- autograd ------------------------------------------------------ */
  ds_error *(*set_requires_grad)(ds_tensor *t, int32_t requires_grad);
  int32_t (*requires_grad)(const ds_tensor *t);
  /* Backpropagates from a scalar tensor into the leaves' .grad. */
  ds_error *(*backward)(const ds_tensor *loss);
  /* The accumulated gradient of a leaf; *out is NULL when there is none. */
  ds_error *(*grad)(const ds_tensor *t, ds_tensor **out);
  /* A tensor sharing storage, cut from the graph. */
  ds_error *(*detach)(const ds_tensor *t, ds_tensor **out);

  /* --- DLPack (zero-copy) -------------------------------------------- */
  /* A view of t's memory. The caller owns *out and calls its deleter
   * exactly once; the data stays alive until then. Flags READ_ONLY when
   * `read_only` is non-zero (the host then refuses writes it can see).
   * Fails with DS_ERR_INVALID_ARGUMENT for a tensor that requires grad,
   * since raw writes would bypass autograd. */
  ds_error *(*to_dlpack)(const ds_tensor *t, int32_t read_only, DLManagedTensorVersioned **out);
  /* Wraps foreign memory without copying. On success the host owns `in`
   * and calls its deleter exactly once when the last handle is released;
   * on error the caller still owns it. Major version must be 1. */
  ds_error *(*from_dlpack)(DLManagedTensorVersioned *in, ds_tensor **out);

  /* --- 1.3: ops for model blocks (attention, MoE, adapters) --------- */
  /* Rows of x along dim 0 for an int64 index of any shape:
   * out shape = index.shape + x.shape[1:] (an embedding lookup). */
  ds_error *(*embedding)(const ds_tensor *weight, const ds_tensor *index, ds_tensor **out);
  /* Slices of x along dim at a 1-D int64 index. */
  ds_error *(*index_select)(const ds_tensor *x, int64_t dim, const ds_tensor *index,
                            ds_tensor **out);
  /* out[i][j] = x[i][index[i][j]] for dim 1 (torch.gather semantics). */
  ds_error *(*gather)(const ds_tensor *x, int64_t dim, const ds_tensor *index, ds_tensor **out);
  /* A copy of x with src added at the 1-D int64 index along dim
   * (torch.index_add, out of place; repeated indices accumulate). */
  ds_error *(*index_add)(const ds_tensor *x, int64_t dim, const ds_tensor *index,
                         const ds_tensor *src, ds_tensor **out);
  /* The k largest (largest != 0) or smallest entries along dim, sorted
   * descending/ascending; indices are int64. Either out may be NULL. */
  ds_error *(*topk)(const ds_tensor *x, int64_t k, int64_t dim, int32_t largest,
                    ds_tensor **values, ds_tensor **indices);
  /* weight * x / sqrt(mean(x^2, -1) + eps), computed in float32 and cast
   * back to x's dtype before the weight multiply (as Llama's RMSNorm).
   * weight may be NULL. */
  ds_error *(*rms_norm)(const ds_tensor *x, const ds_tensor *weight, double eps, ds_tensor **out);
  /* Rotary embedding of x [..., T, D] with cos/sin broadcastable to
   * [..., T, D] in the "rotate half" layout (cos = [c, c]). interleaved != 0
   * first regroups x's pairs (x0,x1),(x2,x3).. into halves, as DeepSeek's
   * rope_interleave; the output keeps the halves layout, which leaves q.k
   * dot products unchanged as long as q and k get the same treatment. */
  ds_error *(*rope)(const ds_tensor *x, const ds_tensor *cos, const ds_tensor *sin,
                    int32_t interleaved, ds_tensor **out);
  /* Scaled dot-product attention. q [B, H, Tq, E], k [B, Hk, Tk, E],
   * v [B, Hk, Tk, Ev]; H a multiple of Hk (grouped-query heads share k/v).
   * is_causal != 0 lets query i see keys j <= i + (Tk - Tq), i.e. the
   * queries are the last Tq positions of the keys. mask (bool, broadcastable
   * to [B, H, Tq, Tk], true = may attend) is ANDed with that; may be NULL.
   * Softmax runs in float32. Out [B, H, Tq, Ev]. */
  ds_error *(*sdpa)(const ds_tensor *q, const ds_tensor *k, const ds_tensor *v,
                    const ds_tensor *mask, double scale, int32_t is_causal, ds_tensor **out);
  /* cond ? a : b, elementwise with broadcasting; cond is bool. */
  ds_error *(*where)(const ds_tensor *cond, const ds_tensor *a, const ds_tensor *b,
                     ds_tensor **out);
  /* Inverted dropout with probability p; the identity when training == 0. */
  ds_error *(*dropout)(const ds_tensor *x, double p, int32_t training, ds_tensor **out);
  /* Copies src's values into dst in place, outside autograd (bias
   * updates, adapter merges). Shapes must match; dtypes are converted. */
  ds_error *(*assign)(ds_tensor *dst, const ds_tensor *src);
} ds_tensor_api;

#ifdef __cplusplus
}
#endif
#endif /* DSFORGE_TENSOR_H */
