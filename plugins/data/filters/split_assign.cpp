// split_assign.cpp: see split_assign.hpp.
#include "split_assign.hpp"

#include <cmath>
#include <string>

#include "dsforge/dsforge.hpp"
#include "filter_random.hpp"

namespace dsforge::data {

SplitAssigner::SplitAssigner(const std::vector<double>& weights, uint64_t seed) : seed_(seed) {
  if (weights.empty()) throw ds::Error(DS_ERR_INVALID_ARGUMENT, "at least one ratio is needed");
  double sum = 0;
  for (size_t i = 0; i < weights.size(); ++i) {
    if (!std::isfinite(weights[i]) || weights[i] < 0)
      throw ds::Error(DS_ERR_INVALID_ARGUMENT, "ratios[" + std::to_string(i) +
                                                   "] must be a finite number >= 0, got " +
                                                   std::to_string(weights[i]));
    sum += weights[i];
  }
  if (!(sum > 0)) throw ds::Error(DS_ERR_INVALID_ARGUMENT, "ratios must not all be 0");
  // Bounds in 2^64 units, computed from the running sum so rounding never
  // accumulates; a zero weight gives an empty range (never chosen).
  double running = 0;
  for (size_t i = 0; i < weights.size(); ++i) {
    running += weights[i];
    const double fraction = running / sum;
    bounds_.push_back(i + 1 == weights.size() || fraction >= 1.0
                          ? UINT64_MAX
                          : static_cast<uint64_t>(std::ldexp(fraction, 64)));
  }
}

size_t SplitAssigner::assign(std::string_view text) const {
  const uint64_t h = hash_bytes(text, seed_);
  for (size_t i = 0; i + 1 < bounds_.size(); ++i)
    if (h < bounds_[i]) return i;
  return bounds_.size() - 1;
}

}  // namespace dsforge::data
