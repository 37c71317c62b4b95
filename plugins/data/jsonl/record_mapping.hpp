// record_mapping.hpp: one parsed JSON object -> record text and meta, the
// rule the `jsonl` and `json` sources share. Host-free.
//
// Two ways to get the text:
//   text_field: the text is one string field; meta is the other fields
//               (compact JSON, file order; empty when there are none).
//   fields:     instruction data. The text is prompt + response, each a
//               FieldTemplate filled from the object's fields ("Context:
//               {context}\nQuestion: {question}\nAnswer: " + "{answer}").
//               meta is every original field plus "prompt_chars" and
//               "prompt_bytes", the prompt's length in code points and UTF-8
//               bytes, so a tokenizing sink can mask the prompt out of the
//               loss (the prompt is text[0, prompt_bytes)).
// Does not validate UTF-8 (the sources do, per line or element, first).
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "field_template.hpp"

namespace dsforge::data {

struct FieldsMapping {
  FieldTemplate prompt{""};
  FieldTemplate response{""};
};

struct RecordMapping {
  std::string text_field = "text";     // used when `fields` is not set
  std::optional<FieldsMapping> fields;  // set: prompt + response
};

// A record, or why the value cannot be one.
struct MappedRecord {
  bool ok = false;
  std::string text;
  std::string meta;
  const char* drop_reason = nullptr;  // when !ok: "bad_json" or "missing_field"
  std::string why;                    // when !ok: for the message, without a location
};

MappedRecord map_json_value(nlohmann::ordered_json value, const RecordMapping& mapping);

// "bad JSON at byte 7: syntax error while parsing object - unexpected ...":
// nlohmann's message without its exception tag and "line 1, column 7"
// (always line 1 for one line or one element; the byte says where).
std::string json_parse_error_reason(const nlohmann::json::parse_error& e);

}  // namespace dsforge::data
