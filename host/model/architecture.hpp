// architecture.hpp: from a config.json to the blocks of each layer: which
// attention and MLP components, with which settings, under which weight
// prefixes, and the shapes every checkpoint tensor must have. One place
// that knows the five supported architectures; no LibTorch here.
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/model_config.hpp"

namespace dsforge {

struct BlockSpec {
  std::string component;     // "causal", "mla", "swiglu", "deepseek_moe", ...
  nlohmann::json settings;   // shape keys from config.json + user settings
  std::string prefix;        // "model.layers.3.self_attn."
};

struct LayerSpec {
  BlockSpec attention;
  BlockSpec mlp;
};

// A user's choice of attention component for every layer, with settings
// (e.g. {"window": 4096, "global_tokens": [0]}); empty component keeps the
// architecture's own.
struct AttentionOverride {
  std::string component;
  nlohmann::json settings = nlohmann::json::object();
};

struct ModelPlan {
  std::vector<LayerSpec> layers;
  int64_t rope_dim = 0;  // rotated dims per head (0: no RoPE)
  std::map<std::string, std::vector<int64_t>> expected_shapes;  // tensor name -> shape
  std::map<std::string, std::string> expected_reason;           // name -> "[heads*head_dim, hidden_size]"
};

// `moe_settings` are merged into every deepseek_moe block (e.g.
// {"aux_loss_alpha": 0.001, "bias_update_rate": 0.001} for training).
ModelPlan plan_model(const ModelConfig& config, const AttentionOverride& attention = {},
                     const nlohmann::json& moe_settings = nlohmann::json::object());

// Index N of "model.layers.N." names, or nullopt.
std::optional<int64_t> layer_index(const std::string& tensor_name);

}  // namespace dsforge
