// jsonl_sink.hpp: the `jsonl` sink. Writes each record as one compact JSON
// object per line, {text_field: text, ...meta fields}, UTF-8 unescaped.
// With `split_by` (a meta field name, e.g. "split") records go to one file
// per value of that field: path "out/data.jsonl" -> "out/data.train.jsonl",
// "out/data.eval.jsonl", ...
// Output appears only on commit() (atomic rename; with split_by all files
// together, see file_set.hpp); a sink destroyed without commit leaves
// nothing behind. origin and line are not written.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/atomic_file.hpp"
#include "dsforge/dsforge.hpp"
#include "file_set.hpp"

namespace dsforge::data {

// "<stem>.<value><ext>": split_path("out/data.jsonl", "train") is
// "out/data.train.jsonl"; a path without an extension gets ".<value>".
std::string split_path(const std::string& path, const std::string& value);

class JsonlSink {
 public:
  explicit JsonlSink(const ds::Config& cfg);
  void write(const ds_record_batch& in);
  void commit();

 private:
  // The file index for a record's split_by value, opening the file the
  // first time a value is seen.
  size_t file_for(const std::string& value, const ds_record& r);

  std::string text_field_;
  std::string path_;
  std::string split_by_;                    // empty: one file
  std::unique_ptr<AtomicFileWriter> file_;  // without split_by
  AtomicFileSet files_;                     // with split_by
  std::map<std::string, size_t> by_value_;  // split_by value -> files_ index
  std::vector<uint64_t> written_per_file_;
  std::string line_;
  uint64_t written_ = 0;
};

}  // namespace dsforge::data
