// mla_plugin.cpp: the dsforge-mla library: the `mla` attention block, its
// config schema, and the exported entry point.
#include "mla_block.hpp"

#include <dsforge/dsforge.hpp>

namespace {

// Defaults here must match MlaOptions.
constexpr const char* kMlaSchema = R"json({
  "type": "object",
  "properties": {
    "hidden_size": {"type": "integer", "minimum": 1, "description": "model width (config.json hidden_size)"},
    "num_heads": {"type": "integer", "minimum": 1, "description": "attention heads (num_attention_heads)"},
    "q_lora_rank": {"type": "integer", "minimum": 0,
                    "description": "rank of the query compression (q_a_proj / q_b_proj); 0 for a plain q_proj (config.json null)"},
    "kv_lora_rank": {"type": "integer", "minimum": 1, "description": "width of the cached key/value latent"},
    "qk_nope_head_dim": {"type": "integer", "minimum": 0, "description": "per-head query/key dims without RoPE"},
    "qk_rope_head_dim": {"type": "integer", "minimum": 2, "description": "per-head query/key dims with RoPE (even)"},
    "v_head_dim": {"type": "integer", "minimum": 1, "description": "per-head value dims"},
    "rms_norm_eps": {"type": "number", "exclusiveMinimum": 0, "default": 1e-6,
                     "description": "eps of q_a_layernorm and kv_a_layernorm (Hugging Face uses 1e-6 there whatever rms_norm_eps says)"},
    "interleaved": {"type": "boolean", "default": true,
                    "description": "RoPE dims in interleaved pairs (DeepSeek-V2; DeepSeek-V3 with rope_interleave); false: rotate-half halves"}
  },
  "required": ["hidden_size", "num_heads", "q_lora_rank", "kv_lora_rank", "qk_nope_head_dim",
               "qk_rope_head_dim", "v_head_dim"],
  "additionalProperties": false
})json";

}  // namespace

DSFORGE_PLUGIN("dsforge-mla", "0.1.0", "Apache-2.0",
               ds::block<dsforge::models::Mla>(
                   DS_KIND_ATTENTION, "mla", "0.1.0",
                   "Multi-head latent attention (DeepSeek-V2/V3): low-rank q, compressed KV latent cache, shared RoPE key",
                   kMlaSchema))
