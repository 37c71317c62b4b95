// dedup_exact.hpp: the memory of exact_dedup: a set of 128-bit keys of
// normalized texts. insert() says whether a text is new, so a stream is
// deduplicated as it flows (first occurrence kept, nothing buffered).
// Memory: about 50 bytes per distinct text (key plus hash-node overhead),
// whatever its length.
#pragma once

#include <cstddef>
#include <string_view>
#include <unordered_set>

#include "dedup_hash.hpp"
#include "dedup_text.hpp"

namespace dsforge::data::dedup {

class ExactDedup {
 public:
  explicit ExactDedup(ExactNormalization mode) : mode_(mode) {}

  // True the first time a text (after normalization) is seen.
  bool insert(std::string_view text) { return seen_.insert(exact_key(text, mode_)).second; }
  size_t distinct() const { return seen_.size(); }
  ExactNormalization mode() const { return mode_; }

 private:
  ExactNormalization mode_;
  std::unordered_set<Hash128, Hash128Hasher> seen_;
};

}  // namespace dsforge::data::dedup
