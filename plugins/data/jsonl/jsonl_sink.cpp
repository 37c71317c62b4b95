// jsonl_sink.cpp: records -> JSON Lines, atomically. See jsonl_sink.hpp.
#include "jsonl_sink.hpp"

#include <filesystem>

#include <nlohmann/json.hpp>

#include "common/config_get.hpp"

namespace dsforge::data {
namespace {

// More distinct values than this means split_by names the wrong field (an
// id, a title); refuse rather than open thousands of files.
constexpr size_t kMaxSplitFiles = 256;

std::string text_field_of(const ds::Config& cfg) {
  std::string field = string_or(cfg, "/text_field", "text");
  if (field.empty())
    throw ds::Error(DS_ERR_INVALID_ARGUMENT, "jsonl sink: text_field must not be empty");
  return field;
}

std::string where_record(const ds_record& r) {
  const std::string origin = r.origin.size ? std::string(ds::view(r.origin)) : "<record>";
  return where(origin, r.line);
}

// The split_by value as a file name part: a non-empty string or an integer;
// nothing that would leave the directory or hide the file.
std::string split_value(const nlohmann::ordered_json& meta, const std::string& field,
                        const ds_record& r) {
  const auto it = meta.is_object() ? meta.find(field) : meta.end();
  if (!meta.is_object() || it == meta.end())
    throw ds::Error(DS_ERR_BAD_DATA,
                    where_record(r) + ": no meta field \"" + field +
                        "\" for split_by; put a `split` transform before the sink, or unset split_by");
  std::string value;
  if (it->is_string())
    value = it->get<std::string>();
  else if (it->is_number_integer())
    value = it->dump();
  else
    throw ds::Error(DS_ERR_BAD_DATA, where_record(r) + ": meta field \"" + field + "\" is " +
                                         std::string(it->type_name()) +
                                         ", expected a string (split_by names files by it)");
  bool safe = !value.empty() && value != "." && value != "..";
  for (const char c : value) safe = safe && c != '/' && c != '\\' && static_cast<unsigned char>(c) >= 0x20;
  if (!safe)
    throw ds::Error(DS_ERR_BAD_DATA, where_record(r) + ": meta field \"" + field + "\" = \"" + value +
                                         "\" cannot be part of a file name (split_by)");
  return value;
}

}  // namespace

std::string split_path(const std::string& path, const std::string& value) {
  const std::filesystem::path p(path);
  const std::string ext = p.extension().string();  // ".jsonl", or "" (also for ".hidden")
  return path.substr(0, path.size() - ext.size()) + "." + value + ext;
}

JsonlSink::JsonlSink(const ds::Config& cfg)
    : text_field_(text_field_of(cfg)),
      path_(cfg.str("/path")),
      split_by_(string_or(cfg, "/split_by", "")) {
  if (split_by_.empty()) {
    file_ = std::make_unique<AtomicFileWriter>(path_);
    return;
  }
  // Files open as values appear; fail now, not after a long run, when the
  // path cannot work at all.
  std::error_code ec;
  if (path_.empty() || path_.back() == '/' || std::filesystem::is_directory(path_, ec))
    throw ds::Error(DS_ERR_INVALID_ARGUMENT,
                    "jsonl sink: path '" + path_ + "' is a directory; expected a file name "
                    "(split_by adds .<value> before its extension)");
}

size_t JsonlSink::file_for(const std::string& value, const ds_record& r) {
  const auto it = by_value_.find(value);
  if (it != by_value_.end()) return it->second;
  if (by_value_.size() == kMaxSplitFiles)
    throw ds::Error(DS_ERR_BAD_DATA, where_record(r) + ": split_by field \"" + split_by_ +
                                         "\" has more than " + std::to_string(kMaxSplitFiles) +
                                         " distinct values; is it the right field?");
  const size_t index = files_.add(split_path(path_, value));
  by_value_.emplace(value, index);
  written_per_file_.push_back(0);
  return index;
}

void JsonlSink::write(const ds_record_batch& in) {
  for (size_t i = 0; i < in.count; ++i) {
    const ds_record& r = in.records[i];
    nlohmann::ordered_json obj = nlohmann::ordered_json::object();
    obj[text_field_] = std::string(ds::view(r.text));
    nlohmann::ordered_json meta;
    if (r.meta.size != 0) {
      try {
        meta = nlohmann::ordered_json::parse(ds::view(r.meta));
      } catch (const nlohmann::json::parse_error& e) {
        throw ds::Error(DS_ERR_BAD_DATA, where_record(r) + ": meta is not valid JSON: " + e.what());
      }
      if (!meta.is_object())
        throw ds::Error(DS_ERR_BAD_DATA,
                        where_record(r) + ": meta must be a JSON object, got " + meta.type_name());
    }
    size_t file = 0;
    if (!split_by_.empty()) file = file_for(split_value(meta, split_by_, r), r);
    // The record's text wins over a meta field of the same name.
    if (meta.is_object())
      for (auto it = meta.begin(); it != meta.end(); ++it)
        if (it.key() != text_field_) obj[it.key()] = std::move(it.value());
    // replace: text is valid UTF-8 by contract, but one bad record from a
    // careless plugin should not abort a long run.
    line_ = obj.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    line_ += '\n';
    if (split_by_.empty()) {
      file_->write(line_);
    } else {
      files_.write(file, line_);
      ++written_per_file_[file];
    }
    ++written_;
  }
}

void JsonlSink::commit() {
  if (split_by_.empty()) {
    file_->commit();
    ds::log(DS_LOG_INFO, "jsonl",
            "wrote " + std::to_string(written_) + " records to '" + file_->path() + "'");
    return;
  }
  if (files_.size() == 0) {
    ds::log(DS_LOG_WARN, "jsonl",
            "no records reached the sink; split_by wrote no files next to '" + path_ + "'");
    return;
  }
  files_.commit();
  for (const auto& [value, index] : by_value_)
    ds::log(DS_LOG_INFO, "jsonl",
            "wrote " + std::to_string(written_per_file_[index]) + " records to '" +
                files_.path(index) + "'");
}

}  // namespace dsforge::data
