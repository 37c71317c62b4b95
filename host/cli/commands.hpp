// commands.hpp: one function per dshost sub-command. Each returns the exit
// code; UserError propagates to main, which prints it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "engine/model_runner.hpp"

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

// Options shared by `forward` and `generate`.
struct ModelCliOptions {
  std::string model;                  // --model DIR
  std::vector<std::string> adapters;  // --adapter DIR (repeatable)
  bool merge = false;                 // --merge-adapters
  std::string dtype;                  // --dtype
  std::string device = "cpu";         // --device
  std::string attention;              // --attention NAME
  std::string attention_settings;     // --attention-settings JSON
};

struct ForwardOptions {
  std::string input, tensor = "input_ids", output;
};

struct GenerateOptions {
  std::string prompt;           // --prompt TEXT
  std::string input, tensor = "input_ids";
  int64_t max_new_tokens = 64;
  SamplingOptions sampling;  // the sampling flags bind to these fields
  int64_t seed = -1;         // -1: random
  bool no_cache = false;
  bool json = false;
  bool chat = false;  // wrap --prompt in the tokenizer's chat template
};

struct ConvertOptions {
  std::string output;          // --output DIR: an HF model folder
  std::string adapter_output;  // --adapter-output DIR: the first adapter as a PEFT folder
};

int cmd_convert(const GlobalOptions& g, const ModelCliOptions& m, const ConvertOptions& o);
int cmd_forward(const GlobalOptions& g, const ModelCliOptions& m, const ForwardOptions& o);
int cmd_generate(const GlobalOptions& g, const ModelCliOptions& m, const GenerateOptions& o);
int cmd_tokenize(const GlobalOptions& g, const TokenizeOptions& o);
int cmd_chat_template(const GlobalOptions& g, const ChatTemplateOptions& o);
int cmd_run(const GlobalOptions& g, const std::filesystem::path& pipeline, const std::string& only);
int cmd_validate(const GlobalOptions& g, const std::filesystem::path& pipeline);
int cmd_plugins(const GlobalOptions& g, const std::string& describe, bool json);
std::string version_text();

}  // namespace dsforge::cli
