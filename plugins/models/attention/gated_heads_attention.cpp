// gated_heads_attention.cpp: the `gated_heads` block: causal attention whose
// per-head outputs are scaled by 2*sigmoid(x Wg^T) before o_proj, so the
// model can switch heads down per token. Wg ("g_proj.weight" [H, hidden])
// is read from the checkpoint when present and otherwise starts at zero
// (gate 1): loading a plain checkpoint with this block changes nothing until
// training moves the gate.
#include "attention_variants.hpp"

namespace dsattn {

GatedHeadsAttention::GatedHeadsAttention(const ds::Config& cfg) : shape_(cfg) {}

void GatedHeadsAttention::bind(const ds::Module& m) {
  for (const char* w : {"q_proj.weight", "k_proj.weight", "v_proj.weight", "o_proj.weight"}) m.weight(w);
  gate_ = m.weight_or_new("g_proj.weight", {shape_.num_heads, shape_.hidden_size}, 0.0);
}

ds::Tensor GatedHeadsAttention::forward(const ds::Module& m, const ds_block_args& a, const ds::Tensor& x) {
  Projected p = project_qkv(shape_, m, a, x);
  ds::Tensor heads = ds::sdpa(p.q, p.k, p.v, nullptr, dsblocks::softmax_scale(a, shape_.head_dim), true);
  // [B, T, H] -> [B, H, T, 1]
  ds::Tensor gate = x.linear(gate_).sigmoid().affine(2.0, 0.0).transpose(1, 2);
  gate = gate.reshape({gate.size(0), gate.size(1), gate.size(2), 1});
  return project_out(m, heads * gate);
}

const char* const kGatedHeadsSchema = attention_schema(
    "Causal attention with a learned gate per head and token (g_proj, zero-initialised: gate 1).", "");

}  // namespace dsattn
