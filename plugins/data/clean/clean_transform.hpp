// clean_transform.hpp: the `clean` transform: clean_text() on every record,
// plus the record-level rules: invalid UTF-8 is dropped ("invalid_utf8"),
// text left shorter than min_chars code points is dropped
// ("empty_after_clean"). Holds nothing back and keeps no state across
// batches, so it has no flush() and declares DS_COMPONENT_PARALLEL.
#pragma once

#include <cstddef>

#include "clean_text.hpp"
#include "dsforge/dsforge.hpp"

namespace dsforge::data {

class CleanTransform {
 public:
  explicit CleanTransform(const ds::Config& cfg);
  void process(const ds_record_batch& in, ds::BatchWriter& out);

 private:
  CleanOptions options_;
  size_t min_chars_ = 1;
};

}  // namespace dsforge::data
