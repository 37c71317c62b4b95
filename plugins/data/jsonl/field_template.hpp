// field_template.hpp: "{name}" templates filled from a record's fields, as
// the sources' `fields` mapping ("Context: {context}\nQuestion: {question}")
// and the augment transform's `templates` use them. Host-free.
//
// Syntax: "{name}" is replaced by the field's text; "{{" and "}}" stand for
// literal braces; anything else is literal. Names are top-level JSON keys
// taken verbatim (no nesting, no format specs). Does not escape or quote
// the values it inserts.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace dsforge::data {

class FieldTemplate {
 public:
  // Returns the text of a field, nullopt when the record has none.
  using Lookup = std::function<std::optional<std::string>(const std::string& name)>;

  // Throws ds::Error(DS_ERR_INVALID_ARGUMENT) for an unclosed "{", a lone
  // "}" or an empty "{}", naming the byte offset.
  explicit FieldTemplate(std::string_view text);

  // Distinct placeholder names, in order of first use.
  const std::vector<std::string>& fields() const { return fields_; }
  const std::string& source() const { return source_; }

  // The filled text, or nullopt when a field is missing; then *missing (if
  // given) names the first missing field.
  std::optional<std::string> render(const Lookup& lookup, std::string* missing = nullptr) const;

 private:
  struct Piece {
    std::string text;  // literal text, or the field name
    bool is_field = false;
  };
  std::string source_;
  std::vector<Piece> pieces_;
  std::vector<std::string> fields_;
};

// A field's text for templates: a string as it is; numbers and booleans as
// their JSON text (42, 0.5, true); arrays and objects as compact JSON;
// nullopt when the key is absent, its value is null, or obj is no object.
std::optional<std::string> json_field_text(const nlohmann::ordered_json& obj,
                                           const std::string& name);

}  // namespace dsforge::data
