// chat_template_tool.cpp: renders chat conversations with a template, one
// JSON line in, one JSON line out; used to cross-check against Python jinja2.
//
//   dsforge_chat_template_tool TEMPLATE_FILE [--name NAME] < cases.jsonl > out.jsonl
//   dsforge_chat_template_tool --snippets < snippets.jsonl > out.jsonl
//
// TEMPLATE_FILE is a template's source, or a tokenizer_config.json (a name
// ending in .json, or a folder): then its chat template and special tokens.
// Each input line: {"id": any, "messages": [...], "add_generation_prompt": bool,
// "extra": {...}} (id, add_generation_prompt and extra optional; other keys
// ignored). Each output line: {"id": ..., "text": "..."} or {"id": ...,
// "error": "...", "error_kind": "syntax" | "render" | "raised"}.
// With --snippets each line carries its own template and raw context:
// {"id": any, "template": "...", "context": {...}}.
// Exit status: 0 when every line was read (rendering errors are output
// lines), 1 for an unreadable template or input line, 2 for usage.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include "chat_template.hpp"

namespace {

using dsforge::data::ChatTemplate;
using dsforge::data::TemplateError;
using json = nlohmann::ordered_json;

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

const char* kind_name(TemplateError::Kind kind) {
  return kind == TemplateError::Kind::syntax   ? "syntax"
         : kind == TemplateError::Kind::raised ? "raised"
                                               : "render";
}

// Reads JSON lines from stdin, writes one JSON line per input line.
template <typename F>
int for_each_line(F&& render) {
  std::string line;
  size_t line_no = 0;
  while (std::getline(std::cin, line)) {
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    json c;
    try {
      c = json::parse(line);
    } catch (const std::exception& e) {
      std::cerr << "dsforge_chat_template_tool: stdin:" << line_no << ": invalid JSON: " << e.what() << "\n";
      return 1;
    }
    json out = json::object();
    out["id"] = c.contains("id") ? c["id"] : json(line_no);
    try {
      out["text"] = render(c);
    } catch (const TemplateError& e) {
      out["error"] = e.message();
      out["error_kind"] = kind_name(e.kind());
    } catch (const std::exception& e) {
      out["error"] = e.what();
      out["error_kind"] = "render";
    }
    std::cout << out.dump(-1, ' ', false, json::error_handler_t::replace) << "\n";
  }
  return 0;
}

int run(int argc, char** argv) {
  std::string path, name;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--snippets") {
      return for_each_line([](const json& c) {
        return ChatTemplate::parse(c.value("template", "")).render(c.value("context", json::object()));
      });
    }
    if (arg == "--name" && i + 1 < argc) {
      name = argv[++i];
    } else if (arg == "-h" || arg == "--help") {
      std::cout << "usage: dsforge_chat_template_tool TEMPLATE_FILE [--name NAME] < cases.jsonl\n";
      return 0;
    } else if (path.empty()) {
      path = arg;
    } else {
      std::cerr << "dsforge_chat_template_tool: unexpected argument '" << arg << "'\n";
      return 2;
    }
  }
  if (path.empty()) {
    std::cerr << "usage: dsforge_chat_template_tool TEMPLATE_FILE [--name NAME] < cases.jsonl\n";
    return 2;
  }

  std::string source;
  json base_extra = json::object();
  try {
    struct stat st {};
    const bool is_dir = ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
    if (ends_with(path, ".json") || is_dir) {
      const auto config = dsforge::data::load_tokenizer_chat_config(path);
      source = config.template_source(name);
      base_extra = config.special_tokens;
    } else {
      std::ifstream in(path, std::ios::binary);
      if (!in) throw std::runtime_error("cannot open " + path);
      std::ostringstream ss;
      ss << in.rdbuf();
      source = ss.str();
    }
  } catch (const std::exception& e) {
    std::cerr << "dsforge_chat_template_tool: " << e.what() << "\n";
    return 1;
  }

  std::optional<ChatTemplate> tmpl;
  try {
    tmpl = ChatTemplate::parse(source);
  } catch (const TemplateError& e) {
    std::cerr << "dsforge_chat_template_tool: " << path << ": " << e.what() << "\n";
    return 1;
  }

  return for_each_line([&](const json& c) {
    json extra = base_extra;
    if (c.contains("extra"))
      for (const auto& [k, v] : c["extra"].items()) extra[k] = v;
    return tmpl->apply(c.value("messages", json::array()), c.value("add_generation_prompt", false), extra);
  });
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "dsforge_chat_template_tool: " << e.what() << "\n";
    return 1;
  }
}
