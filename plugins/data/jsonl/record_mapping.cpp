// record_mapping.cpp: see record_mapping.hpp.
#include "record_mapping.hpp"

#include "common/utf8.hpp"

namespace dsforge::data {
namespace {

MappedRecord failure(const char* reason, std::string why) {
  MappedRecord r;
  r.drop_reason = reason;
  r.why = std::move(why);
  return r;
}

std::string dump(const nlohmann::ordered_json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

MappedRecord map_text_field(nlohmann::ordered_json& obj, const std::string& field) {
  const auto it = obj.find(field);
  if (it == obj.end()) return failure("missing_field", "no field \"" + field + "\"");
  if (!it->is_string())
    return failure("missing_field", "field \"" + field + "\" has type " +
                                        std::string(it->type_name()) + ", expected string");
  MappedRecord r;
  r.ok = true;
  r.text = std::move(it->get_ref<std::string&>());
  obj.erase(it);
  if (!obj.empty()) r.meta = dump(obj);
  return r;
}

MappedRecord map_fields(nlohmann::ordered_json& obj, const FieldsMapping& fields) {
  std::string missing;
  auto lookup = [&](const std::string& name) { return json_field_text(obj, name); };
  auto why_missing = [&](const char* part) {
    const auto it = obj.find(missing);
    return "field \"" + missing + "\" (used by fields." + part + ") is " +
           (it == obj.end() ? std::string("missing") : std::string("null"));
  };
  std::optional<std::string> prompt = fields.prompt.render(lookup, &missing);
  if (!prompt) return failure("missing_field", why_missing("prompt"));
  std::optional<std::string> response = fields.response.render(lookup, &missing);
  if (!response) return failure("missing_field", why_missing("response"));
  MappedRecord r;
  r.ok = true;
  obj["prompt_chars"] = utf8_length(*prompt);
  obj["prompt_bytes"] = prompt->size();
  r.text = std::move(*prompt);
  r.text += *response;
  r.meta = dump(obj);
  return r;
}

}  // namespace

std::string json_parse_error_reason(const nlohmann::json::parse_error& e) {
  std::string msg = e.what();
  const size_t bracket = msg.find("] ");
  if (bracket != std::string::npos) msg.erase(0, bracket + 2);
  const size_t colon = msg.find(": ");
  if (colon != std::string::npos) msg.erase(0, colon + 2);
  return "bad JSON at byte " + std::to_string(e.byte) + ": " + msg;
}

MappedRecord map_json_value(nlohmann::ordered_json value, const RecordMapping& mapping) {
  if (!value.is_object())
    return failure("bad_json", std::string("expected a JSON object, got ") + value.type_name());
  return mapping.fields ? map_fields(value, *mapping.fields)
                        : map_text_field(value, mapping.text_field);
}

}  // namespace dsforge::data
