// tokenizer_config.cpp: reading tokenizer_config.json.
#include "tokenizer_config.hpp"

#include "tokenizer_json.hpp"

namespace dsforge::tokenizer {

namespace {
std::optional<std::string> token_of(const JsonNode& root, std::string_view key) {
  const auto node = root.find(key);
  if (!node) return std::nullopt;
  if (node->is_string()) return node->as_string();
  if (node->is_object()) return node->at("content").as_string();
  node->expected("a string, an AddedToken object or null");
}
}  // namespace

TokenizerConfig parse_tokenizer_config(std::string_view json, const std::string& file) {
  const nlohmann::json doc = parse_json(json, file);
  const JsonNode root(doc, "", file);
  if (!root.is_object()) root.expected("an object");
  TokenizerConfig c;
  c.bos_token = token_of(root, "bos_token");
  c.eos_token = token_of(root, "eos_token");
  c.pad_token = token_of(root, "pad_token");
  c.unk_token = token_of(root, "unk_token");
  c.add_bos_token = root.bool_or("add_bos_token", true);
  c.add_eos_token = root.bool_or("add_eos_token", false);
  return c;
}

}  // namespace dsforge::tokenizer
