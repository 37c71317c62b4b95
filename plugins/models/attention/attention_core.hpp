// attention_core.hpp: what the three attention variants share: their
// settings, the q/k/v projections with RoPE, the K/V cache and the output
// projection. Each variant decides only which keys a query may see (and, for
// gated_heads, how heads are weighted).
#pragma once

#include <block_common.hpp>

#include <string>

namespace dsattn {

struct AttentionShape {
  int64_t hidden_size = 0;
  int64_t num_heads = 0;
  int64_t num_kv_heads = 0;
  int64_t head_dim = 0;
  int64_t rope_dim = 0;  // leading dims of each head that RoPE rotates (0: none)
  bool interleaved = false;

  explicit AttentionShape(const ds::Config& cfg);
};

// Queries, and the keys/values visible to them (cache included).
struct Projected {
  ds::Tensor q;  // [B, H, T, D]
  ds::Tensor k;  // [B, Hk, Tk, D]
  ds::Tensor v;  // [B, Hk, Tk, D]
};

// Projects x, applies RoPE at the call's positions and appends k/v to cache
// slots 0 and 1.
Projected project_qkv(const AttentionShape& s, const ds::Module& m, const ds_block_args& a, const ds::Tensor& x);

// [B, H, T, D] -> o_proj -> [B, T, hidden]
ds::Tensor project_out(const ds::Module& m, const ds::Tensor& heads);

// A JSON Schema object for a variant: the shared shape properties plus
// `extra_properties` (a JSON fragment, may be empty). The result lives for
// the program's lifetime.
const char* attention_schema(const char* description, const char* extra_properties);

}  // namespace dsattn
