// length_filter.cpp: the `length_filter` transform. See filters_transforms.hpp.
#include "common/config_get.hpp"
#include "filters_config.hpp"
#include "filters_transforms.hpp"

namespace dsforge::data {
namespace {

// Unset maxima mean "no limit"; the schema gives them no default.
LengthLimits read_limits(const ds::Config& cfg) {
  constexpr const char* kName = "length_filter";
  LengthLimits l;
  l.min_chars = count_or(cfg, kName, "/min_chars", l.min_chars);
  l.max_chars = count_or(cfg, kName, "/max_chars", l.max_chars);
  l.min_bytes = count_or(cfg, kName, "/min_bytes", l.min_bytes);
  l.max_bytes = count_or(cfg, kName, "/max_bytes", l.max_bytes);
  if (l.min_chars > l.max_chars)
    throw ds::Error(DS_ERR_INVALID_ARGUMENT,
                    "length_filter: min_chars (" + std::to_string(l.min_chars) +
                        ") is above max_chars (" + std::to_string(l.max_chars) + ")");
  if (l.min_bytes > l.max_bytes)
    throw ds::Error(DS_ERR_INVALID_ARGUMENT,
                    "length_filter: min_bytes (" + std::to_string(l.min_bytes) +
                        ") is above max_bytes (" + std::to_string(l.max_bytes) + ")");
  const LengthLimits none;
  if (l.min_chars == none.min_chars && l.max_chars == none.max_chars &&
      l.min_bytes == none.min_bytes && l.max_bytes == none.max_bytes)
    throw ds::Error(DS_ERR_INVALID_ARGUMENT,
                    "length_filter: no limit set; give min_chars, max_chars, min_bytes or "
                    "max_bytes");
  return l;
}

}  // namespace

LengthFilter::LengthFilter(const ds::Config& cfg) : limits_(read_limits(cfg)) {}

void LengthFilter::process(const ds_record_batch& in, ds::BatchWriter& out) {
  for (size_t i = 0; i < in.count; ++i) {
    const ds_record& r = in.records[i];
    if (const char* reason = length_drop_reason(check_length(ds::view(r.text), limits_)))
      out.drop(reason);
    else
      out.push(r);
  }
}

}  // namespace dsforge::data
