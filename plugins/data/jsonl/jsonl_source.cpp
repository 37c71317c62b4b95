// jsonl_source.cpp: JSON Lines -> records. See jsonl_source.hpp.
#include "jsonl_source.hpp"

#include <nlohmann/json.hpp>

#include "common/config_get.hpp"
#include "common/utf8.hpp"

namespace dsforge::data {
namespace {

bool is_blank(const std::string& line) {
  for (char c : line)
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n' && c != '\f' && c != '\v') return false;
  return true;
}

JsonlSourceOptions read_options(const ds::Config& cfg) {
  JsonlSourceOptions opt;
  opt.common = read_source_settings(cfg, "jsonl");
  const int64_t max = integer_or(cfg, "/max_line_bytes", static_cast<int64_t>(opt.max_line_bytes));
  if (max < 1)
    throw ds::Error(DS_ERR_INVALID_ARGUMENT,
                    "jsonl: max_line_bytes must be at least 1, got " + std::to_string(max));
  opt.max_line_bytes = static_cast<size_t>(max);
  return opt;
}

}  // namespace

JsonlSource::JsonlSource(const ds::Config& cfg) : opt_(read_options(cfg)) {}

bool JsonlSource::next(ds::BatchWriter& out, size_t max_records) {
  size_t pushed = 0;
  while (pushed < max_records) {
    if (!reader_) {
      if (next_file_ == opt_.common.files.size()) return true;
      // Files open one at a time, when reached: a run over thousands of
      // shards keeps one descriptor.
      reader_ = std::make_unique<LineReader>(opt_.common.files[next_file_++], opt_.max_line_bytes);
    }
    if (!reader_->next(line_)) {
      reader_.reset();
      continue;
    }
    if (reader_->too_long()) {
      bad_line(out, "line_too_long",
               "line is longer than max_line_bytes (" + std::to_string(opt_.max_line_bytes) + ")");
      continue;
    }
    if (is_blank(line_)) continue;
    if (push_line(line_, out)) ++pushed;
  }
  return false;
}

bool JsonlSource::push_line(const std::string& line, ds::BatchWriter& out) {
  // UTF-8 first: the JSON parser would also reject it, but as "bad JSON",
  // and an encoding problem wants its own reason in the statistics.
  if (const std::optional<size_t> bad = first_invalid_utf8(line)) {
    bad_line(out, "invalid_utf8", describe_invalid_utf8(line, *bad));
    return false;
  }
  // ordered_json keeps the fields in file order, so meta round-trips.
  nlohmann::ordered_json obj;
  try {
    obj = nlohmann::ordered_json::parse(line);
  } catch (const nlohmann::json::parse_error& e) {
    bad_line(out, "bad_json", json_parse_error_reason(e));
    return false;
  }
  MappedRecord rec = map_json_value(std::move(obj), opt_.common.mapping);
  if (!rec.ok) {
    bad_line(out, rec.drop_reason, rec.why);
    return false;
  }
  out.push(rec.text, rec.meta, reader_->path(), reader_->line_number());
  return true;
}

void JsonlSource::bad_line(ds::BatchWriter& out, const char* drop_reason, const std::string& why) {
  const std::string msg = where(reader_->path(), reader_->line_number()) + ": " + why;
  if (opt_.common.fail_on_error) throw ds::Error(DS_ERR_BAD_DATA, msg);
  ds::log(DS_LOG_WARN, "jsonl", msg + " (line skipped)");
  out.drop(drop_reason);
}

}  // namespace dsforge::data
