// architecture.cpp: the layer plan per model_type. Llama, Qwen2 and Mistral
// share one layout (grouped-query attention + SwiGLU); DeepSeek V2/V3 use
// MLA and, after the first dense layers, DeepSeekMoE.
#include "model/architecture.hpp"

#include "common/error.hpp"
#include "runtime/op_support.hpp"

namespace dsforge {
namespace {

using nlohmann::json;

void expect(ModelPlan& plan, const std::string& name, std::vector<int64_t> shape, const std::string& why) {
  plan.expected_shapes[name] = std::move(shape);
  plan.expected_reason[name] = why;
}

BlockSpec llama_attention(const ModelConfig& c, const std::string& prefix, ModelPlan& plan) {
  const int64_t h = c.num_attention_heads, kv = c.num_key_value_heads, d = c.head_dim, hid = c.hidden_size;
  expect(plan, prefix + "q_proj.weight", {h * d, hid}, "[num_attention_heads*head_dim, hidden_size]");
  expect(plan, prefix + "k_proj.weight", {kv * d, hid}, "[num_key_value_heads*head_dim, hidden_size]");
  expect(plan, prefix + "v_proj.weight", {kv * d, hid}, "[num_key_value_heads*head_dim, hidden_size]");
  expect(plan, prefix + "o_proj.weight", {hid, h * d}, "[hidden_size, num_attention_heads*head_dim]");
  json s = {{"hidden_size", hid}, {"num_heads", h}, {"num_kv_heads", kv}, {"head_dim", d},
            {"rope_dim", plan.rope_dim}, {"interleaved", false}};
  std::string component = "causal";
  if (c.model_type == "mistral" && c.sliding_window) {
    component = "sliding_window";
    s["window"] = *c.sliding_window;
  }
  return {component, s, prefix};
}

BlockSpec mla_attention(const ModelConfig& c, const std::string& prefix, ModelPlan& plan) {
  const int64_t h = c.num_attention_heads, hid = c.hidden_size;
  const int64_t qk = c.qk_nope_head_dim + c.qk_rope_head_dim;
  const int64_t q_rank = c.q_lora_rank.value_or(0);
  if (q_rank > 0) {
    expect(plan, prefix + "q_a_proj.weight", {q_rank, hid}, "[q_lora_rank, hidden_size]");
    expect(plan, prefix + "q_b_proj.weight", {h * qk, q_rank}, "[heads*(qk_nope+qk_rope), q_lora_rank]");
  } else {
    expect(plan, prefix + "q_proj.weight", {h * qk, hid}, "[heads*(qk_nope+qk_rope), hidden_size]");
  }
  expect(plan, prefix + "kv_a_proj_with_mqa.weight", {c.kv_lora_rank + c.qk_rope_head_dim, hid},
         "[kv_lora_rank+qk_rope_head_dim, hidden_size]");
  expect(plan, prefix + "kv_b_proj.weight", {h * (c.qk_nope_head_dim + c.v_head_dim), c.kv_lora_rank},
         "[heads*(qk_nope+v_head_dim), kv_lora_rank]");
  expect(plan, prefix + "o_proj.weight", {hid, h * c.v_head_dim}, "[hidden_size, heads*v_head_dim]");
  json s = {{"hidden_size", hid},
            {"num_heads", h},
            {"q_lora_rank", q_rank},
            {"kv_lora_rank", c.kv_lora_rank},
            {"qk_nope_head_dim", c.qk_nope_head_dim},
            {"qk_rope_head_dim", c.qk_rope_head_dim},
            {"v_head_dim", c.v_head_dim},
            {"rms_norm_eps", c.rms_norm_eps},
            // V2 rotates (x0,x1) pairs through complex numbers; V3 says so with
            // rope_interleave. Both equal "regroup pairs, then rotate half".
            {"interleaved", c.model_type == "deepseek_v2" ? true : c.rope_interleave}};
  return {"mla", s, prefix};
}

BlockSpec dense_mlp(const ModelConfig& c, const std::string& prefix, int64_t inter, ModelPlan& plan) {
  expect(plan, prefix + "gate_proj.weight", {inter, c.hidden_size}, "[intermediate_size, hidden_size]");
  expect(plan, prefix + "up_proj.weight", {inter, c.hidden_size}, "[intermediate_size, hidden_size]");
  expect(plan, prefix + "down_proj.weight", {c.hidden_size, inter}, "[hidden_size, intermediate_size]");
  return {"swiglu", {{"hidden_size", c.hidden_size}, {"intermediate_size", inter}}, prefix};
}

BlockSpec moe_mlp(const ModelConfig& c, const std::string& prefix, ModelPlan& plan) {
  const int64_t inter = c.moe_intermediate_size;
  expect(plan, prefix + "gate.weight", {c.n_routed_experts, c.hidden_size}, "[n_routed_experts, hidden_size]");
  for (int64_t e = 0; e < c.n_routed_experts; ++e) dense_mlp(c, prefix + "experts." + std::to_string(e) + ".", inter, plan);
  if (c.n_shared_experts > 0) dense_mlp(c, prefix + "shared_experts.", inter * c.n_shared_experts, plan);
  std::string method = c.topk_method;
  if (c.model_type == "deepseek_v3") method = "noaux_tc";
  json s = {{"hidden_size", c.hidden_size},
            {"moe_intermediate_size", inter},
            {"n_routed_experts", c.n_routed_experts},
            {"n_shared_experts", c.n_shared_experts},
            {"top_k", c.num_experts_per_tok},
            {"scoring", c.scoring_func},
            {"topk_method", method},
            {"n_group", c.n_group},
            {"topk_group", c.topk_group},
            {"norm_topk_prob", c.model_type == "deepseek_v2" ? false : c.norm_topk_prob},  // V2 never normalises
            {"routed_scaling_factor", c.routed_scaling_factor},
            {"aux_loss_alpha", c.aux_loss_alpha}};
  return {"deepseek_moe", s, prefix};
}

}  // namespace

std::optional<int64_t> layer_index(const std::string& name) {
  static const std::string head = "model.layers.";
  if (name.compare(0, head.size(), head) != 0) return std::nullopt;
  size_t end = name.find('.', head.size());
  if (end == std::string::npos) return std::nullopt;
  try {
    return std::stoll(name.substr(head.size(), end - head.size()));
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

ModelPlan plan_model(const ModelConfig& c, const AttentionOverride& attention, const nlohmann::json& moe_settings) {
  ModelPlan plan;
  const bool deepseek = c.model_type == "deepseek_v2" || c.model_type == "deepseek_v3";
  plan.rope_dim = deepseek ? c.qk_rope_head_dim
                           : static_cast<int64_t>(static_cast<double>(c.head_dim) * c.rope.partial_rotary_factor);
  expect(plan, "model.embed_tokens.weight", {c.vocab_size, c.hidden_size}, "[vocab_size, hidden_size]");
  expect(plan, "model.norm.weight", {c.hidden_size}, "[hidden_size]");
  expect(plan, "lm_head.weight", {c.vocab_size, c.hidden_size}, "[vocab_size, hidden_size]");
  for (int64_t i = 0; i < c.num_hidden_layers; ++i) {
    const std::string layer = "model.layers." + std::to_string(i) + ".";
    expect(plan, layer + "input_layernorm.weight", {c.hidden_size}, "[hidden_size]");
    expect(plan, layer + "post_attention_layernorm.weight", {c.hidden_size}, "[hidden_size]");
    LayerSpec spec;
    if (deepseek) {
      spec.attention = mla_attention(c, layer + "self_attn.", plan);
      const std::string p = layer + "self_attn.";
      if (c.q_lora_rank.value_or(0) > 0) expect(plan, p + "q_a_layernorm.weight", {*c.q_lora_rank}, "[q_lora_rank]");
      expect(plan, p + "kv_a_layernorm.weight", {c.kv_lora_rank}, "[kv_lora_rank]");
      const bool moe = c.n_routed_experts > 0 && i >= c.first_k_dense_replace && i % std::max<int64_t>(c.moe_layer_freq, 1) == 0;
      spec.mlp = moe ? moe_mlp(c, layer + "mlp.", plan) : dense_mlp(c, layer + "mlp.", c.intermediate_size, plan);
    } else {
      spec.attention = llama_attention(c, layer + "self_attn.", plan);
      spec.mlp = dense_mlp(c, layer + "mlp.", c.intermediate_size, plan);
    }
    if (!attention.component.empty()) {
      if (deepseek && attention.component != "mla")
        throw UserError(cat("--attention ", attention.component, ": ", c.model_type,
                            " checkpoints hold MLA weights; only 'mla' fits them"));
      if (spec.attention.component != attention.component) spec.attention.settings.erase("window");
      spec.attention.component = attention.component;
    }
    for (auto& [k, v] : attention.settings.items()) spec.attention.settings[k] = v;
    if (spec.mlp.component == "deepseek_moe" && moe_settings.is_object())
      for (auto& [k, v] : moe_settings.items()) spec.mlp.settings[k] = v;
    plan.layers.push_back(std::move(spec));
  }
  return plan;
}

}  // namespace dsforge
