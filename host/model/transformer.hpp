// transformer.hpp: a decoder-only model assembled from a Hugging Face folder.
// The host owns embeddings, RMSNorms, RoPE tables, the LM head and the
// residual stream; each layer's attention and MLP are plugin blocks, and
// adapters wrap linear layers. forward() runs the whole stack with or
// without a KV cache. LibTorch-side header.
#pragma once

#include <ATen/ATen.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "model/architecture.hpp"
#include "model/component_factory.hpp"
#include "model/kv_cache.hpp"
#include "model/model_config.hpp"
#include "model/model_weights.hpp"
#include "model/rope.hpp"

namespace dsforge {

struct LoadOptions {
  std::optional<at::ScalarType> dtype;  // default: config.json's torch_dtype (float32 if absent)
  at::Device device = at::kCPU;
  AttentionOverride attention;
  nlohmann::json moe_settings = nlohmann::json::object();  // merged into deepseek_moe blocks
};

class Transformer {
 public:
  // Throws UserError naming the folder, file or tensor at fault.
  static std::unique_ptr<Transformer> load(const std::filesystem::path& dir, ComponentFactory& factory,
                                           const LoadOptions& options = {});
  ~Transformer();

  // ids [B, T] int64 -> logits [B, T, vocab] in the model dtype. With a
  // cache, ids continue the cached positions and the cache grows by T.
  // `aux_loss`, when given, receives the MLP blocks' auxiliary loss (or an
  // undefined tensor).
  at::Tensor forward(const at::Tensor& ids, KvCache* cache = nullptr, bool training = false,
                     at::Tensor* aux_loss = nullptr);
  KvCache new_cache() const;
  // Tells every block an optimizer step happened (the MoE routing-bias update).
  void after_optimizer_step();

  // Adapters. load_adapter reads a PEFT folder (adapter_config.json +
  // adapter_model.safetensors) into the `lora` component (or the one named
  // in `component`), attaches it and makes it active.
  void load_adapter(const std::filesystem::path& dir, const std::string& name, const std::string& component = "lora");
  // A new adapter from settings ({"r": 8, "alpha": 16, "targets": [...]}).
  void add_adapter(const std::string& name, const std::string& component, const nlohmann::json& settings);
  void set_active_adapters(const std::vector<std::string>& names);  // the rest are switched off
  void merge_adapter(const std::string& name);    // W += delta; the adapter stops applying
  void unmerge_adapter(const std::string& name);  // W -= delta
  void save_adapter(const std::string& name, const std::filesystem::path& dir) const;
  std::vector<std::string> adapter_names() const;
  // Trainable adapter tensors by file key.
  std::vector<std::pair<std::string, at::Tensor>> adapter_tensors(const std::string& name) const;

  // Writes config.json + safetensors that transformers can load.
  void save(const std::filesystem::path& dir) const;

  const ModelConfig& config() const { return config_; }
  const ModelWeights& weights() const { return *weights_; }
  ModelWeights& weights() { return *weights_; }
  at::ScalarType dtype() const { return weights_->dtype; }
  at::Device device() const { return weights_->device; }
  int64_t parameter_count() const;
  // "causal", "mla", ... per layer, for logs.
  std::string describe() const;

 private:
  struct Block {
    std::unique_ptr<ComponentHandle> handle;
    const ds_block_vtable* vtable = nullptr;
    std::unique_ptr<ds_module> module;
    size_t slots = 0;
    std::string label;  // "layer 3 attention 'mla (dsforge-mla)'"
  };
  struct Adapter {
    std::unique_ptr<ComponentHandle> handle;
    AttachedAdapter link;
    std::unique_ptr<ModelWeights> file_weights;
    std::unique_ptr<ds_module> file_module;
  };

  Transformer() = default;
  void load_weights(const std::filesystem::path& dir, const ModelPlan& plan, const LoadOptions& options);
  void build_blocks(const ModelPlan& plan, ComponentFactory& factory);
  at::Tensor call_block(Block& b, const at::Tensor& x, const ds_block_args& args);
  const at::Tensor& host_weight(const std::string& name) const;
  void attach(Adapter& a);
  Adapter& adapter(const std::string& name);
  const Adapter& adapter(const std::string& name) const;

  ModelConfig config_;
  ComponentFactory* factory_ = nullptr;
  std::unique_ptr<ModelWeights> weights_;
  std::unique_ptr<AdapterLinks> links_;
  std::unique_ptr<RotaryTables> rope_;
  std::vector<Block> blocks_;  // attention, mlp, attention, mlp, ...
  std::vector<std::unique_ptr<Adapter>> adapters_;
  at::Tensor embed_, final_norm_, lm_head_;
  std::vector<at::Tensor> norms_;  // input_layernorm, post_attention_layernorm per layer
};

}  // namespace dsforge
