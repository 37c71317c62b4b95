// exact_transform.hpp: the `exact_dedup` transform: drops a record whose
// normalized text was seen before ("duplicate"), keeps the first. Streams:
// records go on in the batch they came in; flush() pushes nothing and logs
// a summary.
#pragma once

#include <cstdint>

#include "dedup_exact.hpp"
#include "dsforge/dsforge.hpp"

namespace dsforge::data {

class ExactDedupTransform {
 public:
  explicit ExactDedupTransform(const ds::Config& cfg);
  void process(const ds_record_batch& in, ds::BatchWriter& out);
  void flush(ds::BatchWriter& out);

 private:
  dedup::ExactDedup seen_;
  uint64_t records_ = 0;
  uint64_t dropped_ = 0;
};

}  // namespace dsforge::data
