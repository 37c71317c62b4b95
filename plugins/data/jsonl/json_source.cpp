// json_source.cpp: JSON array files -> records. See json_source.hpp.
#include "json_source.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "common/config_get.hpp"
#include "common/utf8.hpp"

namespace dsforge::data {

JsonSource::JsonSource(const ds::Config& cfg)
    : settings_(read_source_settings(cfg, "json")), key_(string_or(cfg, "/key", "")) {}

void JsonSource::load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int err = errno;
    throw ds::Error(DS_ERR_IO, "json: cannot open '" + path + "': " + std::strerror(err));
  }
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (in.bad()) throw ds::Error(DS_ERR_IO, "json: cannot read '" + path + "'");
  path_ = path;
  content_ = std::move(bytes).str();
  // A file whose layout does not fit `key` is a configuration problem, not
  // a bad record: it stops the run whatever on_error says.
  try {
    elements_ = locate_json_array(content_, key_);
  } catch (const ds::Error& e) {
    throw ds::Error(e.code(), path_ + ": " + e.what());
  }
  next_element_ = 0;
  loaded_ = true;
}

bool JsonSource::next(ds::BatchWriter& out, size_t max_records) {
  size_t pushed = 0;
  while (pushed < max_records) {
    if (!loaded_ || next_element_ == elements_.size()) {
      if (loaded_) {  // let the finished file's memory go before the next one
        loaded_ = false;
        std::string().swap(content_);
        std::vector<JsonElement>().swap(elements_);
      }
      if (next_file_ == settings_.files.size()) return true;
      load(settings_.files[next_file_++]);
      continue;
    }
    if (push_element(next_element_++, out)) ++pushed;
  }
  return false;
}

bool JsonSource::push_element(size_t index, ds::BatchWriter& out) {
  const JsonElement& e = elements_[index];
  const std::string_view bytes = std::string_view(content_).substr(e.begin, e.end - e.begin);
  if (const std::optional<size_t> bad = first_invalid_utf8(bytes)) {
    bad_element(out, index, "invalid_utf8", describe_invalid_utf8(bytes, *bad));
    return false;
  }
  nlohmann::ordered_json value;
  try {
    value = nlohmann::ordered_json::parse(bytes);
  } catch (const nlohmann::json::parse_error& err) {
    bad_element(out, index, "bad_json", json_parse_error_reason(err));
    return false;
  }
  MappedRecord rec = map_json_value(std::move(value), settings_.mapping);
  if (!rec.ok) {
    bad_element(out, index, rec.drop_reason, rec.why);
    return false;
  }
  out.push(rec.text, rec.meta, path_, e.line);
  return true;
}

void JsonSource::bad_element(ds::BatchWriter& out, size_t index, const char* drop_reason,
                             const std::string& why) {
  const std::string msg = where(path_, elements_[index].line) + ": " + key_ + "[" +
                          std::to_string(index) + "]: " + why;
  if (settings_.fail_on_error) throw ds::Error(DS_ERR_BAD_DATA, msg);
  ds::log(DS_LOG_WARN, "json", msg + " (element skipped)");
  out.drop(drop_reason);
}

}  // namespace dsforge::data
