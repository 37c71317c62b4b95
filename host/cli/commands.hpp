// commands.hpp: one function per dshost sub-command. Each returns the exit
// code; UserError propagates to main, which prints it.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace dsforge::cli {

struct GlobalOptions {
  std::vector<std::filesystem::path> plugin_path;  // --plugin-path
};

struct TokenizeOptions {
  std::string tokenizer;  // tokenizer.json, or a folder holding it
  std::string plugin = "hf_tokenizer";
  std::string text;       // --text: print ids and pieces
  std::string input, output, field = "text";
  bool add_special_tokens = false;
  bool json = false;
};

struct ChatTemplateOptions {
  std::string tokenizer;  // folder with tokenizer_config.json
  std::string plugin = "hf_tokenizer";
  std::string input, output;
  bool add_generation_prompt = false;  // default for rows that do not say
};

int cmd_tokenize(const GlobalOptions& g, const TokenizeOptions& o);
int cmd_chat_template(const GlobalOptions& g, const ChatTemplateOptions& o);
int cmd_run(const GlobalOptions& g, const std::filesystem::path& pipeline, const std::string& only);
int cmd_validate(const GlobalOptions& g, const std::filesystem::path& pipeline);
int cmd_plugins(const GlobalOptions& g, const std::string& describe, bool json);
std::string version_text();

}  // namespace dsforge::cli
