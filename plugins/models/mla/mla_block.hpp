// mla_block.hpp: multi-head latent attention (MLA), the attention of
// DeepSeek-V2 and DeepSeek-V3, as a dsforge attention block.
//
// What it does: the same numbers as Hugging Face transformers'
// DeepseekV2Attention / DeepseekV3Attention (eager path): low-rank query
// (or a plain q_proj), a compressed key/value latent plus one shared RoPE
// key, causal SDPA, o_proj. The cache holds the compressed latent, not the
// per-head keys and values.
// What it does not do: the "absorbed" decoding trick (folding kv_b_proj into
// q and o), attention dropout, padding masks.
#pragma once

#include <dsforge/dsforge.hpp>

#include <cstdint>

namespace dsforge::models {

struct MlaOptions {
  int64_t hidden_size = 0;
  int64_t num_heads = 0;
  int64_t q_lora_rank = 0;  // 0: no query compression, a plain q_proj
  int64_t kv_lora_rank = 0;
  int64_t qk_nope_head_dim = 0;
  int64_t qk_rope_head_dim = 0;
  int64_t v_head_dim = 0;
  double rms_norm_eps = 1e-6;  // of q_a_layernorm and kv_a_layernorm
  bool interleaved = true;     // RoPE dims come in pairs (x0, x1), (x2, x3) ..

  static MlaOptions from(const ds::Config& cfg);
  int64_t qk_head_dim() const { return qk_nope_head_dim + qk_rope_head_dim; }
};

class Mla {
 public:
  explicit Mla(const ds::Config& cfg);

  void bind(const ds::Module& module);
  // Slot 0: normalized latent c_kv (B, Ttotal, kv_lora_rank);
  // slot 1: roped shared key k_pe (B, Ttotal, qk_rope_head_dim).
  size_t state_slots() const { return 2; }
  // x (B, T, hidden) -> (B, T, hidden)
  ds::Tensor forward(const ds::Module& module, const ds_block_args& args, const ds::Tensor& x);

 private:
  ds::Tensor query(const ds::Module& module, const ds::Tensor& x) const;

  MlaOptions opt_;
  ds::Tensor q_norm_;   // (q_lora_rank) q_a_layernorm.weight; empty when q_lora_rank == 0
  ds::Tensor kv_norm_;  // (kv_lora_rank) kv_a_layernorm.weight
};

}  // namespace dsforge::models
