// field_template.cpp: see field_template.hpp.
#include "field_template.hpp"

#include "dsforge/dsforge.hpp"

namespace dsforge::data {
namespace {

[[noreturn]] void bad_template(std::string_view text, size_t offset, const std::string& what) {
  throw ds::Error(DS_ERR_INVALID_ARGUMENT, what + " at byte " + std::to_string(offset) +
                                               " of template \"" + std::string(text) +
                                               "\" (write \"{{\" or \"}}\" for a literal brace)");
}

}  // namespace

FieldTemplate::FieldTemplate(std::string_view text) : source_(text) {
  std::string literal;
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == '{' && i + 1 < text.size() && text[i + 1] == '{') {
      literal += '{';
      i += 2;
    } else if (c == '}' && i + 1 < text.size() && text[i + 1] == '}') {
      literal += '}';
      i += 2;
    } else if (c == '}') {
      bad_template(text, i, "lone '}'");
    } else if (c == '{') {
      const size_t close = text.find_first_of("{}", i + 1);
      if (close == std::string_view::npos || text[close] == '{')
        bad_template(text, i, "unclosed '{'");
      if (close == i + 1) bad_template(text, i, "empty placeholder '{}'");
      if (!literal.empty()) pieces_.push_back(Piece{std::move(literal), false});
      literal.clear();
      std::string name(text.substr(i + 1, close - i - 1));
      bool seen = false;
      for (const std::string& f : fields_) seen = seen || f == name;
      if (!seen) fields_.push_back(name);
      pieces_.push_back(Piece{std::move(name), true});
      i = close + 1;
    } else {
      literal += c;
      ++i;
    }
  }
  if (!literal.empty()) pieces_.push_back(Piece{std::move(literal), false});
}

std::optional<std::string> FieldTemplate::render(const Lookup& lookup, std::string* missing) const {
  std::string out;
  for (const Piece& p : pieces_) {
    if (!p.is_field) {
      out += p.text;
      continue;
    }
    std::optional<std::string> value = lookup(p.text);
    if (!value) {
      if (missing != nullptr) *missing = p.text;
      return std::nullopt;
    }
    out += *value;
  }
  return out;
}

std::optional<std::string> json_field_text(const nlohmann::ordered_json& obj,
                                           const std::string& name) {
  if (!obj.is_object()) return std::nullopt;
  const auto it = obj.find(name);
  if (it == obj.end() || it->is_null()) return std::nullopt;
  if (it->is_string()) return it->get<std::string>();
  return it->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace dsforge::data
