// block_common.hpp: small pieces every model block needs: appending new
// keys/values to a cache slot, splitting heads, and reading the RoPE tables
// from the call's arguments. Header-only over the C++ wrapper; no LibTorch.
#pragma once

#include <dsforge/dsforge.hpp>

#include <cmath>
#include <string>

namespace dsblocks {

// x [B, T, H*D] -> [B, H, T, D]
inline ds::Tensor split_heads(const ds::Tensor& x, int64_t heads, int64_t dim) {
  return x.reshape({x.size(0), x.size(1), heads, dim}).transpose(1, 2);
}

// x [B, H, T, D] -> [B, T, H*D]
inline ds::Tensor merge_heads(const ds::Tensor& x) {
  return x.transpose(1, 2).contiguous().reshape({x.size(0), x.size(2), x.size(1) * x.size(3)});
}

// Concatenates `fresh` after what slot `i` holds along `dim`, stores the
// result back in the slot (when caching) and returns it.
inline ds::Tensor append_to_slot(const ds::State& state, size_t i, const ds::Tensor& fresh, int64_t dim) {
  if (!state.caching()) return fresh;
  ds::Tensor old = state.get(i);
  ds::Tensor all = old ? ds::cat({old, fresh}, dim) : fresh;
  state.set(i, all);
  return all;
}

// The call's RoPE tables; throws when the host gave none.
inline std::pair<ds::Tensor, ds::Tensor> rope_tables(const ds_block_args& a, const char* who) {
  if (a.rope_cos == nullptr || a.rope_sin == nullptr)
    throw ds::Error(DS_ERR_INVALID_ARGUMENT, std::string(who) + ": the host passed no RoPE tables");
  return {ds::Tensor::borrow(a.rope_cos), ds::Tensor::borrow(a.rope_sin)};
}

inline double softmax_scale(const ds_block_args& a, int64_t dim) {
  double mul = a.softmax_scale_mul > 0 ? a.softmax_scale_mul : 1.0;
  return mul / std::sqrt(static_cast<double>(dim));
}

}  // namespace dsblocks
