// chat_template.hpp: chat templates rendered the way Hugging Face transformers
// renders them (jinja2 ImmutableSandboxedEnvironment with trim_blocks and
// lstrip_blocks, its tojson, raise_exception and strftime_now), by our own
// Jinja2 subset: no Python, no third-party template engine.
//
//   auto t = dsforge::data::ChatTemplate::parse(source);
//   std::string prompt = t.apply(messages, /*add_generation_prompt=*/true,
//                                {{"bos_token", "<s>"}});
//
// What of Jinja2 is covered and what is not: README.md in this folder.
// Parse once, render many times; render() is const and thread-safe.
// Errors are TemplateError (a ds::Error) naming the template line and column.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "dsforge/dsforge.hpp"

namespace dsforge::data {

// A template that failed to parse or render. what() reads
//   "chat template syntax error at line 3:14: no filter named 'foo'"
// and message() is the bare text after the location. A template's own
// raise_exception("...") is kind raised, with exactly that message.
class TemplateError : public ds::Error {
 public:
  enum class Kind { syntax, render, raised };
  TemplateError(Kind kind, const std::string& message, int line, int column);
  Kind kind() const { return kind_; }
  const std::string& message() const { return message_; }
  int line() const { return line_; }      // 1-based; 0 when unknown
  int column() const { return column_; }  // 1-based, in code points; 0 when unknown

 private:
  Kind kind_;
  std::string message_;
  int line_;
  int column_;
};

struct ChatTemplateOptions {
  bool trim_blocks = true;     // transformers' setting: drop the newline after %} and #}
  bool lstrip_blocks = true;   // transformers' setting: drop indentation before {% and {#
  bool keep_trailing_newline = false;  // jinja2's default: one trailing newline goes
};

class ChatTemplate {
 public:
  // Throws TemplateError (kind syntax) for malformed templates, unknown
  // filters or tests, and tags this engine does not support.
  static ChatTemplate parse(std::string source, const ChatTemplateOptions& options = {});

  // Renders with `context` (a JSON object) as the template's variables.
  // Throws TemplateError (kind render or raised).
  std::string render(const nlohmann::ordered_json& context) const;

  // render(make_chat_context(messages, add_generation_prompt, extra)).
  std::string apply(const nlohmann::ordered_json& messages, bool add_generation_prompt,
                    const nlohmann::ordered_json& extra = nlohmann::ordered_json::object()) const;

  const std::string& source() const;

 private:
  struct Impl;
  explicit ChatTemplate(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const Impl> impl_;
};

// The variables transformers passes to a chat template: messages, tools and
// documents (null unless given), add_generation_prompt, then every key of
// `extra` (bos_token, eos_token, tools, date_string, ...), which wins.
nlohmann::ordered_json make_chat_context(const nlohmann::ordered_json& messages,
                                         bool add_generation_prompt,
                                         const nlohmann::ordered_json& extra);

// Parses and renders in one call.
std::string apply_chat_template(const std::string& template_source,
                                const nlohmann::ordered_json& messages, bool add_generation_prompt,
                                const nlohmann::ordered_json& extra = nlohmann::ordered_json::object());

// The chat side of a tokenizer_config.json.
struct TokenizerChatConfig {
  std::string origin;  // the file it came from, for messages
  // (name, source). A single `chat_template` string is named "default"; the
  // list form [{"name": ..., "template": ...}] keeps its names.
  std::vector<std::pair<std::string, std::string>> templates;
  // bos_token, eos_token, unk_token, sep_token, pad_token, cls_token,
  // mask_token (strings; AddedToken dicts reduced to their content) and
  // additional_special_tokens (a list), the ones that are set: what
  // transformers adds to the render context.
  nlohmann::ordered_json special_tokens = nlohmann::ordered_json::object();

  // transformers' choice: `name` when given; else "tool_use" when has_tools
  // and present; else "default". Throws ds::Error(DS_ERR_NOT_FOUND).
  const std::string& template_source(const std::string& name = "", bool has_tools = false) const;

  // Renders template_source(name, tools given) with the special tokens, then
  // `extra` on top of them.
  std::string apply(const nlohmann::ordered_json& messages, bool add_generation_prompt,
                    const nlohmann::ordered_json& extra = nlohmann::ordered_json::object(),
                    const std::string& name = "") const;
};

// Reads the chat template and special tokens from a parsed tokenizer config.
// Throws ds::Error(DS_ERR_BAD_DATA) for malformed fields.
TokenizerChatConfig chat_config_from_json(const nlohmann::ordered_json& config,
                                          const std::string& origin);

// Reads `path`: a tokenizer_config.json or the folder holding one. When the
// config has no chat_template, a chat_template.jinja (or chat_template.json)
// beside it is used, as newer transformers versions save them.
// Throws ds::Error: DS_ERR_IO, DS_ERR_BAD_DATA (bad JSON, naming file, line and
// column), DS_ERR_NOT_FOUND (no template anywhere).
TokenizerChatConfig load_tokenizer_chat_config(const std::string& path);

}  // namespace dsforge::data
