// model_runner.hpp: what `dshost forward` and `dshost generate` need from the
// LibTorch side, behind a header free of LibTorch and fmt, so the CLI files
// build without either.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/sampling_params.hpp"
#include "model/component_factory.hpp"

namespace dsforge {

struct ModelOptions {
  std::filesystem::path model;                 // HF folder
  std::vector<std::filesystem::path> adapters;  // PEFT folders, applied together
  bool merge_adapters = false;                  // fold them into the weights after loading
  std::string dtype;                            // "", "float32", "bfloat16", "float16"
  std::string device = "cpu";                   // "cpu", "cuda", "cuda:1"
  std::string attention;                        // override the attention component
  nlohmann::json attention_settings = nlohmann::json::object();
};

// The sampler's settings, plus whether the model's EOS ids stop generation.
struct SamplingOptions : SamplingParams {
  bool ignore_eos = false;
};

struct GenerateResult {
  std::vector<std::vector<int64_t>> ids;  // per row: prompt + generated
  int64_t new_tokens = 0;                 // over all rows
  double prefill_seconds = 0;
  double decode_seconds = 0;
  uint64_t seed = 0;
};

class ModelRunner {
 public:
  ModelRunner(const ModelOptions& options, ComponentFactory& factory);
  ~ModelRunner();

  // Reads an int64/int32 [B, T] (or [T]) tensor from a safetensors file.
  std::vector<std::vector<int64_t>> read_ids(const std::filesystem::path& file, const std::string& tensor) const;
  // Full forward of `ids`; writes float32 `logits` [B, T, vocab] atomically.
  void forward_to_file(const std::vector<std::vector<int64_t>>& ids, const std::filesystem::path& output) const;
  // Rows must have equal length. `on_token(row, id)` sees each new token.
  // use_cache false recomputes the whole sequence each step (a check).
  GenerateResult generate(const std::vector<std::vector<int64_t>>& prompts, int64_t max_new_tokens,
                          const SamplingOptions& sampling, bool use_cache,
                          const std::function<void(size_t, int64_t)>& on_token = {}) const;

  // Writes the model (adapters merged if they were) as an HF folder that
  // transformers loads; FP8 weights come out dequantized.
  void save_model(const std::filesystem::path& dir) const;
  // Writes loaded adapter `index` as a PEFT folder.
  void save_adapter(size_t index, const std::filesystem::path& dir) const;

  std::string summary() const;  // "llama, 2 layers (causal+swiglu), 0.6M params, float32 on cpu"

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace dsforge
