// kv_cache.hpp: the per-sequence-batch cache of a model: each block's slots
// (what a block keeps is its own business: K/V for causal attention, the
// compressed latent for MLA, a trimmed window for sliding_window) and how
// many positions have been processed. All rows of a batch share positions.
#pragma once

#include <dsforge/tensor.h>

#include <cstdint>
#include <vector>

namespace dsforge {

class KvCache {
 public:
  // slots[i]: how many slots block i asked for (attention and MLP blocks
  // of every layer, in call order).
  explicit KvCache(const std::vector<size_t>& slots);
  ~KvCache();
  KvCache(const KvCache&) = delete;
  KvCache& operator=(const KvCache&) = delete;
  KvCache(KvCache&&) noexcept;

  // Slots of block i (NULL when it has none).
  ds_tensor** slots(size_t block) { return slots_[block].empty() ? nullptr : slots_[block].data(); }
  size_t slot_count(size_t block) const { return slots_[block].size(); }
  int64_t length() const { return length_; }
  void advance(int64_t tokens) { length_ += tokens; }
  // Bytes held by cached tensors (for logs and benchmarks).
  size_t bytes() const;

 private:
  std::vector<std::vector<ds_tensor*>> slots_;
  int64_t length_ = 0;
};

}  // namespace dsforge
