// test_models_gradients.cpp: gradients flow through every block plugin
// (causal, sliding_window, gated_heads, mla, swiglu, deepseek_moe, lora):
// autograd's gradient of a fixed random projection of the logits equals a
// central finite difference, in float64, for weights inside each block.
#include <ATen/core/grad_mode.h>

#include "model_fixture.hpp"

using namespace dsforge;
using namespace dsforge::testing;

namespace {

// loss = sum(logits * r) for a fixed r.
struct Probe {
  at::Tensor ids, r;
  double loss(Transformer& m) const { return (m.forward(ids) * r).sum().item<double>(); }
};

Probe make_probe(const fs::path& dir, const Transformer& m) {
  Probe p;
  p.ids = reference(dir, "input_ids").slice(1, 0, 8);
  p.r = at::randn({p.ids.size(0), p.ids.size(1), m.config().vocab_size},
                  at::TensorOptions().dtype(at::kDouble)).mul_(0.1);
  return p;
}

// Compares d loss / d w[i] with a central difference at a few entries of w.
void check_gradient(Transformer& m, const Probe& probe, at::Tensor w, const std::string& what) {
  INFO(what);
  REQUIRE(w.defined());
  w.requires_grad_(true);
  if (w.grad().defined()) w.mutable_grad().zero_();
  at::Tensor loss = (m.forward(probe.ids) * probe.r).sum();
  loss.backward();
  at::Tensor grad = w.grad().detach().clone().view(-1);
  w.requires_grad_(false);
  REQUIRE(grad.abs().max().item<double>() > 0);  // the weight matters at all

  at::NoGradGuard no_grad;
  at::Tensor flat = w.detach().view(-1);
  const int64_t n = flat.numel();
  const double eps = 1e-6;
  for (int64_t i : {int64_t{0}, n / 3, n / 2, n - 1}) {
    const double orig = flat[i].item<double>();
    flat[i] = orig + eps;
    const double up = probe.loss(m);
    flat[i] = orig - eps;
    const double down = probe.loss(m);
    flat[i] = orig;
    const double numeric = (up - down) / (2 * eps);
    const double analytic = grad[i].item<double>();
    INFO("entry " << i << ": autograd " << analytic << ", finite difference " << numeric);
    CHECK(std::abs(analytic - numeric) <= 1e-6 + 1e-5 * std::abs(numeric));
  }
}

std::unique_ptr<Transformer> load_f64(const fs::path& dir, const std::string& attention = "",
                                      nlohmann::json settings = nlohmann::json::object()) {
  LoadOptions o;
  o.dtype = at::kDouble;
  o.attention.component = attention;
  o.attention.settings = std::move(settings);
  return load_model(dir, o);
}

}  // namespace

TEST_CASE("gradients through causal attention and swiglu (llama_tiny)") {
  at::manual_seed(1);
  const fs::path dir = kFixtures / "llama_tiny";
  auto m = load_f64(dir);
  Probe p = make_probe(dir, *m);
  auto& w = m->weights().params;
  check_gradient(*m, p, w.at("model.layers.0.self_attn.q_proj.weight"), "causal q_proj");
  check_gradient(*m, p, w.at("model.layers.1.self_attn.v_proj.weight"), "causal v_proj");
  check_gradient(*m, p, w.at("model.layers.0.mlp.gate_proj.weight"), "swiglu gate_proj");
  check_gradient(*m, p, w.at("model.layers.1.mlp.down_proj.weight"), "swiglu down_proj");
}

TEST_CASE("gradients through sliding_window and gated_heads") {
  at::manual_seed(2);
  const fs::path dir = kFixtures / "llama_tiny";
  auto sw = load_f64(dir, "sliding_window", {{"window", 3}, {"global_tokens", {0}}});
  Probe p = make_probe(dir, *sw);
  check_gradient(*sw, p, sw->weights().params.at("model.layers.0.self_attn.k_proj.weight"), "sliding_window k_proj");
  auto gated = load_f64(dir, "gated_heads");
  check_gradient(*gated, p, gated->weights().params.at("model.layers.1.self_attn.g_proj.weight"), "gated_heads gate");
  check_gradient(*gated, p, gated->weights().params.at("model.layers.0.self_attn.o_proj.weight"), "gated_heads o_proj");
}

TEST_CASE("gradients through mla and deepseek_moe (deepseekv3_tiny)") {
  at::manual_seed(3);
  const fs::path dir = kFixtures / "deepseekv3_tiny";
  auto m = load_f64(dir);
  Probe p = make_probe(dir, *m);
  auto& w = m->weights().params;
  check_gradient(*m, p, w.at("model.layers.0.self_attn.q_b_proj.weight"), "mla q_b_proj");
  check_gradient(*m, p, w.at("model.layers.1.self_attn.kv_b_proj.weight"), "mla kv_b_proj");
  check_gradient(*m, p, w.at("model.layers.1.self_attn.kv_a_layernorm.weight"), "mla kv_a_layernorm");
  check_gradient(*m, p, w.at("model.layers.1.mlp.gate.weight"), "moe router gate");
  check_gradient(*m, p, w.at("model.layers.2.mlp.shared_experts.up_proj.weight"), "moe shared expert");
  // Some routed expert that received tokens: its gradient is non-zero.
  bool found = false;
  for (int e = 0; e < 8 && !found; ++e) {
    at::Tensor ew = w.at("model.layers.1.mlp.experts." + std::to_string(e) + ".down_proj.weight");
    ew.requires_grad_(true);
    at::Tensor loss = (m->forward(p.ids) * p.r).sum();
    ew.requires_grad_(false);
    if (loss.requires_grad()) {  // the expert got tokens
      check_gradient(*m, p, ew, "moe routed expert " + std::to_string(e));
      found = true;
    }
  }
  CHECK(found);
}

TEST_CASE("gradients through lora A and B (B starts non-zero in the fixture)") {
  at::manual_seed(4);
  const fs::path dir = kFixtures / "llama_tiny_lora";
  auto m = load_f64(dir / "base");
  m->load_adapter(dir / "adapter", "fixture");
  Probe p = make_probe(dir, *m);
  for (auto& [key, t] : m->adapter_tensors("fixture")) {
    if (key.find("layers.0.self_attn.q_proj") == std::string::npos) continue;
    t.requires_grad_(false);  // check_gradient switches it on for itself
    check_gradient(*m, p, t, key);
  }
}
