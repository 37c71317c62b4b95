// test_models_variants.cpp: the attention plugins beyond the fixtures'
// defaults. sliding_window with a window at least as long as the sequence is
// full causal attention; with a short window the cache keeps only the window
// plus global tokens and incremental decoding still equals the full forward;
// global tokens covering every position give causal attention back;
// gated_heads with a fresh (zero) gate equals causal.
#include <ATen/core/grad_mode.h>

#include "model_fixture.hpp"
#include "runtime/tensor_handle.hpp"

using namespace dsforge;
using namespace dsforge::testing;

namespace {

std::unique_ptr<Transformer> with_attention(const fs::path& dir, const std::string& component,
                                            nlohmann::json settings = nlohmann::json::object()) {
  LoadOptions o;
  o.attention.component = component;
  o.attention.settings = std::move(settings);
  return load_model(dir, o);
}

at::Tensor decode_one_by_one(Transformer& m, const at::Tensor& ids, KvCache& cache) {
  std::vector<at::Tensor> parts;
  for (int64_t t = 0; t < ids.size(1); ++t) parts.push_back(m.forward(ids.slice(1, t, t + 1), &cache));
  return at::cat(parts, 1);
}

// Keys held by the first attention block's cache (slot 0: K [B, Hk, T, D]).
int64_t cached_keys(KvCache& cache) { return cache.slots(0)[0]->value.size(2); }

}  // namespace

TEST_CASE("sliding_window with window >= sequence length equals full causal attention") {
  at::NoGradGuard no_grad;
  const fs::path dir = kFixtures / "llama_tiny";
  at::Tensor ids = reference(dir, "input_ids");
  auto model = with_attention(dir, "sliding_window", {{"window", ids.size(1)}});
  CHECK(max_diff(model->forward(ids), reference(dir, "logits")) <= 1e-5);
  auto wide = with_attention(dir, "sliding_window", {{"window", 1000}});
  CHECK(max_diff(wide->forward(ids), reference(dir, "logits")) <= 1e-5);
}

TEST_CASE("mistral_tiny_sw4 through the sliding_window plugin: the cache keeps only the window") {
  at::NoGradGuard no_grad;
  const fs::path dir = kFixtures / "mistral_tiny_sw4";
  at::Tensor ids = reference(dir, "input_ids");
  auto model = load_model(dir);
  REQUIRE(model->describe().find("sliding_window") != std::string::npos);
  KvCache cache = model->new_cache();
  at::Tensor logits = decode_one_by_one(*model, ids, cache);
  CHECK(max_diff(logits, reference(dir, "logits")) <= 1e-4);
  // After 12 tokens with a window of 4, a later query sees at most the 3
  // previous keys: nothing older is kept.
  CHECK(cached_keys(cache) == 3);
  CHECK(cache.length() == 12);

  // The same model with plain causal attention differs (the window matters).
  auto causal = with_attention(dir, "causal");
  CHECK(max_diff(causal->forward(ids), reference(dir, "logits")) > 1e-3);
}

TEST_CASE("global tokens: always visible, kept in the cache, and all-global is causal") {
  at::NoGradGuard no_grad;
  const fs::path dir = kFixtures / "llama_tiny";
  at::Tensor ids = reference(dir, "input_ids");
  const int64_t t = ids.size(1);

  std::vector<int64_t> every(static_cast<size_t>(t));
  for (int64_t i = 0; i < t; ++i) every[static_cast<size_t>(i)] = i;
  auto all_global = with_attention(dir, "sliding_window", {{"window", 2}, {"global_tokens", every}});
  CHECK(max_diff(all_global->forward(ids), reference(dir, "logits")) <= 1e-5);

  auto sinks = with_attention(dir, "sliding_window", {{"window", 3}, {"global_tokens", {0, 1}}});
  at::Tensor full = sinks->forward(ids);
  auto plain = with_attention(dir, "sliding_window", {{"window", 3}});
  CHECK(max_diff(full, plain->forward(ids)) > 1e-4);  // the globals change the result
  KvCache cache = sinks->new_cache();
  CHECK(max_diff(decode_one_by_one(*sinks, ids, cache), full) <= 1e-5);
  CHECK(cached_keys(cache) == 2 + 2);  // 2 globals + the 2 keys before the next query

  // global_ratio: the first ceil(ratio * window) positions are global.
  auto ratio = with_attention(dir, "sliding_window", {{"window", 3}, {"global_ratio", 0.5}});
  CHECK(max_diff(ratio->forward(ids), full) <= 1e-6);
}

TEST_CASE("gated_heads with a fresh gate equals causal attention, and its gate is a new parameter") {
  at::NoGradGuard no_grad;
  const fs::path dir = kFixtures / "qwen2_tiny";
  auto model = with_attention(dir, "gated_heads");
  at::Tensor ids = reference(dir, "input_ids");
  CHECK(max_diff(model->forward(ids), reference(dir, "logits")) <= 1e-5);
  const std::string gate = "model.layers.0.self_attn.g_proj.weight";
  REQUIRE(model->weights().created.count(gate) == 1);
  CHECK(model->weights().params.at(gate).sizes() == at::IntArrayRef({4, 64}));
  // A non-zero gate changes the output.
  model->weights().params.at(gate).normal_(0, 1);
  CHECK(max_diff(model->forward(ids), reference(dir, "logits")) > 1e-3);
}

TEST_CASE("attention overrides are checked") {
  const fs::path dir = kFixtures / "deepseekv2_tiny";
  CHECK_THROWS_WITH(with_attention(dir, "causal"), Catch::Contains("only 'mla' fits"));
  CHECK_THROWS_WITH(with_attention(kFixtures / "llama_tiny", "sliding_window"), Catch::Contains("window"));
  CHECK_THROWS_WITH(with_attention(kFixtures / "llama_tiny", "no_such_attention"), Catch::Contains("no_such_attention"));
}

TEST_CASE("MLA caches the compressed latent and the shared RoPE key, not full K/V") {
  at::NoGradGuard no_grad;
  const fs::path dir = kFixtures / "deepseekv2_tiny";
  auto model = load_model(dir);
  at::Tensor ids = reference(dir, "input_ids");
  KvCache cache = model->new_cache();
  CHECK(max_diff(decode_one_by_one(*model, ids, cache), reference(dir, "logits")) <= 1e-4);
  REQUIRE(cache.slot_count(0) == 2);
  CHECK(cache.slots(0)[0]->value.sizes() == at::IntArrayRef({2, 12, 32}));  // kv_lora_rank
  CHECK(cache.slots(0)[1]->value.sizes() == at::IntArrayRef({2, 12, 8}));   // qk_rope_head_dim
  // Full K/V would hold heads*(nope+rope+v) = 4*(16+8+16) = 160 numbers per token; MLA holds 40.
  CHECK(cache.bytes() == 3u * 2u * 12u * 40u * sizeof(float));
}

TEST_CASE("deepseek_moe training extras: balance loss reaches the router, bias rule moves the bias") {
  const fs::path dir = kFixtures / "deepseekv3_tiny";
  LoadOptions o;
  o.moe_settings = {{"aux_loss_alpha", 0.01}, {"bias_update_rate", 0.001}};
  auto model = load_model(dir, o);
  at::Tensor ids = reference(dir, "input_ids");
  at::Tensor gate = model->weights().params.at("model.layers.1.mlp.gate.weight");
  at::Tensor bias = model->weights().params.at("model.layers.1.mlp.gate.e_score_correction_bias");
  at::Tensor bias_before = bias.clone();
  gate.requires_grad_(true);
  at::Tensor aux;
  at::Tensor logits = model->forward(ids, nullptr, /*training=*/true, &aux);
  REQUIRE(aux.defined());
  CHECK(aux.dim() == 0);
  CHECK(aux.item<double>() > 0);
  aux.backward();
  REQUIRE(gate.grad().defined());
  CHECK(gate.grad().abs().max().item<double>() > 0);
  gate.requires_grad_(false);
  // Training does not change the logits (alpha only adds a loss term).
  CHECK(max_diff(logits.detach(), reference(dir, "logits")) <= 1e-4);

  model->after_optimizer_step();
  at::Tensor moved = (bias - bias_before).abs();
  // Each entry moved by the rate (or stayed, for an expert exactly at the mean load).
  CHECK(((moved - 0.001).abs() <= 1e-6).logical_or(moved <= 1e-9).all().item<bool>());
  CHECK(moved.max().item<double>() >= 0.001 - 1e-6);
  // Without a training forward since, the next step changes nothing.
  at::Tensor after_one = bias.clone();
  model->after_optimizer_step();
  CHECK(max_diff(bias, after_one) == 0);
}
