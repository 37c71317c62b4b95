// test_models_loading.cpp: checkpoint situations beyond the fixtures: the
// older config.json keys, a cast at load, DeepSeek-V3's FP8 weights and MTP
// layer, sharded files, saving and reloading, and the messages for a
// missing tensor, a wrong shape and an unsupported architecture.
#include <ATen/core/grad_mode.h>

#include "common/error.hpp"
#include "model_fixture.hpp"

using namespace dsforge;
using namespace dsforge::testing;

namespace {

// A model folder from a fixture: its config (edited) and tensors (edited).
fs::path make_folder(const TempDir& tmp, const std::string& name, const nlohmann::json& config,
                     const std::vector<std::pair<std::string, at::Tensor>>& tensors, size_t shard_bytes = 5ull << 30) {
  fs::path dir = tmp.path / name;
  save_checkpoint(dir, config, tensors, shard_bytes);
  return dir;
}

}  // namespace

TEST_CASE("older config.json keys (rope_theta at the top level) load the same model") {
  at::NoGradGuard no_grad;
  TempDir tmp;
  const fs::path fix = kFixtures / "llama_tiny";
  nlohmann::json cfg = read_json(fix / "config.json");
  cfg.erase("rope_parameters");
  cfg["rope_theta"] = 10000.0;
  cfg["rope_scaling"] = nullptr;
  cfg.erase("head_dim");
  fs::path dir = make_folder(tmp, "old", cfg, fixture_tensors(fix), 200 * 1000);  // sharded too
  REQUIRE(fs::exists(dir / "model.safetensors.index.json"));
  auto m = load_model(dir);
  CHECK(max_diff(m->forward(reference(fix, "input_ids")), reference(fix, "logits")) <= 1e-4);
}

TEST_CASE("--dtype casts at load: bfloat16 logits stay near the float32 reference") {
  at::NoGradGuard no_grad;
  const fs::path fix = kFixtures / "llama_tiny";
  LoadOptions o;
  o.dtype = at::kBFloat16;
  auto m = load_model(fix, o);
  CHECK(m->dtype() == at::kBFloat16);
  at::Tensor logits = m->forward(reference(fix, "input_ids"));
  CHECK(logits.scalar_type() == at::kBFloat16);
  // bf16 keeps 8 bits of mantissa (relative error ~4e-3 per rounding); the
  // fixture's logits are O(0.1-1), so a few 1e-2 is the expected envelope.
  CHECK(max_diff(logits, reference(fix, "logits")) <= 5e-2);
}

TEST_CASE("DeepSeek-V3 FP8 weights are dequantized at load and the MTP layer is skipped") {
  at::NoGradGuard no_grad;
  TempDir tmp;
  const fs::path fix = kFixtures / "deepseekv3_tiny";
  auto tensors = fixture_tensors(fix);
  std::vector<std::pair<std::string, at::Tensor>> fp8, dequantized;
  for (auto& [name, t] : tensors) {
    const bool quantize = name.find("self_attn.q_b_proj.weight") != std::string::npos ||
                          name.find("mlp.experts.3.up_proj.weight") != std::string::npos;
    if (!quantize) {
      fp8.emplace_back(name, t);
      dequantized.emplace_back(name, t);
      continue;
    }
    // Blocks of 32x32 (the config says so), one scale per block.
    const int64_t b = 32;
    const int64_t rows = (t.size(0) + b - 1) / b, cols = (t.size(1) + b - 1) / b;
    at::Tensor scale = at::empty({rows, cols});
    at::Tensor w8 = at::empty(t.sizes(), at::kFloat8_e4m3fn);
    at::Tensor back = at::empty_like(t);
    for (int64_t i = 0; i < rows; ++i)
      for (int64_t j = 0; j < cols; ++j) {
        at::Tensor block = t.slice(0, i * b, (i + 1) * b).slice(1, j * b, (j + 1) * b);
        double s = block.abs().max().item<double>() / 448.0;
        scale[i][j] = s;
        at::Tensor q = (block / s).to(at::kFloat8_e4m3fn);
        w8.slice(0, i * b, (i + 1) * b).slice(1, j * b, (j + 1) * b).copy_(q);
        back.slice(0, i * b, (i + 1) * b).slice(1, j * b, (j + 1) * b).copy_(q.to(at::kFloat) * s);
      }
    fp8.emplace_back(name, w8);
    fp8.emplace_back(name + "_scale_inv", scale);
    dequantized.emplace_back(name, back);
  }
  // An MTP layer after the last one, as V3 checkpoints carry.
  for (auto& [name, t] : tensors)
    if (name.rfind("model.layers.2.", 0) == 0) fp8.emplace_back("model.layers.3." + name.substr(15), t);
  fp8.emplace_back("model.layers.3.eh_proj.weight", at::zeros({64, 128}));

  nlohmann::json cfg = read_json(fix / "config.json");
  nlohmann::json fp8_cfg = cfg;
  fp8_cfg["quantization_config"] = {{"quant_method", "fp8"}, {"weight_block_size", {32, 32}}, {"fmt", "e4m3"}};
  auto m8 = load_model(make_folder(tmp, "fp8", fp8_cfg, fp8));
  auto ref = load_model(make_folder(tmp, "deq", cfg, dequantized));
  at::Tensor ids = reference(fix, "input_ids");
  CHECK(max_diff(m8->forward(ids), ref->forward(ids)) <= 1e-6);
  CHECK(m8->weights().params.count("model.layers.3.eh_proj.weight") == 0);
  // Quantization moved the logits, but not far.
  CHECK(max_diff(m8->forward(ids), reference(fix, "logits")) <= 5e-2);
}

TEST_CASE("save writes a folder that loads back to the same logits") {
  at::NoGradGuard no_grad;
  TempDir tmp;
  for (const char* name : {"qwen2_tiny", "deepseekv2_tiny"}) {
    const fs::path fix = kFixtures / name;
    auto m = load_model(fix);
    m->save(tmp.path / name);
    auto back = load_model(tmp.path / name);
    at::Tensor ids = reference(fix, "input_ids");
    CHECK(max_diff(back->forward(ids), reference(fix, "logits")) <= 1e-4);
    CHECK(fs::exists(tmp.path / name / "config.json"));
  }
}

TEST_CASE("a new LoRA adapter changes nothing until trained, and saves in PEFT's layout") {
  at::NoGradGuard no_grad;
  TempDir tmp;
  const fs::path fix = kFixtures / "llama_tiny";
  auto m = load_model(fix);
  m->add_adapter("fresh", "lora", {{"r", 4}, {"alpha", 8}, {"targets", {"q_proj", "o_proj", "down_proj"}}});
  at::Tensor ids = reference(fix, "input_ids");
  CHECK(max_diff(m->forward(ids), reference(fix, "logits")) <= 1e-6);
  auto tensors = m->adapter_tensors("fresh");
  CHECK(tensors.size() == 2u * 3u * 2u);  // A and B, 3 targets, 2 layers
  CHECK(tensors[0].first.rfind("base_model.model.model.layers.", 0) == 0);
  for (auto& [key, t] : tensors) CHECK(t.requires_grad());
  m->save_adapter("fresh", tmp.path / "peft");
  nlohmann::json cfg = read_json(tmp.path / "peft" / "adapter_config.json");
  CHECK(cfg["peft_type"] == "LORA");
  CHECK(cfg["r"] == 4);
  CHECK(Checkpoint::open(tmp.path / "peft" / "adapter_model.safetensors").names().size() == 12u);
  // Reloading it gives the same (unchanged) model.
  auto again = load_model(fix);
  again->load_adapter(tmp.path / "peft", "reloaded");
  CHECK(max_diff(again->forward(ids), reference(fix, "logits")) <= 1e-6);
}

TEST_CASE("LoRA targets by regular expression, and rsLoRA scaling") {
  at::NoGradGuard no_grad;
  const fs::path fix = kFixtures / "llama_tiny";
  auto m = load_model(fix);
  m->add_adapter("re", "lora", {{"r", 2}, {"target_modules", R"(.*layers\.1\.(self_attn\.v_proj|mlp\.up_proj))"}});
  auto tensors = m->adapter_tensors("re");
  REQUIRE(tensors.size() == 4u);
  CHECK(tensors[0].first == "base_model.model.model.layers.1.mlp.up_proj.lora_A.weight");
  CHECK(tensors[2].first == "base_model.model.model.layers.1.self_attn.v_proj.lora_A.weight");
  CHECK_THROWS_WITH(m->add_adapter("none", "lora", {{"targets", {"nothing_here"}}}), Catch::Contains("matches no linear layer"));

  // delta = B A * alpha / sqrt(r) with use_rslora.
  m->add_adapter("rs", "lora", {{"r", 4}, {"alpha", 8}, {"use_rslora", true}, {"targets", {"q_proj"}}});
  for (auto& [key, t] : m->adapter_tensors("rs"))
    if (key.find("lora_B") != std::string::npos) t.detach().fill_(0.5);
  at::Tensor before = m->weights().params.at("model.layers.0.self_attn.q_proj.weight").clone();
  at::Tensor a;
  for (auto& [key, t] : m->adapter_tensors("rs"))
    if (key == "base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight") a = t.detach();
  m->merge_adapter("rs");
  at::Tensor delta = m->weights().params.at("model.layers.0.self_attn.q_proj.weight") - before;
  at::Tensor want = at::full({64, 4}, 0.5).matmul(a) * (8.0 / 2.0);
  CHECK(max_diff(delta, want) <= 1e-5);
}

TEST_CASE("clear errors: missing tensor, wrong shape, unsupported architecture, bad adapter") {
  TempDir tmp;
  const fs::path fix = kFixtures / "llama_tiny";
  nlohmann::json cfg = read_json(fix / "config.json");
  auto tensors = fixture_tensors(fix);

  auto missing = tensors;
  missing.erase(std::remove_if(missing.begin(), missing.end(),
                               [](auto& p) { return p.first == "model.layers.1.self_attn.k_proj.weight"; }),
                missing.end());
  fs::path dir = make_folder(tmp, "missing", cfg, missing);
  CHECK_THROWS_WITH(load_model(dir), Catch::Contains("model.layers.1.self_attn.k_proj.weight") &&
                                         Catch::Contains("is missing from " + dir.string()));

  auto misshapen = tensors;
  for (auto& [name, t] : misshapen)
    if (name == "model.layers.0.mlp.up_proj.weight") t = at::zeros({100, 64});
  dir = make_folder(tmp, "shape", cfg, misshapen);
  CHECK_THROWS_WITH(load_model(dir), Catch::Contains("model.layers.0.mlp.up_proj.weight") &&
                                         Catch::Contains("[100, 64]") && Catch::Contains("[176, 64]") &&
                                         Catch::Contains("model.safetensors"));

  nlohmann::json gpt2 = cfg;
  gpt2["model_type"] = "gpt2";
  dir = make_folder(tmp, "gpt2", gpt2, tensors);
  CHECK_THROWS_WITH(load_model(dir), Catch::Contains("gpt2") && Catch::Contains("deepseek_v3"));

  auto m = load_model(fix);
  fs::path bad = tmp.path / "bad_adapter";
  fs::create_directories(bad);
  write_json(bad / "adapter_config.json", {{"peft_type", "LORA"}, {"r", 8}, {"lora_alpha", 16}, {"target_modules", {"q_proj"}}});
  save_checkpoint(tmp.path / "bad_tensors", nullptr, {{"base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight", at::zeros({4, 64})},
                                                     {"base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight", at::zeros({64, 4})}});
  fs::copy_file(tmp.path / "bad_tensors" / "model.safetensors", bad / "adapter_model.safetensors");
  CHECK_THROWS_WITH(m->load_adapter(bad, "bad"), Catch::Contains("lora_A.weight") && Catch::Contains("[8, 64]"));
}
