// jsonl_sink.cpp: records -> JSON Lines, atomically. See jsonl_sink.hpp.
#include "jsonl_sink.hpp"

#include <nlohmann/json.hpp>

#include "common/config_get.hpp"

namespace dsforge::data {
namespace {

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

}  // namespace

JsonlSink::JsonlSink(const ds::Config& cfg)
    : text_field_(text_field_of(cfg)), file_(cfg.str("/path")) {}

void JsonlSink::write(const ds_record_batch& in) {
  for (size_t i = 0; i < in.count; ++i) {
    const ds_record& r = in.records[i];
    nlohmann::ordered_json obj = nlohmann::ordered_json::object();
    obj[text_field_] = std::string(ds::view(r.text));
    if (r.meta.size != 0) {
      nlohmann::ordered_json meta;
      try {
        meta = nlohmann::ordered_json::parse(ds::view(r.meta));
      } catch (const nlohmann::json::parse_error& e) {
        throw ds::Error(DS_ERR_BAD_DATA, where_record(r) + ": meta is not valid JSON: " + e.what());
      }
      if (!meta.is_object())
        throw ds::Error(DS_ERR_BAD_DATA,
                        where_record(r) + ": meta must be a JSON object, got " + meta.type_name());
      // The record's text wins over a meta field of the same name.
      for (auto it = meta.begin(); it != meta.end(); ++it)
        if (it.key() != text_field_) obj[it.key()] = std::move(it.value());
    }
    // replace: text is valid UTF-8 by contract, but one bad record from a
    // careless plugin should not abort a long run.
    line_ = obj.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    line_ += '\n';
    file_.write(line_);
    ++written_;
  }
}

void JsonlSink::commit() {
  file_.commit();
  ds::log(DS_LOG_INFO, "jsonl",
          "wrote " + std::to_string(written_) + " records to '" + file_.path() + "'");
}

}  // namespace dsforge::data
