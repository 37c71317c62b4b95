// json_source.hpp: the `json` source. Reads files holding one JSON document:
// an array of objects ([{...}, ...]) or an object with the array under a key
// ({"train": [...], "test": [...]}, key = "train"). Each object becomes a
// record by the same rules as the jsonl source (text_field or fields,
// on_error, meta). Records carry origin = file and line = the line where the
// object starts; messages name file:line and the array index
// ("data.json:12: train[3]: no field \"text\"").
//
// Loads one file at a time (its bytes plus two offsets per element) and
// parses one element at a time; does not stream a file that does not fit in
// memory: convert such a file to JSON Lines.
#pragma once

#include <string>
#include <vector>

#include "dsforge/dsforge.hpp"
#include "json_scan.hpp"
#include "source_config.hpp"

namespace dsforge::data {

class JsonSource {
 public:
  explicit JsonSource(const ds::Config& cfg);
  // Pushes up to max_records records; true once every file is read.
  bool next(ds::BatchWriter& out, size_t max_records);

 private:
  void load(const std::string& path);
  bool push_element(size_t index, ds::BatchWriter& out);
  void bad_element(ds::BatchWriter& out, size_t index, const char* drop_reason,
                   const std::string& why);

  SourceSettings settings_;
  std::string key_;  // empty: the top level is the array
  size_t next_file_ = 0;
  bool loaded_ = false;
  std::string path_;      // the loaded file
  std::string content_;   // its bytes
  std::vector<JsonElement> elements_;
  size_t next_element_ = 0;
};

}  // namespace dsforge::data
