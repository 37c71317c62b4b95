// safetensors.hpp: reads and writes the Hugging Face safetensors format
// (8-byte little-endian header length, a JSON header, then raw tensor bytes).
// A file is mapped read-only for the reader's lifetime; tensors are handed
// out as byte views into that mapping. Nothing here needs LibTorch:
// converting bytes to tensors, shards and FP8 scales are checkpoint.hpp's job.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace dsforge {

// One tensor inside a mapped file. `data` points into the mapping and lives
// as long as the SafetensorsFile it came from.
struct SafetensorsEntry {
  std::string dtype;           // "F32", "BF16", "F8_E4M3", ... as in the header
  std::vector<int64_t> shape;  // empty for a scalar
  const void* data = nullptr;
  size_t nbytes = 0;
};

// Bytes per element of a safetensors dtype string; 0 when unknown.
size_t safetensors_dtype_size(const std::string& dtype);

class SafetensorsFile {
 public:
  // Maps and validates `path`. Throws UserError naming the file (and the
  // tensor, when one entry is at fault) for anything malformed.
  explicit SafetensorsFile(const std::filesystem::path& path);
  SafetensorsFile(SafetensorsFile&& other) noexcept;
  SafetensorsFile& operator=(SafetensorsFile&&) = delete;
  SafetensorsFile(const SafetensorsFile&) = delete;
  ~SafetensorsFile();

  const std::filesystem::path& path() const { return path_; }
  const std::map<std::string, SafetensorsEntry>& tensors() const { return tensors_; }
  const std::map<std::string, std::string>& metadata() const { return metadata_; }
  bool has(const std::string& name) const { return tensors_.count(name) != 0; }
  // Throws UserError naming the file and the tensor when absent.
  const SafetensorsEntry& at(const std::string& name) const;

 private:
  void parse_header(uint64_t header_bytes);

  std::filesystem::path path_;
  void* map_ = nullptr;
  size_t size_ = 0;
  std::map<std::string, SafetensorsEntry> tensors_;
  std::map<std::string, std::string> metadata_;
};

// One tensor to write: `data` holds `nbytes` contiguous little-endian bytes,
// which must equal product(shape) * dtype size.
struct SafetensorsEntryOut {
  std::string name;
  std::string dtype;
  std::vector<int64_t> shape;
  const void* data = nullptr;
  size_t nbytes = 0;
};

// Writes `tensors` (stored in name order, like the reference writer) with
// `metadata` as `__metadata__`, atomically. Throws UserError for duplicate
// names, unknown dtypes or a size that does not match the shape.
void write_safetensors(const std::filesystem::path& path, const std::vector<SafetensorsEntryOut>& tensors,
                       const std::map<std::string, std::string>& metadata);

}  // namespace dsforge
