// checkpoint.cpp: finding a checkpoint's files, copying tensors out of the
// mappings (with FP8 block dequantization) and writing checkpoints back.
// LibTorch side: no fmt here (messages via a local ostringstream helper).
#include "model/checkpoint.hpp"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "common/atomic_write.hpp"
#include "common/error.hpp"

namespace fs = std::filesystem;
using nlohmann::json;

namespace dsforge {
namespace {

const char* const kSingleFile = "model.safetensors";
const char* const kIndexFile = "model.safetensors.index.json";
const char* const kScaleSuffix = "_scale_inv";

template <class... Args>
[[noreturn]] void throw_user_error(const Args&... args) {
  std::ostringstream out;
  (out << ... << args);
  throw UserError(out.str());
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

json read_json_file(const fs::path& path) {
  std::ifstream in(path);
  if (!in) throw_user_error(path.string(), ": cannot open");
  try {
    return json::parse(in);
  } catch (const json::parse_error& e) {
    throw_user_error(path.string(), ": not valid JSON: ", e.what());
  }
}

namespace {

std::vector<fs::path> safetensors_in(const fs::path& dir) {
  std::vector<fs::path> found;
  std::error_code ec;
  for (const auto& item : fs::directory_iterator(dir, ec)) {
    if (item.is_regular_file() && item.path().extension() == ".safetensors") found.push_back(item.path());
  }
  std::sort(found.begin(), found.end());
  return found;
}

std::string shard_name(size_t index, size_t count) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "model-%05zu-of-%05zu.safetensors", index, count);
  return buf;
}

}  // namespace

std::string safetensors_dtype_of(at::ScalarType type) {
  switch (type) {
    case at::kFloat: return "F32";
    case at::kDouble: return "F64";
    case at::kHalf: return "F16";
    case at::kBFloat16: return "BF16";
    case at::kLong: return "I64";
    case at::kInt: return "I32";
    case at::kShort: return "I16";
    case at::kChar: return "I8";
    case at::kByte: return "U8";
    case at::kBool: return "BOOL";
    case at::kFloat8_e4m3fn: return "F8_E4M3";
    case at::kFloat8_e5m2: return "F8_E5M2";
    default: break;
  }
  throw_user_error("tensors of type ", c10::toString(type), " cannot be stored in safetensors by dshost");
}

at::ScalarType scalar_type_of_safetensors(const std::string& dtype) {
  static const std::map<std::string, at::ScalarType> types = {
      {"F32", at::kFloat},  {"F64", at::kDouble}, {"F16", at::kHalf},  {"BF16", at::kBFloat16},
      {"I64", at::kLong},   {"I32", at::kInt},    {"I16", at::kShort}, {"I8", at::kChar},
      {"U8", at::kByte},    {"BOOL", at::kBool},  {"F8_E4M3", at::kFloat8_e4m3fn},
      {"F8_E5M2", at::kFloat8_e5m2}};
  auto it = types.find(dtype);
  if (it == types.end()) throw_user_error("safetensors dtype '", dtype, "' is not supported by dshost");
  return it->second;
}

Checkpoint Checkpoint::open(const fs::path& dir) {
  Checkpoint ckpt;
  ckpt.dir_ = dir;
  auto add_file = [&](const fs::path& path) {
    ckpt.files_.push_back(std::make_unique<SafetensorsFile>(path));
    return ckpt.files_.size() - 1;
  };
  auto add_all_of = [&](size_t file) {
    for (const auto& [name, entry] : ckpt.files_[file]->tensors()) ckpt.where_[name] = file;
  };

  if (fs::is_regular_file(dir) && dir.extension() == ".safetensors") {
    add_all_of(add_file(dir));
    return ckpt;
  }
  if (!fs::is_directory(dir)) throw_user_error(dir.string(), ": checkpoint folder not found");
  if (fs::exists(dir / kSingleFile)) {
    add_all_of(add_file(dir / kSingleFile));
    return ckpt;
  }
  if (fs::exists(dir / kIndexFile)) {
    const fs::path index_path = dir / kIndexFile;
    const json index = read_json_file(index_path);
    if (!index.is_object() || !index.contains("weight_map") || !index["weight_map"].is_object()) {
      throw_user_error(index_path.string(), ": missing 'weight_map' (an object: tensor name -> shard file)");
    }
    std::map<std::string, size_t> shard_index;  // shard file name -> files_ index
    for (const auto& [name, shard] : index["weight_map"].items()) {
      if (!shard.is_string()) throw_user_error(index_path.string(), ": weight_map '", name, "' must name a shard file");
      const std::string shard_file = shard.get<std::string>();
      auto it = shard_index.find(shard_file);
      if (it == shard_index.end()) {
        if (!fs::exists(dir / shard_file)) {
          throw_user_error(index_path.string(), ": shard '", shard_file, "' (holding '", name,
                           "') is missing from ", dir.string());
        }
        it = shard_index.emplace(shard_file, add_file(dir / shard_file)).first;
      }
      if (!ckpt.files_[it->second]->has(name)) {
        throw_user_error(index_path.string(), ": weight_map puts tensor '", name, "' in ", shard_file,
                         " but that shard does not hold it");
      }
      ckpt.where_[name] = it->second;
    }
    return ckpt;
  }
  const std::vector<fs::path> found = safetensors_in(dir);
  if (found.empty()) throw_user_error(dir.string(), ": no ", kSingleFile, " or ", kIndexFile);
  if (found.size() > 1) {
    std::ostringstream names;
    for (const auto& p : found) names << ' ' << p.filename().string();
    throw_user_error(dir.string(), ": no ", kSingleFile, " or ", kIndexFile, ", and several *.safetensors (",
                     names.str(), " ); name the file to use");
  }
  add_all_of(add_file(found.front()));
  return ckpt;
}

std::vector<std::string> Checkpoint::names() const {
  std::vector<std::string> out;
  out.reserve(where_.size());
  for (const auto& [name, file] : where_) out.push_back(name);
  return out;  // std::map order: sorted
}

bool Checkpoint::is_auxiliary(const std::string& name) const {
  if (!ends_with(name, kScaleSuffix)) return false;
  return has(name.substr(0, name.size() - std::strlen(kScaleSuffix)));
}

const SafetensorsEntry& Checkpoint::entry(const std::string& name) const {
  auto it = where_.find(name);
  if (it == where_.end()) {
    throw_user_error(dir_.string(), ": tensor '", name, "' is not in the checkpoint (", where_.size(),
                     " tensors; check the architecture and the key prefix)");
  }
  return files_[it->second]->at(name);
}

fs::path Checkpoint::file_of(const std::string& name) const {
  entry(name);
  return files_[where_.at(name)]->path();
}

std::vector<int64_t> Checkpoint::shape(const std::string& name) const { return entry(name).shape; }

std::string Checkpoint::dtype(const std::string& name) const { return entry(name).dtype; }

void Checkpoint::set_fp8_block(int64_t rows, int64_t cols) {
  if (rows <= 0 || cols <= 0) throw_user_error("FP8 block size must be positive, got ", rows, "x", cols);
  fp8_block_rows_ = rows;
  fp8_block_cols_ = cols;
}

at::Tensor Checkpoint::load(const std::string& name, std::optional<at::ScalarType> dtype) const {
  const SafetensorsEntry& e = entry(name);
  at::ScalarType stored = at::kFloat;
  try {
    stored = scalar_type_of_safetensors(e.dtype);
  } catch (const UserError& err) {
    throw_user_error(file_of(name).string(), ": tensor '", name, "': ", err.what());
  }
  // The mapping may leave the bytes unaligned and is read-only: copy.
  // (safetensors is little-endian, as are the hosts dshost runs on.)
  at::Tensor raw = at::empty(e.shape, at::TensorOptions().dtype(stored).device(at::kCPU));
  if (e.nbytes > 0) std::memcpy(raw.data_ptr(), e.data, e.nbytes);

  const bool is_fp8 = stored == at::kFloat8_e4m3fn || stored == at::kFloat8_e5m2;
  if (is_fp8 && has(name + kScaleSuffix)) {
    at::Tensor out = dequantize_fp8(name, raw);
    return dtype && *dtype != at::kFloat ? out.to(*dtype) : out;
  }
  return dtype && *dtype != stored ? raw.to(*dtype) : raw;
}

// weight (R, C) in FP8, scale_inv (ceil(R/br), ceil(C/bc)) float:
// out[i, j] = weight[i, j] * scale_inv[i / br, j / bc].
at::Tensor Checkpoint::dequantize_fp8(const std::string& name, const at::Tensor& weight) const {
  const std::string scale_name = name + kScaleSuffix;
  if (weight.dim() != 2) {
    throw_user_error(file_of(name).string(), ": tensor '", name, "': FP8 weight with '", scale_name,
                     "' must be 2-D, got ", weight.sizes());
  }
  const int64_t rows = weight.size(0), cols = weight.size(1);
  const int64_t block_rows = (rows + fp8_block_rows_ - 1) / fp8_block_rows_;
  const int64_t block_cols = (cols + fp8_block_cols_ - 1) / fp8_block_cols_;
  at::Tensor scale = load(scale_name, at::kFloat);
  if (scale.dim() != 2 || scale.size(0) != block_rows || scale.size(1) != block_cols) {
    throw_user_error(file_of(scale_name).string(), ": tensor '", scale_name, "' has shape ", scale.sizes(),
                     " but a [", rows, ", ", cols, "] weight in ", fp8_block_rows_, "x", fp8_block_cols_,
                     " blocks needs [", block_rows, ", ", block_cols,
                     "]; check quantization_config.weight_block_size");
  }
  at::Tensor expanded = scale.repeat_interleave(fp8_block_rows_, 0)
                            .repeat_interleave(fp8_block_cols_, 1)
                            .narrow(0, 0, rows)
                            .narrow(1, 0, cols);
  return weight.to(at::kFloat) * expanded;
}

namespace {

// Contiguous CPU copies of `tensors` and the safetensors entries pointing
// into them (valid while the copies live).
struct CpuEntries {
  std::vector<at::Tensor> copies;
  std::vector<SafetensorsEntryOut> entries;
};

CpuEntries cpu_entries(const fs::path& where, const std::vector<std::pair<std::string, at::Tensor>>& tensors) {
  CpuEntries out;
  out.copies.reserve(tensors.size());
  out.entries.reserve(tensors.size());
  std::set<std::string> seen;
  for (const auto& [name, tensor] : tensors) {
    if (!seen.insert(name).second) throw_user_error(where.string(), ": tensor '", name, "' is saved twice");
    if (!tensor.defined()) throw_user_error(where.string(), ": tensor '", name, "' is undefined");
    std::string dtype;
    try {
      dtype = safetensors_dtype_of(tensor.scalar_type());
    } catch (const UserError& err) {
      throw_user_error(where.string(), ": tensor '", name, "': ", err.what());
    }
    out.copies.push_back(tensor.detach().to(at::kCPU).contiguous());
    const at::Tensor& t = out.copies.back();
    out.entries.push_back({name, dtype, t.sizes().vec(), t.data_ptr(), t.nbytes()});
  }
  return out;
}

}  // namespace

void save_tensors(const fs::path& file, const std::vector<std::pair<std::string, at::Tensor>>& tensors) {
  CpuEntries cpu = cpu_entries(file, tensors);
  write_safetensors(file, cpu.entries, {{"format", "pt"}});
}

void save_checkpoint(const fs::path& dir, const json& config,
                     const std::vector<std::pair<std::string, at::Tensor>>& tensors, size_t max_shard_bytes) {
  CpuEntries cpu = cpu_entries(dir, tensors);
  const std::vector<SafetensorsEntryOut>& entries = cpu.entries;

  // Greedy sharding in the given order; a tensor larger than the limit
  // gets a shard of its own.
  std::vector<std::vector<SafetensorsEntryOut>> shards(1);
  size_t shard_bytes = 0, total_bytes = 0;
  for (const auto& e : entries) {
    if (!shards.back().empty() && shard_bytes + e.nbytes > max_shard_bytes) {
      shards.emplace_back();
      shard_bytes = 0;
    }
    shards.back().push_back(e);
    shard_bytes += e.nbytes;
    total_bytes += e.nbytes;
  }

  const std::map<std::string, std::string> metadata = {{"format", "pt"}};
  if (!config.is_null()) write_file_atomically(dir / "config.json", config.dump(2) + "\n");
  std::set<std::string> written;
  if (shards.size() == 1) {
    write_safetensors(dir / kSingleFile, shards.front(), metadata);
    written.insert(kSingleFile);
  } else {
    json weight_map = json::object();
    for (size_t i = 0; i < shards.size(); ++i) {
      const std::string file = shard_name(i + 1, shards.size());
      write_safetensors(dir / file, shards[i], metadata);
      written.insert(file);
      for (const auto& e : shards[i]) weight_map[e.name] = file;
    }
    json index = {{"metadata", {{"total_size", total_bytes}}}, {"weight_map", weight_map}};
    write_file_atomically(dir / kIndexFile, index.dump(2) + "\n");
    written.insert(kIndexFile);
  }
  // An earlier save in the other layout would shadow (model.safetensors
  // wins over the index) or confuse this one.
  static const std::regex stale(R"(model\.safetensors(\.index\.json)?|model-\d{5}-of-\d{5}\.safetensors)");
  std::error_code ec;
  for (const auto& item : fs::directory_iterator(dir, ec)) {
    const std::string file = item.path().filename().string();
    if (!written.count(file) && std::regex_match(file, stale)) fs::remove(item.path(), ec);
  }
}

}  // namespace dsforge
