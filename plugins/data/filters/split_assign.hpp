// split_assign.hpp: the `split` transform's rule, host-free: which split a
// text belongs to. The choice is a pure function of (text bytes, seed), so
// duplicates always land together (no train/eval leakage through exact
// copies) and a rerun, or a run with more threads, assigns the same way.
// Near-duplicates are not kept together: dedup first for that.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace dsforge::data {

class SplitAssigner {
 public:
  // `weights` are relative (normalized here): [0.98, 0.02] and [98, 2] are
  // the same. Throws ds::Error(DS_ERR_INVALID_ARGUMENT) for no weights, a
  // negative or non-finite one, or a zero sum.
  SplitAssigner(const std::vector<double>& weights, uint64_t seed);

  // Index of the split for `text`.
  size_t assign(std::string_view text) const;
  size_t size() const { return bounds_.size(); }

 private:
  // Split i takes hashes in [bounds_[i-1], bounds_[i]) of the 2^64 range;
  // the last bound is implicit (everything left).
  std::vector<uint64_t> bounds_;
  uint64_t seed_;
};

}  // namespace dsforge::data
