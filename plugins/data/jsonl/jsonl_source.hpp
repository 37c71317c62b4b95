// jsonl_source.hpp: the `jsonl` source. Streams JSON Lines files (one JSON
// object per line) into records: the text field becomes the record text, the
// other fields its meta; or, with `fields`, prompt + response templates make
// the text (record_mapping.hpp). Does not hold more than one line of a file
// in memory and does not guess at non-object lines: they are bad data.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/line_reader.hpp"
#include "dsforge/dsforge.hpp"
#include "source_config.hpp"

namespace dsforge::data {

struct JsonlSourceOptions {
  SourceSettings common;                     // path, text_field, fields, on_error
  size_t max_line_bytes = size_t(64) << 20;  // 64 MiB
};

class JsonlSource {
 public:
  explicit JsonlSource(const ds::Config& cfg);
  // Pushes up to max_records records; true once every file is read.
  bool next(ds::BatchWriter& out, size_t max_records);

 private:
  // Parses one line into a record, or reports why it is bad (and drops it).
  bool push_line(const std::string& line, ds::BatchWriter& out);
  void bad_line(ds::BatchWriter& out, const char* drop_reason, const std::string& why);

  JsonlSourceOptions opt_;
  size_t next_file_ = 0;
  std::unique_ptr<LineReader> reader_;
  std::string line_;
};

}  // namespace dsforge::data
