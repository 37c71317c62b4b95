// main.cpp: dshost's command line. Parses options (CLI11), configures logging
// and dispatches to host/cli. Turns errors into one clear line and an exit
// code: 1 for problems the user can fix, 2 for usage, 3 for internal errors.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cstdio>

#include "cli/commands.hpp"
#include "common/log.hpp"
#include "common/user_error.hpp"

int main(int argc, char** argv) {
  using namespace dsforge;
  CLI::App app{"dshost: build a private DeepSeek-style LLM from one TOML pipeline"};
  app.require_subcommand(1);
  app.set_version_flag("--version", cli::version_text());

  cli::GlobalOptions global;
  bool quiet = false, verbose = false;
  std::string log_format = "text";
  app.add_flag("-q,--quiet", quiet, "Only warnings and errors")->group("Global");
  app.add_flag("-v,--verbose", verbose, "Debug output (plugin loading and more)")->group("Global");
  app.add_option("--log-format", log_format, "text or json (one JSON object per line)")
      ->check(CLI::IsMember({"text", "json"}))->group("Global");
  app.add_option("--plugin-path", global.plugin_path, "Extra plugin directory (repeatable)")->group("Global");

  std::filesystem::path pipeline;
  std::string only;
  auto* run = app.add_subcommand("run", "Run a pipeline's stages in order");
  run->add_option("pipeline", pipeline, "Pipeline TOML file")->required();
  run->add_option("--only", only, "Run only the stage with this id");
  run->fallthrough();

  auto* validate = app.add_subcommand("validate", "Check a pipeline (schema, plugins, ABI) without running it");
  validate->add_option("pipeline", pipeline, "Pipeline TOML file")->required();
  validate->fallthrough();

  std::string describe;
  bool json = false;
  auto* plugins = app.add_subcommand("plugins", "List loadable plugins, their ABI versions and settings");
  plugins->add_option("--describe", describe, "Show one component's settings and JSON Schema");
  plugins->add_flag("--json", json, "Machine-readable output");
  plugins->fallthrough();

  cli::TokenizeOptions tok;
  auto* tokenize = app.add_subcommand("tokenize", "Encode text with a tokenizer: one string, or a JSONL field");
  tokenize->add_option("--tokenizer", tok.tokenizer, "tokenizer.json or a folder holding it")->required();
  tokenize->add_option("--text", tok.text, "Print the ids and pieces of this text");
  tokenize->add_option("--input", tok.input, "JSONL file to tokenize");
  tokenize->add_option("--output", tok.output, "JSONL written atomically with an added \"ids\" array");
  tokenize->add_option("--field", tok.field, "Field holding the text")->capture_default_str();
  tokenize->add_flag("--add-special-tokens", tok.add_special_tokens, "Add BOS/EOS as the tokenizer config says");
  tokenize->add_flag("--json", tok.json, "With --text: print {\"ids\", \"pieces\"}");
  tokenize->add_option("--tokenizer-plugin", tok.plugin, "Tokenizer component to use")->capture_default_str();
  tokenize->get_option("--input")->excludes(tokenize->get_option("--text"));
  tokenize->fallthrough();

  cli::ChatTemplateOptions chat;
  auto* chat_template = app.add_subcommand("chat-template", "Render each row's messages with the tokenizer's chat template");
  chat_template->add_option("--tokenizer", chat.tokenizer, "Folder with tokenizer.json and tokenizer_config.json")->required();
  chat_template->add_option("--input", chat.input, "JSONL with a \"messages\" array per row")->required();
  chat_template->add_option("--output", chat.output, "JSONL written atomically with an added \"text\"")->required();
  chat_template->add_flag("--add-generation-prompt", chat.add_generation_prompt,
                          "Default for rows without \"add_generation_prompt\"");
  chat_template->add_option("--tokenizer-plugin", chat.plugin, "Tokenizer component to use")->capture_default_str();
  chat_template->fallthrough();

  cli::ModelCliOptions model_opts;
  auto add_model_options = [&](CLI::App* cmd) {
    cmd->add_option("--model", model_opts.model, "Hugging Face model folder (config.json + safetensors)")->required();
    cmd->add_option("--adapter", model_opts.adapters, "PEFT LoRA adapter folder (repeatable)");
    cmd->add_flag("--merge-adapters", model_opts.merge, "Merge the adapters into the weights after loading");
    cmd->add_option("--dtype", model_opts.dtype, "Cast weights at load: float32, bfloat16, float16");
    cmd->add_option("--device", model_opts.device, "cpu, cuda, cuda:N")->capture_default_str();
    cmd->add_option("--attention", model_opts.attention, "Attention component for every layer (causal, sliding_window, gated_heads, mla)");
    cmd->add_option("--attention-settings", model_opts.attention_settings, "JSON settings for it, e.g. '{\"window\": 4096}'");
  };

  cli::ForwardOptions fwd;
  auto* forward = app.add_subcommand("forward", "Run a model on token ids and write float32 logits");
  add_model_options(forward);
  forward->add_option("--input", fwd.input, "safetensors file with the ids")->required();
  forward->add_option("--tensor", fwd.tensor, "Name of the ids tensor [batch, tokens]")->capture_default_str();
  forward->add_option("--output", fwd.output, "safetensors file to write (tensor 'logits')")->required();
  forward->fallthrough();

  cli::ConvertOptions conv;
  auto* convert = app.add_subcommand("convert", "Load a model (and adapters) and save it as a Hugging Face folder");
  add_model_options(convert);
  convert->add_option("--output", conv.output, "Folder for config.json + model.safetensors (merged adapters included)");
  convert->add_option("--adapter-output", conv.adapter_output, "Folder for the first --adapter, in PEFT's format");
  convert->fallthrough();

  cli::GenerateOptions gen;
  auto* generate = app.add_subcommand("generate", "Generate tokens from a prompt or token ids");
  add_model_options(generate);
  generate->add_option("--prompt", gen.prompt, "Prompt text (needs tokenizer.json in the model folder)");
  generate->add_flag("--chat", gen.chat, "Wrap --prompt in the tokenizer's chat template as a user message");
  generate->add_option("--input", gen.input, "safetensors file with prompt ids [batch, tokens]");
  generate->add_option("--tensor", gen.tensor, "Name of the ids tensor")->capture_default_str();
  generate->add_option("--max-new-tokens", gen.max_new_tokens, "Tokens to generate per row")->capture_default_str();
  generate->add_flag("--greedy", gen.sampling.greedy, "Always take the most likely token");
  generate->add_option("--temperature", gen.sampling.temperature, "Sampling temperature (0: greedy)")->capture_default_str();
  generate->add_option("--top-k", gen.sampling.top_k, "Keep the k most likely tokens (0: off)")->capture_default_str();
  generate->add_option("--top-p", gen.sampling.top_p, "Nucleus sampling mass (1: off)")->capture_default_str();
  generate->add_option("--min-p", gen.sampling.min_p, "Drop tokens below min-p x the top probability (0: off)")->capture_default_str();
  generate->add_option("--repetition-penalty", gen.sampling.repetition_penalty, "HF-style penalty over all previous tokens (1: off)")->capture_default_str();
  generate->add_option("--presence-penalty", gen.sampling.presence_penalty, "OpenAI-style, over generated tokens")->capture_default_str();
  generate->add_option("--frequency-penalty", gen.sampling.frequency_penalty, "OpenAI-style, over generated tokens")->capture_default_str();
  generate->add_option("--seed", gen.seed, "Seed for reproducible sampling (-1: random)")->capture_default_str();
  generate->add_option("--stop-id", gen.sampling.stop_ids, "Extra stop token id (repeatable); EOS always stops");
  generate->add_flag("--ignore-eos", gen.sampling.ignore_eos, "Do not stop at the model's EOS tokens");
  generate->add_flag("--no-cache", gen.no_cache, "Recompute the whole sequence each step (checks the KV cache)");
  generate->add_flag("--json", gen.json, "Print {\"ids\": [[...]]} (prompt included)");
  generate->get_option("--greedy")->excludes(generate->get_option("--temperature"));
  generate->fallthrough();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  log::configure(quiet ? log::Level::warn : verbose ? log::Level::debug : log::Level::info,
                 log_format == "json" ? log::Format::json : log::Format::text);
  try {
    if (run->parsed()) return cli::cmd_run(global, pipeline, only);
    if (validate->parsed()) return cli::cmd_validate(global, pipeline);
    if (plugins->parsed()) return cli::cmd_plugins(global, describe, json);
    if (tokenize->parsed()) return cli::cmd_tokenize(global, tok);
    if (convert->parsed()) return cli::cmd_convert(global, model_opts, conv);
    if (forward->parsed()) return cli::cmd_forward(global, model_opts, fwd);
    if (generate->parsed()) return cli::cmd_generate(global, model_opts, gen);
    if (chat_template->parsed()) return cli::cmd_chat_template(global, chat);
  } catch (const UserError& e) {
    log::error("dshost", e.what());
    return 1;
  } catch (const std::exception& e) {
    log::error("dshost", fmt::format("internal error: {} (please report this)", e.what()));
    return 3;
  }
  return 2;
}
