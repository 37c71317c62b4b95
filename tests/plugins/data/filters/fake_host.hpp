// fake_host.hpp: a stand-in for dshost in unit tests of data components.
// It serves the parts of ds_host_api the components use (errors, logging,
// config getters over a JSON value) and a ds_builder_api that copies pushed
// records into vectors, so a component class runs exactly as the host drives
// it (constructor from settings, process() per batch, flush() at the end)
// without loading a .so or linking LibTorch. No tensors, no progress bars.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "dsforge/dsforge.hpp"

namespace fake {

struct Record {
  std::string text;
  std::string meta;
  std::string origin;
  int64_t line = 0;
  bool operator==(const Record& o) const {
    return text == o.text && meta == o.meta && origin == o.origin && line == o.line;
  }
};

// The C tables, for calling a plugin library through its entry point.
const ds_host_api* host_table();
const ds_builder_api* builder_api();
// The message of a plugin's error (freed here); "" for NULL.
std::string take_error(ds_error* e);

// Installs the host table for the life of the object; one at a time.
class Host {
 public:
  Host();
  ~Host();
  Host(const Host&) = delete;
  Host& operator=(const Host&) = delete;
  // Log lines so far, as "LEVEL component: message".
  const std::vector<std::string>& logs() const;
  bool logged(const std::string& needle) const;  // any line containing it
};

// Settings as the host would pass them: `settings` checked against `schema`
// (unknown keys throw, as additionalProperties false makes dshost do) and
// with the schema's top-level defaults filled in.
class Settings {
 public:
  Settings(const char* schema, nlohmann::json settings);
  ~Settings();
  Settings(const Settings&) = delete;
  Settings& operator=(const Settings&) = delete;
  ds::Config config() const;
  const ds_config* raw() const { return cfg_; }
  const nlohmann::json& json() const;

 private:
  ds_config* cfg_;
};

// What a source, transform or flush pushed and dropped.
class Output {
 public:
  Output();
  ~Output();
  Output(const Output&) = delete;
  Output& operator=(const Output&) = delete;
  ds::BatchWriter writer();
  ds_batch_builder* builder() { return b_; }
  std::vector<Record>& records();
  std::map<std::string, uint64_t>& drops();
  uint64_t dropped(const std::string& reason);

 private:
  ds_batch_builder* b_;
};

// A ds_record_batch view of records (valid while the view lives).
class BatchView {
 public:
  explicit BatchView(const std::vector<Record>& records);
  const ds_record_batch& batch() const { return batch_; }

 private:
  std::vector<ds_record> views_;
  ds_record_batch batch_{};
};

// Records with just a text.
std::vector<Record> texts(const std::vector<std::string>& texts);

// Runs a transform over `batches` as the host does: process() per batch,
// flush() once if T has one. Everything pushed is returned; drops add up in
// *out if given.
template <class T>
std::vector<Record> run_transform(T& t, const std::vector<std::vector<Record>>& batches,
                                  Output* out = nullptr) {
  Output local;
  Output& o = out != nullptr ? *out : local;
  for (const auto& b : batches) {
    BatchView view(b);
    ds::BatchWriter w = o.writer();
    t.process(view.batch(), w);
  }
  if constexpr (ds::detail::has_flush<T>::value) {
    ds::BatchWriter w = o.writer();
    t.flush(w);
  }
  return o.records();
}

// Reads a source to the end in calls of `max` records.
template <class T>
std::vector<Record> read_source(T& s, size_t max = 100, Output* out = nullptr) {
  Output local;
  Output& o = out != nullptr ? *out : local;
  for (;;) {
    ds::BatchWriter w = o.writer();
    if (s.next(w, max)) break;
  }
  return o.records();
}

}  // namespace fake
