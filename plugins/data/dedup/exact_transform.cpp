// exact_transform.cpp: settings -> ExactDedup, and the per-record loop.
#include "exact_transform.hpp"

#include <string>

#include "common/config_get.hpp"

namespace dsforge::data {
namespace {

// Fallback must match the default in dedup_plugin.cpp's schema.
dedup::ExactNormalization read_mode(const ds::Config& cfg) {
  const std::string name = choice_or(cfg, "exact_dedup", "/normalize", "whitespace",
                                     {"none", "whitespace", "casefold_whitespace"});
  return dedup::parse_exact_normalization(name);
}

}  // namespace

ExactDedupTransform::ExactDedupTransform(const ds::Config& cfg) : seen_(read_mode(cfg)) {}

void ExactDedupTransform::process(const ds_record_batch& in, ds::BatchWriter& out) {
  uint64_t dropped = 0;
  for (size_t i = 0; i < in.count; ++i) {
    const ds_record& r = in.records[i];
    if (seen_.insert(ds::view(r.text))) {
      out.push(r);
    } else {
      ++dropped;
    }
  }
  if (dropped > 0) out.drop("duplicate", dropped);
  records_ += in.count;
  dropped_ += dropped;
}

void ExactDedupTransform::flush(ds::BatchWriter&) {
  ds::log(DS_LOG_INFO, "exact_dedup",
          std::to_string(records_) + " records, " + std::to_string(seen_.distinct()) +
              " distinct, " + std::to_string(dropped_) + " dropped as duplicate");
}

}  // namespace dsforge::data
