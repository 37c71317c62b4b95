// jsonl_source.cpp: JSON Lines -> records. See jsonl_source.hpp.
#include "jsonl_source.hpp"

#include <nlohmann/json.hpp>

#include "common/config_get.hpp"
#include "common/glob_paths.hpp"
#include "common/utf8.hpp"

namespace dsforge::data {
namespace {

bool is_blank(const std::string& line) {
  for (char c : line)
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n' && c != '\f' && c != '\v') return false;
  return true;
}

// nlohmann's message is "[json.exception.parse_error.101] parse error at
// line 1, column 7: syntax error ..."; the line is always 1 here and the
// column is the byte we report, so keep only the part after the location.
std::string parse_error_reason(const nlohmann::json::parse_error& e) {
  std::string msg = e.what();
  const size_t bracket = msg.find("] ");
  if (bracket != std::string::npos) msg.erase(0, bracket + 2);
  const size_t colon = msg.find(": ");
  if (colon != std::string::npos) msg.erase(0, colon + 2);
  return "bad JSON at byte " + std::to_string(e.byte) + ": " + msg;
}

JsonlSourceOptions read_options(const ds::Config& cfg) {
  JsonlSourceOptions opt;
  opt.files = expand_globs(cfg.string_or_strings("/path"));
  opt.text_field = string_or(cfg, "/text_field", opt.text_field);
  if (opt.text_field.empty())
    throw ds::Error(DS_ERR_INVALID_ARGUMENT, "jsonl: text_field must not be empty");
  opt.fail_on_error = choice_or(cfg, "jsonl", "/on_error", "skip", {"skip", "fail"}) == "fail";
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
      if (next_file_ == opt_.files.size()) return true;
      // Files open one at a time, when reached: a run over thousands of
      // shards keeps one descriptor.
      reader_ = std::make_unique<LineReader>(opt_.files[next_file_++], opt_.max_line_bytes);
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
    bad_line(out, "bad_json", parse_error_reason(e));
    return false;
  }
  if (!obj.is_object()) {
    bad_line(out, "bad_json", std::string("expected a JSON object, got ") + obj.type_name());
    return false;
  }
  const auto it = obj.find(opt_.text_field);
  if (it == obj.end()) {
    bad_line(out, "missing_field", "no field \"" + opt_.text_field + "\"");
    return false;
  }
  if (!it->is_string()) {
    bad_line(out, "missing_field",
             "field \"" + opt_.text_field + "\" has type " + it->type_name() + ", expected string");
    return false;
  }
  const std::string text = std::move(it->get_ref<std::string&>());
  obj.erase(it);
  const std::string meta = obj.empty()
                               ? std::string()
                               : obj.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  out.push(text, meta, reader_->path(), reader_->line_number());
  return true;
}

void JsonlSource::bad_line(ds::BatchWriter& out, const char* drop_reason, const std::string& why) {
  const std::string msg = where(reader_->path(), reader_->line_number()) + ": " + why;
  if (opt_.fail_on_error) throw ds::Error(DS_ERR_BAD_DATA, msg);
  ds::log(DS_LOG_WARN, "jsonl", msg + " (line skipped)");
  out.drop(drop_reason);
}

}  // namespace dsforge::data
