// tokenizer_config.hpp: the parts of transformers' tokenizer_config.json the
// tokenizer uses: the bos/eos/pad/unk tokens and add_bos_token /
// add_eos_token. The chat template is another component's business.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace dsforge::tokenizer {

struct TokenizerConfig {
  std::optional<std::string> bos_token, eos_token, pad_token, unk_token;
  bool add_bos_token = true;  // LlamaTokenizerFast's defaults
  bool add_eos_token = false;
};

// Parses tokenizer_config.json text; a token is a string, an AddedToken
// object ({"content": ...}) or null. Errors name `file` and the JSON path.
TokenizerConfig parse_tokenizer_config(std::string_view json, const std::string& file);

}  // namespace dsforge::tokenizer
