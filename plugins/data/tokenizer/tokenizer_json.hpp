// tokenizer_json.hpp: reading tokenizer.json with errors that say where.
//
// A JsonNode is a borrowed nlohmann::json value plus its path from the root
// ("model.merges[17]") and the file name, so every reader can fail with
// "tokenizer.json: model.merges[17]: expected \"a b\", got 42". It only reads;
// it knows nothing about what the fields mean.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace dsforge::tokenizer {

class JsonNode {
 public:
  JsonNode(const nlohmann::json& value, std::string path, const std::string& file)
      : value_(&value), path_(std::move(path)), file_(&file) {}

  const nlohmann::json& json() const { return *value_; }
  const std::string& path() const { return path_; }
  const std::string& file() const { return *file_; }
  bool is_null() const { return value_->is_null(); }
  bool is_string() const { return value_->is_string(); }
  bool is_array() const { return value_->is_array(); }
  bool is_object() const { return value_->is_object(); }

  // Member `key`; fails when absent (null is returned as a null node).
  JsonNode at(std::string_view key) const;
  // Member `key`, or nullopt when absent or null.
  std::optional<JsonNode> find(std::string_view key) const;
  // Element i of an array.
  JsonNode at(size_t i) const;
  // Size of an array (fails for anything else).
  size_t array_size() const;

  std::string as_string() const;
  bool as_bool() const;
  uint32_t as_u32() const;
  int64_t as_int() const;
  double as_number() const;

  // Optional members with defaults (absent or null -> default).
  std::string string_or(std::string_view key, std::string_view fallback) const;
  bool bool_or(std::string_view key, bool fallback) const;
  int64_t int_or(std::string_view key, int64_t fallback) const;

  // "<file>: <path>: <message>"
  [[noreturn]] void fail(const std::string& message) const;
  // "expected <what>, got <the value, shortened>"
  [[noreturn]] void expected(const std::string& what) const;

 private:
  const nlohmann::json* value_;
  std::string path_;
  const std::string* file_;
};

// Parses `text`; a syntax error becomes "<file>: invalid JSON: ...".
nlohmann::json parse_json(std::string_view text, const std::string& file);
// Whole file as bytes; "cannot open <file>" when unreadable.
std::string read_file(const std::string& path);
// The value shortened for messages: "42", "\"abc\"", "{...}".
std::string json_preview(const nlohmann::json& value);

}  // namespace dsforge::tokenizer
