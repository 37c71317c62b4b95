// cmd_model.cpp: `dshost forward` (logits of a safetensors batch, for
// comparisons with other implementations) and `dshost generate` (prompt or
// ids in, tokens out, streamed as they come unless --json).
#include <fmt/format.h>

#include <cstdio>
#include <filesystem>

#include "cli/commands.hpp"
#include "cli/load_registry.hpp"
#include "common/log.hpp"
#include "common/user_error.hpp"
#include "engine/model_runner.hpp"
#include "plugins/registry.hpp"
#include "plugins/registry_component_factory.hpp"
#include "tokenizer/tokenizer_client.hpp"

namespace dsforge::cli {
namespace {

ModelOptions model_options(const ModelCliOptions& m) {
  ModelOptions o;
  o.model = m.model;
  if (!std::filesystem::is_directory(o.model))
    fail("--model {}: not a folder (expected a Hugging Face model folder with config.json)", m.model);
  for (const auto& a : m.adapters) o.adapters.emplace_back(a);
  o.merge_adapters = m.merge;
  o.dtype = m.dtype;
  o.device = m.device;
  o.attention = m.attention;
  if (!m.attention_settings.empty()) {
    try {
      o.attention_settings = nlohmann::json::parse(m.attention_settings);
    } catch (const nlohmann::json::exception& e) {
      fail("--attention-settings: not valid JSON: {}", e.what());
    }
    if (!o.attention_settings.is_object()) fail("--attention-settings must be a JSON object, e.g. '{{\"window\": 4096}}'");
  }
  return o;
}

std::string ids_json(const std::vector<std::vector<int64_t>>& rows) {
  nlohmann::json j = {{"ids", rows}};
  return j.dump();
}

}  // namespace

int cmd_convert(const GlobalOptions& g, const ModelCliOptions& m, const ConvertOptions& o) {
  if (o.output.empty() && o.adapter_output.empty()) fail("give --output DIR and/or --adapter-output DIR");
  auto registry = load_registry(g);
  RegistryComponentFactory factory(*registry);
  ModelRunner runner(model_options(m), factory);
  if (!o.output.empty()) {
    runner.save_model(o.output);
    log::info("convert", fmt::format("wrote {}/config.json and safetensors", o.output));
  }
  if (!o.adapter_output.empty()) {
    runner.save_adapter(0, o.adapter_output);
    log::info("convert", fmt::format("wrote {}/adapter_config.json and adapter_model.safetensors", o.adapter_output));
  }
  return 0;
}

int cmd_forward(const GlobalOptions& g, const ModelCliOptions& m, const ForwardOptions& o) {
  auto registry = load_registry(g);
  RegistryComponentFactory factory(*registry);
  ModelRunner runner(model_options(m), factory);
  auto ids = runner.read_ids(o.input, o.tensor);
  runner.forward_to_file(ids, o.output);
  log::info("forward", fmt::format("wrote logits [{}, {}, vocab] to {}", ids.size(), ids[0].size(), o.output));
  return 0;
}

int cmd_generate(const GlobalOptions& g, const ModelCliOptions& m, const GenerateOptions& o) {
  if (o.prompt.empty() == o.input.empty()) fail("give either --prompt TEXT or --input FILE.safetensors");
  auto registry = load_registry(g);
  RegistryComponentFactory factory(*registry);
  ModelRunner runner(model_options(m), factory);

  std::unique_ptr<TokenizerClient> tok;
  std::vector<std::vector<int64_t>> prompts;
  if (!o.prompt.empty()) {
    if (!std::filesystem::exists(std::filesystem::path(m.model) / "tokenizer.json"))
      fail("--prompt needs {}/tokenizer.json; give token ids with --input instead", m.model);
    tok = std::make_unique<TokenizerClient>(*registry, m.model);
    std::string text = o.prompt;
    if (o.chat) {
      nlohmann::json messages = nlohmann::json::array({{{"role", "user"}, {"content", o.prompt}}});
      text = tok->apply_chat_template(messages.dump(), true, "");
    }
    std::vector<uint32_t> ids = tok->encode(text, !o.chat);
    prompts.emplace_back(ids.begin(), ids.end());
  } else {
    prompts = runner.read_ids(o.input, o.tensor);
  }

  SamplingOptions s = o.sampling;
  if (o.seed >= 0) s.seed = static_cast<uint64_t>(o.seed);

  // Stream text (one row, a tokenizer, no --json); else print at the end.
  const bool stream = !o.json && tok && prompts.size() == 1;
  std::vector<uint32_t> generated;
  std::string shown;
  auto on_token = [&](size_t, int64_t id) {
    if (!stream) return;
    generated.push_back(static_cast<uint32_t>(id));
    std::string text = tok->decode(generated, true);
    // Print only complete characters: hold back a trailing partial UTF-8 sequence.
    if (text.size() > shown.size() && text.compare(0, shown.size(), shown) == 0 &&
        text.find("\xEF\xBF\xBD", shown.size()) == std::string::npos) {
      std::fputs(text.c_str() + shown.size(), stdout);
      std::fflush(stdout);
      shown = text;
    }
  };
  if (stream) std::fputs(o.prompt.c_str(), stdout);
  GenerateResult r = runner.generate(prompts, o.max_new_tokens, s, !o.no_cache, on_token);
  if (o.json) {
    std::puts(ids_json(r.ids).c_str());
  } else if (stream) {
    std::string text = tok->decode(generated, true);
    if (text.size() > shown.size()) std::fputs(text.c_str() + shown.size(), stdout);
    std::puts("");
  } else {
    for (const auto& row : r.ids) {
      if (tok) {
        std::vector<uint32_t> u(row.begin(), row.end());
        std::puts(tok->decode(u, true).c_str());
      } else {
        std::puts(nlohmann::json(row).dump().c_str());
      }
    }
  }
  const double tps = r.decode_seconds > 0 ? static_cast<double>(r.new_tokens - static_cast<int64_t>(r.ids.size())) / r.decode_seconds : 0;
  log::info("generate", fmt::format("{} new tokens; prefill {:.3f} s, decode {:.1f} tokens/s; seed {}", r.new_tokens,
                                    r.prefill_seconds, tps, r.seed));
  return 0;
}

}  // namespace dsforge::cli
