// checkpoint.hpp: a Hugging Face checkpoint folder as one set of named
// tensors: `model.safetensors`, or the shards listed by
// `model.safetensors.index.json`, each mapped once. load() copies a tensor
// out of the mapping into a CPU tensor of its own and undoes DeepSeek-V3's
// FP8 block quantization (`X.weight` F8_E4M3 + `X.weight_scale_inv`).
// save_checkpoint() writes the same layout back. It does not read
// config.json (model_config.hpp) nor map names onto a model.
#pragma once

#include <ATen/ATen.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "model/safetensors.hpp"

namespace dsforge {

class Checkpoint {
 public:
  // `dir` holds model.safetensors, or model.safetensors.index.json, or else
  // exactly one *.safetensors; a path to a .safetensors file opens just it.
  // Throws UserError naming the folder (or index, shard, tensor) at fault.
  static Checkpoint open(const std::filesystem::path& dir);

  const std::filesystem::path& dir() const { return dir_; }
  bool has(const std::string& name) const { return where_.count(name) != 0; }
  std::vector<std::string> names() const;  // sorted, auxiliary ones included
  // A `*_scale_inv` tensor that load() folds into its weight: callers that
  // report unused tensors skip these.
  bool is_auxiliary(const std::string& name) const;

  // These throw UserError naming the tensor and the checkpoint when absent.
  std::filesystem::path file_of(const std::string& name) const;
  std::vector<int64_t> shape(const std::string& name) const;
  std::string dtype(const std::string& name) const;  // safetensors spelling, "BF16"
  // A CPU tensor owning its memory, cast to `dtype` when given. An FP8
  // weight with a `_scale_inv` partner comes back dequantized (float32
  // unless `dtype` says otherwise).
  at::Tensor load(const std::string& name, std::optional<at::ScalarType> dtype = {}) const;

  // FP8 block size (rows, cols) of `_scale_inv` scales; default 128x128
  // (quantization_config.weight_block_size).
  void set_fp8_block(int64_t rows, int64_t cols);

 private:
  Checkpoint() = default;
  const SafetensorsEntry& entry(const std::string& name) const;
  at::Tensor dequantize_fp8(const std::string& name, const at::Tensor& weight) const;

  std::filesystem::path dir_;
  std::vector<std::unique_ptr<SafetensorsFile>> files_;
  std::map<std::string, size_t> where_;  // tensor name -> index into files_
  int64_t fp8_block_rows_ = 128;
  int64_t fp8_block_cols_ = 128;
};

// at::ScalarType <-> safetensors dtype string; UserError for types the
// format (or this host) does not carry.
std::string safetensors_dtype_of(at::ScalarType type);
at::ScalarType scalar_type_of_safetensors(const std::string& dtype);

// Writes `dir`/config.json (2-space indent; skipped when `config` is null)
// and the tensors (made contiguous on the CPU, stored with metadata
// {"format": "pt"}): one model.safetensors, or, when they exceed
// `max_shard_bytes`, model-0000i-of-0000N.safetensors shards plus
// model.safetensors.index.json. Each file is written atomically; files of
// the other layout left by an earlier save are removed afterwards.
// One safetensors file holding `tensors` (contiguous CPU copies, metadata
// {"format": "pt"}), written atomically: adapters, logits.
void save_tensors(const std::filesystem::path& file, const std::vector<std::pair<std::string, at::Tensor>>& tensors);

// A JSON file; UserError naming it when it is missing or not valid JSON.
nlohmann::json read_json_file(const std::filesystem::path& path);

void save_checkpoint(const std::filesystem::path& dir, const nlohmann::json& config,
                     const std::vector<std::pair<std::string, at::Tensor>>& tensors,
                     size_t max_shard_bytes = 5ull << 30);

}  // namespace dsforge
