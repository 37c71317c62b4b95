// model_ops.cpp: the 1.3 ops that attention, MoE and adapter plugins need
// (embedding, gather/index_add for expert routing, top-k, RMSNorm, RoPE,
// SDPA with masks). Each is one ATen call or a short composition of them, so
// autograd records it like any LibTorch module.
#include <ATen/core/grad_mode.h>

#include "runtime/op_support.hpp"

namespace dsforge {
namespace {

ds_error* t_embedding(const ds_tensor* w, const ds_tensor* index, ds_tensor** out) {
  return produce("embedding", out, [&] { return at::embedding(ref(w, "weight"), ref(index, "index")); });
}

ds_error* t_index_select(const ds_tensor* x, int64_t dim, const ds_tensor* index, ds_tensor** out) {
  return produce("index_select", out, [&] { return at::index_select(ref(x), dim, ref(index, "index")); });
}

ds_error* t_gather(const ds_tensor* x, int64_t dim, const ds_tensor* index, ds_tensor** out) {
  return produce("gather", out, [&] { return at::gather(ref(x), dim, ref(index, "index")); });
}

ds_error* t_index_add(const ds_tensor* x, int64_t dim, const ds_tensor* index, const ds_tensor* src,
                      ds_tensor** out) {
  return produce("index_add", out, [&] {
    const at::Tensor& s = ref(src, "src");
    return at::index_add(ref(x), dim, ref(index, "index"), s.to(ref(x).scalar_type()));
  });
}

ds_error* t_topk(const ds_tensor* x, int64_t k, int64_t dim, int32_t largest, ds_tensor** values,
                 ds_tensor** indices) {
  if (values) *values = nullptr;
  if (indices) *indices = nullptr;
  return guarded("topk", [&] {
    auto [v, i] = at::topk(ref(x), k, dim, largest != 0, /*sorted=*/true);
    if (values) *values = new_handle(v);
    if (indices) *indices = new_handle(i);
  });
}

ds_error* t_rms_norm(const ds_tensor* x, const ds_tensor* weight, double eps, ds_tensor** out) {
  return produce("rms_norm", out, [&] { return llama_rms_norm(ref(x), weight ? &ref(weight, "weight") : nullptr, eps); });
}

at::Tensor rotate_half(const at::Tensor& x) {
  int64_t half = x.size(-1) / 2;
  return at::cat({-x.slice(-1, half), x.slice(-1, 0, half)}, -1);
}

ds_error* t_rope(const ds_tensor* x, const ds_tensor* cos, const ds_tensor* sin, int32_t interleaved,
                 ds_tensor** out) {
  return produce("rope", out, [&] {
    at::Tensor v = ref(x);
    int64_t d = v.size(-1);
    if (d % 2 != 0) throw std::invalid_argument(cat("rope: last dim must be even, got ", d));
    if (interleaved != 0) {
      // (x0, x1), (x2, x3) .. -> x0 x2 .. | x1 x3 ..
      auto sizes = v.sizes().vec();
      sizes.back() = d / 2;
      sizes.push_back(2);
      v = v.reshape(sizes).transpose(-1, -2).reshape(v.sizes());
    }
    const at::Tensor& c = ref(cos, "cos");
    const at::Tensor& s = ref(sin, "sin");
    return v * c.to(v.scalar_type()) + rotate_half(v) * s.to(v.scalar_type());
  });
}

// Causal visibility with the queries aligned to the end of the keys.
at::Tensor causal_mask(int64_t tq, int64_t tk, const at::Device& device) {
  auto q = at::arange(tk - tq, tk, at::TensorOptions().dtype(at::kLong).device(device)).unsqueeze(1);
  auto k = at::arange(0, tk, at::TensorOptions().dtype(at::kLong).device(device)).unsqueeze(0);
  return k <= q;
}

ds_error* t_sdpa(const ds_tensor* q, const ds_tensor* k, const ds_tensor* v, const ds_tensor* mask,
                 double scale, int32_t is_causal, ds_tensor** out) {
  return produce("sdpa", out, [&] {
    const at::Tensor& qq = ref(q, "q");
    at::Tensor kk = ref(k, "k");
    at::Tensor vv = ref(v, "v");
    if (qq.dim() != 4 || kk.dim() != 4 || vv.dim() != 4)
      throw std::invalid_argument(cat("q, k, v must be 4-D [B, H, T, D], got ", qq.sizes(), ", ", kk.sizes(), ", ", vv.sizes()));
    int64_t h = qq.size(1), hk = kk.size(1);
    if (hk != vv.size(1) || h % hk != 0)
      throw std::invalid_argument(cat("query heads ", h, " must be a multiple of key/value heads ", hk, " (v has ", vv.size(1), ")"));
    if (h != hk) {
      kk = kk.repeat_interleave(h / hk, 1);
      vv = vv.repeat_interleave(h / hk, 1);
    }
    int64_t tq = qq.size(2), tk = kk.size(2);
    std::optional<at::Tensor> m;
    if (mask) m = ref(mask, "mask").to(at::kBool);
    if (is_causal != 0 && tq > 1) {
      at::Tensor c = causal_mask(tq, tk, qq.device());
      m = m ? at::logical_and(*m, c) : c;
    }
    // Eager math (matmul, float32 softmax, matmul) as Hugging Face's eager
    // attention: a row whose every key is masked yields zeros, not NaN.
    at::Tensor scores = at::matmul(qq, kk.transpose(-1, -2)) * scale;
    if (m) scores = scores.masked_fill(m->logical_not(), -std::numeric_limits<float>::infinity());
    at::Tensor probs = at::softmax(scores, -1, at::promote_types(scores.scalar_type(), at::kFloat));
    if (m) probs = probs.nan_to_num(0.0);
    return at::matmul(probs.to(vv.scalar_type()), vv);
  });
}

ds_error* t_where(const ds_tensor* cond, const ds_tensor* a, const ds_tensor* b, ds_tensor** out) {
  return produce("where", out, [&] { return at::where(ref(cond, "cond").to(at::kBool), ref(a, "a"), ref(b, "b")); });
}

ds_error* t_dropout(const ds_tensor* x, double p, int32_t training, ds_tensor** out) {
  return produce("dropout", out, [&] { return at::dropout(ref(x), p, training != 0); });
}

ds_error* t_assign(ds_tensor* dst, const ds_tensor* src) {
  return guarded("assign", [&] {
    if (dst == nullptr) throw std::invalid_argument("dst is NULL");
    if (dst->read_only) throw std::invalid_argument("dst is read-only");
    const at::Tensor& s = ref(src, "src");
    if (!dst->value.sizes().equals(s.sizes()))
      throw std::invalid_argument(cat("shape ", s.sizes(), " does not match dst ", dst->value.sizes()));
    at::NoGradGuard no_grad;
    dst->value.copy_(s);
  });
}

}  // namespace

void add_model_ops(ds_tensor_api& t) {
  t.embedding = &t_embedding;
  t.index_select = &t_index_select;
  t.gather = &t_gather;
  t.index_add = &t_index_add;
  t.topk = &t_topk;
  t.rms_norm = &t_rms_norm;
  t.rope = &t_rope;
  t.sdpa = &t_sdpa;
  t.where = &t_where;
  t.dropout = &t_dropout;
  t.assign = &t_assign;
}

}  // namespace dsforge
