// tokenizer_client.hpp: dshost's view of a tokenizer plugin component
// (DS_KIND_TOKENIZER): encode, decode and chat templates through the ABI.
// Which plugin serves a tokenizer folder is a setting, so a SentencePiece or
// tiktoken tokenizer plugs in without touching dshost.
#pragma once

#include <dsforge/tokenizer.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "data/component_instance.hpp"
#include "plugins/registry.hpp"

namespace dsforge {

class TokenizerClient {
 public:
  // Creates the component `plugin` (default "hf_tokenizer") with
  // {"path": path}. Throws UserError when it is missing or refuses the path.
  TokenizerClient(const Registry& registry, const std::string& path, const std::string& plugin = "hf_tokenizer");

  ds_tokenizer_info info() const;
  std::vector<uint32_t> encode(std::string_view text, bool add_special_tokens) const;
  std::string decode(const std::vector<uint32_t>& ids, bool skip_special_tokens) const;
  std::string id_to_token(uint32_t id) const;
  bool has_chat_template() const;
  // `messages_json`: a JSON array; `extra_json`: a JSON object or "".
  std::string apply_chat_template(std::string_view messages_json, bool add_generation_prompt,
                                  std::string_view extra_json) const;

 private:
  const ds_tokenizer_vtable& vt() const { return instance_->vtable<ds_tokenizer_vtable>(); }
  std::unique_ptr<ComponentInstance> instance_;
};

}  // namespace dsforge
