// record_buffer.hpp: the host-owned batch behind ds_batch_builder. Record
// bytes live in one arena; views are built when the batch is handed on, so
// pushes never invalidate anything a plugin holds.
#pragma once

#include <dsforge/data.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

struct ds_batch_builder {
  struct Span {
    size_t text_off, text_len, meta_off, meta_len;
    uint32_t origin;  // index into origins
    int64_t line;
  };
  std::string arena;
  std::vector<Span> spans;
  std::vector<std::string> origins;
  std::map<std::string, uint64_t> drops;  // reason -> count, accumulated until taken
  std::vector<ds_record> views;
};

namespace dsforge {

class RecordBuffer {
 public:
  RecordBuffer() = default;
  ds_batch_builder* builder() { return &b_; }
  static const ds_builder_api* api();

  void push(const ds_record& r);
  void clear();  // keeps drop counts
  size_t size() const { return b_.spans.size(); }
  size_t text_bytes() const;
  // Views valid until the next push or clear.
  const ds_record_batch& batch();
  // Returns and resets the drop counts.
  std::map<std::string, uint64_t> take_drops();

 private:
  ds_batch_builder b_;
  ds_record_batch batch_{sizeof(ds_record_batch), nullptr, 0};
};

}  // namespace dsforge
