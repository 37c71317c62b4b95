// model_config.hpp: a Hugging Face config.json read into one plain struct.
// Both key styles are accepted: transformers 5 (`rope_parameters`,
// `head_dim`) and the older top-level `rope_theta` / `rope_scaling` that
// most hub checkpoints carry. Parsing lives in model_config.cpp; nothing
// here needs LibTorch.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace dsforge {

// RoPE frequencies and their scaling ("default", "linear", "dynamic",
// "llama3", "yarn"); fields a type does not use keep their defaults.
struct RopeConfig {
  std::string type = "default";
  double theta = 10000.0;
  double factor = 1.0;
  double partial_rotary_factor = 1.0;
  // llama3
  double low_freq_factor = 1.0;
  double high_freq_factor = 4.0;
  int64_t original_max_position_embeddings = 0;  // 0: not given
  // yarn
  double beta_fast = 32.0;
  double beta_slow = 1.0;
  double mscale = 0.0;          // 0: not given
  double mscale_all_dim = 0.0;  // 0: not given
  std::optional<double> attention_factor;
};

struct ModelConfig {
  std::filesystem::path file;  // config.json, for messages
  nlohmann::json raw;          // the whole file, as read
  std::string model_type;      // "llama", "qwen2", "mistral", "deepseek_v2", "deepseek_v3"
  std::string architecture;    // architectures[0], e.g. "LlamaForCausalLM" ("" if absent)

  int64_t vocab_size = 0;
  int64_t hidden_size = 0;
  int64_t intermediate_size = 0;
  int64_t num_hidden_layers = 0;
  int64_t num_attention_heads = 0;
  int64_t num_key_value_heads = 0;  // defaults to num_attention_heads
  int64_t head_dim = 0;             // defaults to hidden_size / num_attention_heads
  int64_t max_position_embeddings = 0;
  double rms_norm_eps = 1e-6;
  std::string hidden_act = "silu";
  bool tie_word_embeddings = false;
  bool attention_bias = false;  // q/k/v (and o for llama) biases; qwen2: q/k/v always
  bool mlp_bias = false;
  std::optional<int64_t> sliding_window;  // mistral (null or absent: none)
  std::string torch_dtype;                // "float32", "bfloat16", ... ("" if absent)
  std::optional<int64_t> bos_token_id, eos_token_id, pad_token_id;
  std::vector<int64_t> eos_token_ids;  // eos_token_id may be a list
  RopeConfig rope;

  // DeepSeek V2/V3 (MLA + DeepSeekMoE); zero when absent.
  std::optional<int64_t> q_lora_rank;  // null in V2-Lite: q_proj is a plain linear
  int64_t kv_lora_rank = 0;
  int64_t qk_nope_head_dim = 0;
  int64_t qk_rope_head_dim = 0;
  int64_t v_head_dim = 0;
  bool rope_interleave = false;  // V3's key; V2 always pairs interleaved
  int64_t n_routed_experts = 0;
  int64_t n_shared_experts = 0;
  int64_t num_experts_per_tok = 0;
  int64_t moe_intermediate_size = 0;
  int64_t first_k_dense_replace = 0;
  int64_t moe_layer_freq = 1;
  int64_t n_group = 1;
  int64_t topk_group = 1;
  std::string topk_method = "greedy";  // "greedy", "group_limited_greedy", "noaux_tc"
  std::string scoring_func = "softmax";  // "softmax" or "sigmoid"
  bool norm_topk_prob = false;
  double routed_scaling_factor = 1.0;
  double aux_loss_alpha = 0.0;
  int64_t num_nextn_predict_layers = 0;  // MTP layers stored after the last layer

  // FP8 checkpoints (quantization_config.quant_method == "fp8").
  bool fp8_weights = false;
  std::vector<int64_t> fp8_block = {128, 128};
};

// Reads and checks `dir`/config.json (or `dir` itself when it is the file). Throws UserError naming the file and
// the key for a missing or mistyped required key, and for a model_type
// outside the supported set (listing it).
ModelConfig read_model_config(const std::filesystem::path& dir);

// Builds from an already parsed object (`file` only names it in messages).
ModelConfig parse_model_config(const nlohmann::json& raw, const std::filesystem::path& file);

}  // namespace dsforge
