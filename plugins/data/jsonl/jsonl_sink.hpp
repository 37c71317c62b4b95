// jsonl_sink.hpp: the `jsonl` sink. Writes each record as one compact JSON
// object per line, {text_field: text, ...meta fields}, UTF-8 unescaped.
// Output appears only on commit() (atomic rename); a sink destroyed without
// commit leaves nothing behind. origin and line are not written.
#pragma once

#include <cstdint>
#include <string>

#include "common/atomic_file.hpp"
#include "dsforge/dsforge.hpp"

namespace dsforge::data {

class JsonlSink {
 public:
  explicit JsonlSink(const ds::Config& cfg);
  void write(const ds_record_batch& in);
  void commit();

 private:
  std::string text_field_;
  AtomicFileWriter file_;
  std::string line_;
  uint64_t written_ = 0;
};

}  // namespace dsforge::data
