// causal_attention.cpp: shared q/k/v/o plumbing and the `causal` block:
// every query sees every earlier key (Llama, Qwen2, DeepSeek-LLM).
#include "attention_core.hpp"
#include "attention_variants.hpp"

#include <deque>

namespace dsattn {

AttentionShape::AttentionShape(const ds::Config& cfg)
    : hidden_size(cfg.integer("/hidden_size")),
      num_heads(cfg.integer("/num_heads")),
      num_kv_heads(cfg.integer("/num_kv_heads")),
      head_dim(cfg.integer("/head_dim")),
      rope_dim(cfg.has("/rope_dim") ? cfg.integer("/rope_dim") : cfg.integer("/head_dim")),
      interleaved(cfg.has("/interleaved") && cfg.boolean("/interleaved")) {
  if (num_heads % num_kv_heads != 0)
    throw ds::Error(DS_ERR_INVALID_ARGUMENT, "num_heads (" + std::to_string(num_heads) +
                                                 ") must be a multiple of num_kv_heads (" +
                                                 std::to_string(num_kv_heads) + ")");
  if (rope_dim > head_dim || rope_dim % 2 != 0)
    throw ds::Error(DS_ERR_INVALID_ARGUMENT, "rope_dim must be even and at most head_dim, got " +
                                                 std::to_string(rope_dim));
}

namespace {

// RoPE on the first rope_dim dims of each head (partial rotary models keep
// the rest as is).
ds::Tensor rotate(const AttentionShape& s, const ds_block_args& a, const ds::Tensor& x) {
  if (s.rope_dim == 0) return x;
  auto [cos, sin] = dsblocks::rope_tables(a, "attention");
  if (s.rope_dim == s.head_dim) return x.rope(cos, sin, s.interleaved);
  ds::Tensor rotated = x.slice(-1, 0, s.rope_dim).rope(cos, sin, s.interleaved);
  return ds::cat({rotated, x.slice(-1, s.rope_dim, s.head_dim)}, -1);
}

}  // namespace

Projected project_qkv(const AttentionShape& s, const ds::Module& m, const ds_block_args& a, const ds::Tensor& x) {
  ds::Tensor q = dsblocks::split_heads(m.linear("q_proj", x), s.num_heads, s.head_dim);
  ds::Tensor k = dsblocks::split_heads(m.linear("k_proj", x), s.num_kv_heads, s.head_dim);
  ds::Tensor v = dsblocks::split_heads(m.linear("v_proj", x), s.num_kv_heads, s.head_dim);
  q = rotate(s, a, q);
  k = rotate(s, a, k);
  ds::State state(a);
  k = dsblocks::append_to_slot(state, 0, k, 2);
  v = dsblocks::append_to_slot(state, 1, v, 2);
  return {q, k, v};
}

ds::Tensor project_out(const ds::Module& m, const ds::Tensor& heads) {
  return m.linear("o_proj", dsblocks::merge_heads(heads));
}

CausalAttention::CausalAttention(const ds::Config& cfg) : shape_(cfg) {}

void CausalAttention::bind(const ds::Module& m) {
  for (const char* w : {"q_proj.weight", "k_proj.weight", "v_proj.weight", "o_proj.weight"}) m.weight(w);
}

ds::Tensor CausalAttention::forward(const ds::Module& m, const ds_block_args& a, const ds::Tensor& x) {
  Projected p = project_qkv(shape_, m, a, x);
  ds::Tensor out = ds::sdpa(p.q, p.k, p.v, nullptr, dsblocks::softmax_scale(a, shape_.head_dim), true);
  return project_out(m, out);
}

const char* attention_schema(const char* description, const char* extra_properties) {
  // Kept alive in a deque (no moves): component descriptors hold the pointers.
  static std::deque<std::string> keep;
  std::string extra = extra_properties[0] != 0 ? std::string(",\n    ") + extra_properties : "";
  std::string head = R"json({
  "type": "object",
  "description": ")json";
  std::string shape = R"json(",
  "properties": {
    "hidden_size": {"type": "integer", "minimum": 1, "description": "model width (filled by the host)"},
    "num_heads": {"type": "integer", "minimum": 1},
    "num_kv_heads": {"type": "integer", "minimum": 1, "description": "grouped-query K/V heads"},
    "head_dim": {"type": "integer", "minimum": 1},
    "rope_dim": {"type": "integer", "minimum": 0, "description": "rotated dims per head (0: no RoPE)"},
    "interleaved": {"type": "boolean", "default": false, "description": "RoPE pairs adjacent dims"})json";
  std::string tail = R"json(
  },
  "required": ["hidden_size", "num_heads", "num_kv_heads", "head_dim"],
  "additionalProperties": false
})json";
  keep.push_back(head + description + shape + extra + tail);
  return keep.back().c_str();
}

const char* const kCausalSchema =
    attention_schema("Full causal attention with grouped-query heads. The host fills the shape from config.json.", "");

}  // namespace dsattn
