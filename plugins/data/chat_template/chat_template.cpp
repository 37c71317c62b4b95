// chat_template.cpp: the public API over the jinja_* engine, and the
// tokenizer_config.json loader. Internal jinja::Failure errors become
// TemplateError here, the one place they cross into callers' code.
#include "chat_template.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <sys/stat.h>

#include "jinja_eval.hpp"
#include "jinja_lexer.hpp"
#include "jinja_parser.hpp"

namespace dsforge::data {
namespace {

std::string describe(TemplateError::Kind kind, const std::string& message, int line, int column) {
  std::string what = kind == TemplateError::Kind::syntax   ? "chat template syntax error"
                     : kind == TemplateError::Kind::raised ? "chat template raised an exception"
                                                           : "chat template error";
  if (line > 0) what += " at line " + std::to_string(line) + ":" + std::to_string(column);
  return what + ": " + message;
}

TemplateError to_template_error(const jinja::Failure& f) {
  const TemplateError::Kind kind = f.kind == jinja::Failure::Kind::syntax   ? TemplateError::Kind::syntax
                                   : f.kind == jinja::Failure::Kind::raised ? TemplateError::Kind::raised
                                                                            : TemplateError::Kind::render;
  return TemplateError(kind, f.message, f.line, f.column);
}

}  // namespace

TemplateError::TemplateError(Kind kind, const std::string& message, int line, int column)
    : ds::Error(kind == Kind::syntax ? DS_ERR_INVALID_ARGUMENT : DS_ERR_BAD_DATA,
                describe(kind, message, line, column)),
      kind_(kind),
      message_(message),
      line_(line),
      column_(column) {}

struct ChatTemplate::Impl {
  std::string source;
  jinja::Program program;
};

ChatTemplate ChatTemplate::parse(std::string source, const ChatTemplateOptions& options) {
  auto impl = std::make_shared<Impl>();
  impl->source = std::move(source);
  jinja::LexOptions lex;
  lex.trim_blocks = options.trim_blocks;
  lex.lstrip_blocks = options.lstrip_blocks;
  lex.keep_trailing_newline = options.keep_trailing_newline;
  try {
    impl->program = jinja::parse_program(jinja::tokenize(impl->source, lex));
  } catch (const jinja::Failure& f) {
    throw to_template_error(f);
  }
  return ChatTemplate(std::move(impl));
}

std::string ChatTemplate::render(const nlohmann::ordered_json& context) const {
  try {
    return jinja::render_program(impl_->program, context);
  } catch (const jinja::Failure& f) {
    throw to_template_error(f);
  }
}

std::string ChatTemplate::apply(const nlohmann::ordered_json& messages, bool add_generation_prompt,
                                const nlohmann::ordered_json& extra) const {
  return render(make_chat_context(messages, add_generation_prompt, extra));
}

const std::string& ChatTemplate::source() const { return impl_->source; }

nlohmann::ordered_json make_chat_context(const nlohmann::ordered_json& messages,
                                         bool add_generation_prompt,
                                         const nlohmann::ordered_json& extra) {
  if (!messages.is_array())
    throw ds::Error(DS_ERR_INVALID_ARGUMENT,
                    std::string("chat messages must be a JSON array, got ") + messages.type_name());
  if (!extra.is_null() && !extra.is_object())
    throw ds::Error(DS_ERR_INVALID_ARGUMENT,
                    std::string("extra chat template variables must be a JSON object, got ") +
                        extra.type_name());
  nlohmann::ordered_json context = nlohmann::ordered_json::object();
  context["messages"] = messages;
  context["tools"] = nullptr;
  context["documents"] = nullptr;
  context["add_generation_prompt"] = add_generation_prompt;
  if (extra.is_object())
    for (const auto& [key, value] : extra.items()) context[key] = value;
  return context;
}

std::string apply_chat_template(const std::string& template_source,
                                const nlohmann::ordered_json& messages, bool add_generation_prompt,
                                const nlohmann::ordered_json& extra) {
  return ChatTemplate::parse(template_source).apply(messages, add_generation_prompt, extra);
}

// ---- tokenizer_config.json ------------------------------------------------------

namespace {

// A special token as a string: "<s>" or {"__type": "AddedToken", "content": "<s>", ...}.
std::optional<std::string> token_text(const nlohmann::ordered_json& v, const std::string& origin,
                                      const std::string& key) {
  if (v.is_null()) return std::nullopt;
  if (v.is_string()) return v.get<std::string>();
  if (v.is_object() && v.contains("content") && v["content"].is_string())
    return v["content"].get<std::string>();
  throw ds::Error(DS_ERR_BAD_DATA, origin + ": " + key +
                                       " must be a string or an AddedToken object with a "
                                       "string \"content\", got " + v.dump());
}

bool is_file(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

bool is_dir(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw ds::Error(DS_ERR_IO, "cannot open " + path + ": " + std::strerror(errno));
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) throw ds::Error(DS_ERR_IO, "cannot read " + path);
  return ss.str();
}

nlohmann::ordered_json read_json(const std::string& path) {
  const std::string text = read_file(path);
  try {
    return nlohmann::ordered_json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    // Byte offset -> line and column for the message.
    size_t line = 1, column = 1;
    for (size_t i = 0; i < e.byte && i < text.size(); ++i) {
      if (text[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    throw ds::Error(DS_ERR_BAD_DATA, path + ":" + std::to_string(line) + ":" +
                                         std::to_string(column) + ": invalid JSON: " + e.what());
  }
}

std::string parent_dir(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

}  // namespace

TokenizerChatConfig chat_config_from_json(const nlohmann::ordered_json& config,
                                          const std::string& origin) {
  if (!config.is_object())
    throw ds::Error(DS_ERR_BAD_DATA, origin + ": expected a JSON object, got " +
                                         std::string(config.type_name()));
  TokenizerChatConfig out;
  out.origin = origin;
  if (config.contains("chat_template")) {
    const auto& ct = config["chat_template"];
    if (ct.is_string()) {
      out.templates.emplace_back("default", ct.get<std::string>());
    } else if (ct.is_array()) {
      for (size_t i = 0; i < ct.size(); ++i) {
        const auto& entry = ct[i];
        if (!entry.is_object() || !entry.contains("name") || !entry["name"].is_string() ||
            !entry.contains("template") || !entry["template"].is_string())
          throw ds::Error(DS_ERR_BAD_DATA,
                          origin + ": chat_template[" + std::to_string(i) +
                              "] must be {\"name\": string, \"template\": string}");
        out.templates.emplace_back(entry["name"].get<std::string>(),
                                   entry["template"].get<std::string>());
      }
    } else if (!ct.is_null()) {
      throw ds::Error(DS_ERR_BAD_DATA, origin +
                                           ": chat_template must be a string or a list of "
                                           "{name, template}, got " + std::string(ct.type_name()));
    }
  }
  static const char* const kNames[] = {"bos_token", "eos_token",  "unk_token", "sep_token",
                                       "pad_token", "cls_token", "mask_token"};
  for (const char* key : kNames) {
    if (!config.contains(key)) continue;
    if (std::optional<std::string> t = token_text(config[key], origin, key))
      out.special_tokens[key] = *t;
  }
  if (config.contains("additional_special_tokens") && config["additional_special_tokens"].is_array()) {
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const auto& t : config["additional_special_tokens"])
      if (std::optional<std::string> s = token_text(t, origin, "additional_special_tokens"))
        list.push_back(*s);
    if (!list.empty()) out.special_tokens["additional_special_tokens"] = list;
  }
  return out;
}

TokenizerChatConfig load_tokenizer_chat_config(const std::string& path) {
  const std::string file = is_dir(path) ? path + "/tokenizer_config.json" : path;
  TokenizerChatConfig config = chat_config_from_json(read_json(file), file);
  if (config.templates.empty()) {
    const std::string dir = parent_dir(file);
    if (is_file(dir + "/chat_template.jinja")) {
      config.templates.emplace_back("default", read_file(dir + "/chat_template.jinja"));
    } else if (is_file(dir + "/chat_template.json")) {
      const std::string side = dir + "/chat_template.json";
      const nlohmann::ordered_json j = read_json(side);
      if (j.is_object() && j.contains("chat_template") && j["chat_template"].is_string())
        config.templates.emplace_back("default", j["chat_template"].get<std::string>());
      else
        throw ds::Error(DS_ERR_BAD_DATA, side + ": expected {\"chat_template\": string}");
    } else {
      throw ds::Error(DS_ERR_NOT_FOUND,
                      file + " has no chat_template, and there is no chat_template.jinja or "
                             "chat_template.json beside it");
    }
  }
  return config;
}

const std::string& TokenizerChatConfig::template_source(const std::string& name,
                                                        bool has_tools) const {
  auto find = [&](const std::string& n) -> const std::string* {
    for (const auto& [k, v] : templates)
      if (k == n) return &v;
    return nullptr;
  };
  if (!name.empty()) {
    if (const std::string* s = find(name)) return *s;
    std::string names;
    for (const auto& t : templates) names += (names.empty() ? "" : ", ") + t.first;
    throw ds::Error(DS_ERR_NOT_FOUND, origin + ": no chat template named '" + name +
                                          "' (have: " + names + ")");
  }
  if (has_tools)
    if (const std::string* s = find("tool_use")) return *s;
  if (const std::string* s = find("default")) return *s;
  throw ds::Error(DS_ERR_NOT_FOUND,
                  origin + ": several chat templates and none named 'default'; pick one by name");
}

std::string TokenizerChatConfig::apply(const nlohmann::ordered_json& messages,
                                       bool add_generation_prompt,
                                       const nlohmann::ordered_json& extra,
                                       const std::string& name) const {
  nlohmann::ordered_json merged = special_tokens;
  if (extra.is_object())
    for (const auto& [key, value] : extra.items()) merged[key] = value;
  const bool has_tools = extra.is_object() && extra.contains("tools") && !extra["tools"].is_null();
  return apply_chat_template(template_source(name, has_tools), messages, add_generation_prompt,
                             merged);
}

}  // namespace dsforge::data
