// source_config.hpp: the settings the `jsonl` and `json` sources share:
// path (globs), text_field, fields, on_error. Needs the host (ds::Config).
#pragma once

#include <string>
#include <vector>

#include "dsforge/dsforge.hpp"
#include "record_mapping.hpp"

namespace dsforge::data {

struct SourceSettings {
  std::vector<std::string> files;  // expanded from `path`
  RecordMapping mapping;
  bool fail_on_error = false;  // on_error = "fail"
};

// `component` prefixes error messages ("jsonl", "json").
SourceSettings read_source_settings(const ds::Config& cfg, const char* component);

}  // namespace dsforge::data
