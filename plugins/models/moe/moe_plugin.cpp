// moe_plugin.cpp: the dsforge-moe library: the `deepseek_moe` MLP block,
// its config schema, and the exported entry point.
#include "moe_block.hpp"

#include <dsforge/dsforge.hpp>

namespace {

// Defaults here must match MoeOptions.
constexpr const char* kMoeSchema = R"json({
  "type": "object",
  "properties": {
    "hidden_size": {"type": "integer", "minimum": 1, "description": "model width (config.json hidden_size)"},
    "moe_intermediate_size": {"type": "integer", "minimum": 1, "description": "inner width of each routed expert"},
    "n_routed_experts": {"type": "integer", "minimum": 1, "description": "routed experts: experts.0 .. experts.{n-1}"},
    "n_shared_experts": {"type": "integer", "minimum": 0, "default": 0,
                         "description": "shared experts, fused into one shared_experts MLP; 0: none"},
    "top_k": {"type": "integer", "minimum": 1, "description": "experts per token (num_experts_per_tok)"},
    "scoring": {"type": "string", "enum": ["softmax", "sigmoid"],
                "description": "router scores: softmax (DeepSeek-V2) or sigmoid (DeepSeek-V3)"},
    "topk_method": {"type": "string", "enum": ["greedy", "group_limited_greedy", "noaux_tc"],
                    "description": "greedy top-k; group_limited_greedy (groups ranked by their max score); noaux_tc (scores + e_score_correction_bias, groups ranked by the sum of their top 2)"},
    "n_group": {"type": "integer", "minimum": 1, "default": 1, "description": "expert groups (must divide n_routed_experts)"},
    "topk_group": {"type": "integer", "minimum": 1, "default": 1, "description": "groups a token may route to"},
    "norm_topk_prob": {"type": "boolean", "default": false,
                       "description": "divide the top-k weights by their sum (Hugging Face applies this for DeepSeek-V3 only)"},
    "routed_scaling_factor": {"type": "number", "default": 1.0, "description": "multiplies the routing weights"},
    "aux_loss_alpha": {"type": "number", "minimum": 0, "default": 0,
                       "description": "weight of the sequence-wise expert balance loss while training; 0: off"},
    "bias_update_rate": {"type": "number", "minimum": 0, "default": 0,
                         "description": "aux-loss-free balancing: after each optimizer step bias_i += rate * sign(mean_load - load_i); needs noaux_tc; 0: off"}
  },
  "required": ["hidden_size", "moe_intermediate_size", "n_routed_experts", "top_k", "scoring", "topk_method"],
  "additionalProperties": false
})json";

}  // namespace

DSFORGE_PLUGIN("dsforge-moe", "0.1.0", "Apache-2.0",
               ds::block<dsforge::models::DeepseekMoe>(
                   DS_KIND_MLP, "deepseek_moe", "0.1.0",
                   "DeepSeekMoE: shared experts plus top-k routed SwiGLU experts (softmax or sigmoid-with-bias routing)",
                   kMoeSchema))
