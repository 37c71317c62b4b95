// sliding_window_attention.cpp: the `sliding_window` block (Mistral-style
// local attention, plus global tokens that every later query sees). The mask
// is built from absolute positions, so it stays right after the cache has
// dropped keys that fell out of the window.
#include <algorithm>
#include <cmath>
#include <memory>

#include "attention_variants.hpp"

namespace dsattn {

SlidingWindowAttention::SlidingWindowAttention(const ds::Config& cfg)
    : shape_(cfg), window_(cfg.integer("/window")) {
  if (cfg.has("/global_tokens")) global_positions_ = cfg.integers("/global_tokens");
  std::sort(global_positions_.begin(), global_positions_.end());
  double ratio = cfg.has("/global_ratio") ? cfg.number("/global_ratio") : 0.0;
  global_prefix_ = static_cast<int64_t>(std::ceil(ratio * static_cast<double>(window_)));
}

void SlidingWindowAttention::bind(const ds::Module& m) {
  for (const char* w : {"q_proj.weight", "k_proj.weight", "v_proj.weight", "o_proj.weight"}) m.weight(w);
}

bool SlidingWindowAttention::is_global(int64_t pos) const {
  return pos < global_prefix_ || std::binary_search(global_positions_.begin(), global_positions_.end(), pos);
}

bool SlidingWindowAttention::visible(int64_t q, int64_t k) const {
  return k <= q && (q - k < window_ || is_global(k));
}

ds::Tensor SlidingWindowAttention::forward(const ds::Module& m, const ds_block_args& a, const ds::Tensor& x) {
  const int64_t t = x.size(1);
  ds::State state(a);
  // Positions of the keys already cached, then of the new ones.
  std::vector<int64_t> key_pos;
  if (ds::Tensor cached = state.get(2)) key_pos = cached.to_i64();
  for (int64_t i = 0; i < t; ++i) key_pos.push_back(a.position + i);

  Projected p = project_qkv(shape_, m, a, x);
  const int64_t tk = static_cast<int64_t>(key_pos.size());
  std::unique_ptr<bool[]> allowed(new bool[static_cast<size_t>(t * tk)]);
  for (int64_t i = 0; i < t; ++i)
    for (int64_t j = 0; j < tk; ++j) allowed[i * tk + j] = visible(a.position + i, key_pos[j]);
  ds_tensor* raw = nullptr;
  const int64_t shape[2] = {t, tk};
  ds::check(ds::ops().from_data(allowed.get(), static_cast<size_t>(t * tk), shape, 2, DS_DTYPE_BOOL,
                                x.device(), &raw));
  ds::Tensor mask(raw);
  ds::Tensor out = ds::sdpa(p.q, p.k, p.v, &mask, dsblocks::softmax_scale(a, shape_.head_dim), false);

  if (state.caching()) {
    // Keep what a later query (position >= last + 1) can still see.
    const int64_t next = a.position + t;
    std::vector<int64_t> keep, keep_pos;
    for (int64_t j = 0; j < tk; ++j) {
      if (visible(next, key_pos[j])) {
        keep.push_back(j);
        keep_pos.push_back(key_pos[j]);
      }
    }
    ds::Tensor k = p.k, v = p.v;
    if (static_cast<int64_t>(keep.size()) < tk) {
      ds::Tensor index = ds::Tensor::from_i64(keep, {static_cast<int64_t>(keep.size())}, x.device());
      k = k.index_select(2, index);
      v = v.index_select(2, index);
    }
    state.set(0, k);
    state.set(1, v);
    state.set(2, ds::Tensor::from_i64(keep_pos, {static_cast<int64_t>(keep_pos.size())}));
  }
  return project_out(m, out);
}

const char* const kSlidingWindowSchema = attention_schema(
    "Sliding-window attention: each query sees itself and the window-1 positions before it, plus global tokens.",
    R"json("window": {"type": "integer", "minimum": 1, "description": "positions each query sees, itself included"},
    "global_tokens": {"type": "array", "items": {"type": "integer", "minimum": 0}, "default": [],
                      "description": "absolute positions every later query sees"},
    "global_ratio": {"type": "number", "minimum": 0, "maximum": 1, "default": 0,
                     "description": "the first ceil(ratio * window) positions are global"})json");

}  // namespace dsattn
