// tokenizer_json.cpp: path-aware JSON reading and file loading.
#include "tokenizer_json.hpp"

#include <fstream>
#include <limits>
#include <sstream>
#include <stdexcept>

namespace dsforge::tokenizer {

namespace {
std::string child_path(const std::string& parent, std::string_view key) {
  if (parent.empty()) return std::string(key);
  std::string p = parent;
  p += '.';
  p += key;
  return p;
}
}  // namespace

std::string json_preview(const nlohmann::json& value) {
  if (value.is_object()) return "{...}";
  if (value.is_array()) return "[...]";
  std::string s = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (s.size() > 60) s = s.substr(0, 57) + "...";
  return s;
}

JsonNode JsonNode::at(std::string_view key) const {
  if (!value_->is_object()) expected("an object");
  auto it = value_->find(key);
  if (it == value_->end()) {
    std::string where = path_.empty() ? std::string("(root)") : path_;
    throw std::runtime_error(*file_ + ": " + where + ": missing \"" + std::string(key) + "\"");
  }
  return JsonNode(*it, child_path(path_, key), *file_);
}

std::optional<JsonNode> JsonNode::find(std::string_view key) const {
  if (!value_->is_object()) expected("an object");
  auto it = value_->find(key);
  if (it == value_->end() || it->is_null()) return std::nullopt;
  return JsonNode(*it, child_path(path_, key), *file_);
}

JsonNode JsonNode::at(size_t i) const {
  if (!value_->is_array()) expected("an array");
  if (i >= value_->size()) fail("index " + std::to_string(i) + " out of range");
  return JsonNode((*value_)[i], path_ + "[" + std::to_string(i) + "]", *file_);
}

size_t JsonNode::array_size() const {
  if (!value_->is_array()) expected("an array");
  return value_->size();
}

std::string JsonNode::as_string() const {
  if (!value_->is_string()) expected("a string");
  return value_->get<std::string>();
}

bool JsonNode::as_bool() const {
  if (!value_->is_boolean()) expected("true or false");
  return value_->get<bool>();
}

uint32_t JsonNode::as_u32() const {
  if (value_->is_number_unsigned()) {
    const auto v = value_->get<uint64_t>();
    if (v <= std::numeric_limits<uint32_t>::max()) return static_cast<uint32_t>(v);
  } else if (value_->is_number_integer()) {
    const auto v = value_->get<int64_t>();
    if (v >= 0 && v <= std::numeric_limits<uint32_t>::max()) return static_cast<uint32_t>(v);
  }
  expected("an integer in [0, 4294967295]");
}

int64_t JsonNode::as_int() const {
  if (value_->is_number_integer()) return value_->get<int64_t>();
  expected("an integer");
}

double JsonNode::as_number() const {
  if (value_->is_number()) return value_->get<double>();
  expected("a number");
}

std::string JsonNode::string_or(std::string_view key, std::string_view fallback) const {
  auto n = find(key);
  return n ? n->as_string() : std::string(fallback);
}

bool JsonNode::bool_or(std::string_view key, bool fallback) const {
  auto n = find(key);
  return n ? n->as_bool() : fallback;
}

int64_t JsonNode::int_or(std::string_view key, int64_t fallback) const {
  auto n = find(key);
  return n ? n->as_int() : fallback;
}

void JsonNode::fail(const std::string& message) const {
  std::string where = path_.empty() ? std::string("(root)") : path_;
  throw std::runtime_error(*file_ + ": " + where + ": " + message);
}

void JsonNode::expected(const std::string& what) const {
  fail("expected " + what + ", got " + json_preview(*value_));
}

nlohmann::json parse_json(std::string_view text, const std::string& file) {
  try {
    return nlohmann::json::parse(text.begin(), text.end());
  } catch (const nlohmann::json::parse_error& e) {
    // e.what() reads "[json.exception.parse_error.101] parse error at line 3, column 5: ..."
    std::string what = e.what();
    const auto at = what.find("parse error");
    throw std::runtime_error(file + ": invalid JSON: " + (at == std::string::npos ? what : what.substr(at)));
  }
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) throw std::runtime_error("cannot read " + path);
  return std::move(ss).str();
}

}  // namespace dsforge::tokenizer
