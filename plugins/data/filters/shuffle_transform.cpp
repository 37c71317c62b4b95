// shuffle_transform.cpp: the `shuffle` transform. See shuffle_buffer.hpp.
#include "common/config_get.hpp"
#include "filters_config.hpp"
#include "filters_transforms.hpp"

namespace dsforge::data {
namespace {

size_t read_buffer_size(const ds::Config& cfg) {
  const uint64_t n = count_or(cfg, "shuffle", "/buffer_size", 10000);
  if (n < 1) throw ds::Error(DS_ERR_INVALID_ARGUMENT, "shuffle: buffer_size must be >= 1, got 0");
  return static_cast<size_t>(n);
}

}  // namespace

ShuffleTransform::ShuffleTransform(const ds::Config& cfg)
    : buffer_(read_buffer_size(cfg), static_cast<uint64_t>(integer_or(cfg, "/seed", 0))) {}

void ShuffleTransform::emit(const Owned& r, ds::BatchWriter& out) {
  out.push(r.text, r.meta, r.origin, r.line);
}

void ShuffleTransform::process(const ds_record_batch& in, ds::BatchWriter& out) {
  for (size_t i = 0; i < in.count; ++i) {
    const ds_record& r = in.records[i];
    Owned copy{std::string(ds::view(r.text)), std::string(ds::view(r.meta)),
               std::string(ds::view(r.origin)), r.line};
    if (std::optional<Owned> leaving = buffer_.offer(std::move(copy))) emit(*leaving, out);
  }
}

void ShuffleTransform::flush(ds::BatchWriter& out) {
  for (const Owned& r : buffer_.drain()) emit(r, out);
}

}  // namespace dsforge::data
