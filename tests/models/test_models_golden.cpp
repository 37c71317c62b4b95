// test_models_golden.cpp: every fixture model against the logits and greedy
// ids transformers produced: one full forward, token-by-token decoding
// through the KV cache, a prompt in two chunks, greedy generation with and
// without the cache; and the LoRA fixture with the adapter applied, merged,
// unmerged and switched off.
#include <ATen/core/grad_mode.h>

#include "engine/model_runner.hpp"
#include "model_fixture.hpp"

using namespace dsforge;
using namespace dsforge::testing;

namespace {

constexpr double kTol = 1e-4;  // the fixtures' float32 tolerance

// Logits of ids fed through the cache in pieces of `first` then 1 token.
at::Tensor decode_in_pieces(Transformer& m, const at::Tensor& ids, int64_t first) {
  KvCache cache = m.new_cache();
  std::vector<at::Tensor> parts;
  parts.push_back(m.forward(ids.slice(1, 0, first), &cache));
  for (int64_t t = first; t < ids.size(1); ++t) parts.push_back(m.forward(ids.slice(1, t, t + 1), &cache));
  REQUIRE(cache.length() == ids.size(1));
  return at::cat(parts, 1);
}

std::vector<int64_t> row(const at::Tensor& t) {
  at::Tensor c = t.to(at::kLong).contiguous();
  return std::vector<int64_t>(c.data_ptr<int64_t>(), c.data_ptr<int64_t>() + c.numel());
}

}  // namespace

TEST_CASE("every fixture model matches transformers: full forward, KV-cache decoding, greedy ids") {
  at::NoGradGuard no_grad;
  for (const char* name : {"llama_tiny", "qwen2_tiny", "mistral_tiny_sw4", "deepseekv2_tiny", "deepseekv3_tiny"}) {
    INFO("fixture " << name);
    const fs::path dir = kFixtures / name;
    auto model = load_model(dir);
    at::Tensor ids = reference(dir, "input_ids");
    at::Tensor want = reference(dir, "logits");

    at::Tensor full = model->forward(ids);
    INFO("full forward max diff " << max_diff(full, want));
    CHECK(max_diff(full, want) <= kTol);

    at::Tensor one_by_one = decode_in_pieces(*model, ids, 1);
    INFO("token-by-token max diff " << max_diff(one_by_one, want));
    CHECK(max_diff(one_by_one, want) <= kTol);
    CHECK(max_diff(decode_in_pieces(*model, ids, 5), want) <= kTol);

    // Greedy generation through the CLI's runner, with and without cache.
    ModelOptions o;
    o.model = dir;
    ModelRunner runner(o, factory());
    at::Tensor greedy = reference(dir, "greedy_ids");
    std::vector<std::vector<int64_t>> prompt = {row(ids[0])};
    SamplingOptions s;
    s.greedy = true;
    const int64_t new_tokens = greedy.size(1) - ids.size(1);
    for (bool cached : {true, false}) {
      INFO("use_cache " << cached);
      GenerateResult r = runner.generate(prompt, new_tokens, s, cached);
      CHECK(r.ids.at(0) == row(greedy[0]));
    }
  }
}

TEST_CASE("LoRA fixture: adapter applied, merged, unmerged and switched off match PEFT") {
  at::NoGradGuard no_grad;
  const fs::path dir = kFixtures / "llama_tiny_lora";
  auto base = load_model(dir / "base");
  at::Tensor ids = reference(dir, "input_ids");
  at::Tensor base_logits = base->forward(ids);

  auto model = load_model(dir / "base");
  model->load_adapter(dir / "adapter", "fixture");
  CHECK(max_diff(model->forward(ids), reference(dir, "logits")) <= kTol);
  CHECK(max_diff(decode_in_pieces(*model, ids, 3), reference(dir, "logits")) <= kTol);

  model->merge_adapter("fixture");
  CHECK(max_diff(model->forward(ids), reference(dir, "merged_logits")) <= kTol);
  model->unmerge_adapter("fixture");
  CHECK(max_diff(model->forward(ids), reference(dir, "logits")) <= kTol);

  model->set_active_adapters({});
  CHECK(max_diff(model->forward(ids), base_logits) <= 1e-5);
  CHECK(max_diff(model->weights().params.at("model.layers.0.self_attn.q_proj.weight"),
                 base->weights().params.at("model.layers.0.self_attn.q_proj.weight")) <= 1e-6);
  model->set_active_adapters({"fixture"});
  CHECK(max_diff(model->forward(ids), reference(dir, "logits")) <= kTol);
  CHECK_THROWS_WITH(model->set_active_adapters({"nope"}), Catch::Contains("no adapter named 'nope'"));
}

TEST_CASE("two adapters on one base: each selectable, and both together add up") {
  at::NoGradGuard no_grad;
  const fs::path dir = kFixtures / "llama_tiny_lora";
  auto model = load_model(dir / "base");
  at::Tensor ids = reference(dir, "input_ids");
  at::Tensor base_logits = model->forward(ids);
  model->load_adapter(dir / "adapter", "a");
  model->load_adapter(dir / "adapter", "b");
  model->set_active_adapters({"a"});
  at::Tensor one = model->forward(ids);
  CHECK(max_diff(one, reference(dir, "logits")) <= kTol);
  model->set_active_adapters({"b"});
  CHECK(max_diff(model->forward(ids), one) <= 1e-6);
  model->set_active_adapters({"a", "b"});
  CHECK(max_diff(model->forward(ids), one) > 1e-3);  // the delta counts twice
  model->merge_adapter("a");
  model->set_active_adapters({"b"});
  at::Tensor both = model->forward(ids);  // a merged + b applied
  model->set_active_adapters({"a", "b"});
  CHECK(max_diff(model->forward(ids), both) <= 1e-5);  // a is merged: not applied twice
}
