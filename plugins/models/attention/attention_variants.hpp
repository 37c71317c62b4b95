// attention_variants.hpp: the three attention components of this library.
#pragma once

#include <vector>

#include "attention_core.hpp"

namespace dsattn {

class CausalAttention {
 public:
  explicit CausalAttention(const ds::Config& cfg);
  void bind(const ds::Module& m);
  size_t state_slots() const { return 2; }  // K, V [B, Hk, T, D]
  ds::Tensor forward(const ds::Module& m, const ds_block_args& a, const ds::Tensor& x);

 private:
  AttentionShape shape_;
};

// Each query sees the `window` most recent positions (itself included) plus
// the global positions; the cache keeps only those.
class SlidingWindowAttention {
 public:
  explicit SlidingWindowAttention(const ds::Config& cfg);
  void bind(const ds::Module& m);
  size_t state_slots() const { return 3; }  // K, V, key positions (int64 [Tk])
  ds::Tensor forward(const ds::Module& m, const ds_block_args& a, const ds::Tensor& x);

  // Whether a query at q may see the key at k (exposed for tests of the rule).
  bool visible(int64_t q, int64_t k) const;

 private:
  bool is_global(int64_t pos) const;
  AttentionShape shape_;
  int64_t window_;
  std::vector<int64_t> global_positions_;  // sorted
  int64_t global_prefix_ = 0;              // positions < this are global (global_ratio)
};

// Causal attention whose heads are scaled by a learned, input-dependent gate
// 2*sigmoid(x Wg^T) (one scalar per token and head). Wg starts at zero, so a
// fresh gate is exactly 1 and the block equals `causal` until trained.
class GatedHeadsAttention {
 public:
  explicit GatedHeadsAttention(const ds::Config& cfg);
  void bind(const ds::Module& m);
  size_t state_slots() const { return 2; }
  ds::Tensor forward(const ds::Module& m, const ds_block_args& a, const ds::Tensor& x);

 private:
  AttentionShape shape_;
  ds::Tensor gate_;  // [H, hidden]
};

extern const char* const kCausalSchema;
extern const char* const kSlidingWindowSchema;
extern const char* const kGatedHeadsSchema;

}  // namespace dsattn
