// moe_block.cpp: the forward pass of DeepSeekMoE and its training extras.
//
// Shapes (N = B*T tokens, E routed experts, K = top_k, h = hidden):
//   logits  = float32(x) @ float32(gate.weight)^T         // (N, E) float32
//   scores  = softmax(logits) | sigmoid(logits)           // (N, E) float32
//   idx     = route_topk(scores [+ bias])                 // (N, K) int64, chosen on the CPU
//   w       = gather(scores, idx) [/ sum] * scaling       // (N, K) float32, differentiable
//   routed  = sum_k w[n,k] * expert_idx[n,k](x[n])        // (N, h), x's dtype
//   out     = routed + shared_experts(x)                  // (B, T, h)
#include "moe_block.hpp"

#include <algorithm>
#include <stdexcept>

namespace dsforge::models {
namespace {

[[noreturn]] void fail(const std::string& message) {
  throw ds::Error(DS_ERR_INVALID_ARGUMENT, "deepseek_moe: " + message);
}

int64_t integer_at_least(const ds::Config& cfg, const char* pointer, int64_t min, int64_t fallback) {
  int64_t v = cfg.has(pointer) || fallback < min ? cfg.integer(pointer) : fallback;
  if (v < min)
    fail(std::string(pointer + 1) + " must be >= " + std::to_string(min) + ", got " + std::to_string(v));
  return v;
}

double number_or(const ds::Config& cfg, const char* pointer, double fallback) {
  return cfg.has(pointer) ? cfg.number(pointer) : fallback;
}

std::string shape_str(const ds::Tensor& t) {
  std::string s = "[";
  for (int64_t d = 0; d < t.dim(); ++d) s += (d ? ", " : "") + std::to_string(t.size(d));
  return s + "]";
}

}  // namespace

MoeOptions MoeOptions::from(const ds::Config& cfg) {
  MoeOptions o;
  o.hidden_size = integer_at_least(cfg, "/hidden_size", 1, -1);
  o.moe_intermediate_size = integer_at_least(cfg, "/moe_intermediate_size", 1, -1);
  o.n_shared_experts = integer_at_least(cfg, "/n_shared_experts", 0, 0);
  std::string scoring = cfg.str("/scoring");
  if (scoring != "softmax" && scoring != "sigmoid")
    fail("scoring must be softmax or sigmoid, got '" + scoring + "'");
  o.sigmoid = scoring == "sigmoid";
  o.router.n_experts = integer_at_least(cfg, "/n_routed_experts", 1, -1);
  o.router.top_k = integer_at_least(cfg, "/top_k", 1, -1);
  o.router.n_group = integer_at_least(cfg, "/n_group", 1, 1);
  o.router.topk_group = integer_at_least(cfg, "/topk_group", 1, 1);
  try {
    o.router.method = topk_method_from(cfg.str("/topk_method"));
    o.router.validate();
  } catch (const std::invalid_argument& e) {
    fail(e.what());
  }
  o.norm_topk_prob = cfg.has("/norm_topk_prob") ? cfg.boolean("/norm_topk_prob") : false;
  o.routed_scaling_factor = number_or(cfg, "/routed_scaling_factor", 1.0);
  o.aux_loss_alpha = number_or(cfg, "/aux_loss_alpha", 0.0);
  o.bias_update_rate = number_or(cfg, "/bias_update_rate", 0.0);
  if (o.aux_loss_alpha < 0) fail("aux_loss_alpha must be >= 0, got " + std::to_string(o.aux_loss_alpha));
  if (o.bias_update_rate < 0) fail("bias_update_rate must be >= 0, got " + std::to_string(o.bias_update_rate));
  if (o.bias_update_rate > 0 && o.router.method != TopkMethod::noaux_tc)
    fail("bias_update_rate needs topk_method noaux_tc (the only method that reads e_score_correction_bias)");
  return o;
}

DeepseekMoe::DeepseekMoe(const ds::Config& cfg) : opt_(MoeOptions::from(cfg)) {
  const int64_t E = opt_.router.n_experts;
  for (int64_t e = 0; e <= E; ++e) {
    if (e == E && opt_.n_shared_experts == 0) break;
    std::string base = e < E ? "experts." + std::to_string(e) + "." : std::string("shared_experts.");
    gate_names_.push_back(base + "gate_proj");
    up_names_.push_back(base + "up_proj");
    down_names_.push_back(base + "down_proj");
  }
  load_.assign(static_cast<size_t>(E), 0);
}

void DeepseekMoe::bind(const ds::Module& module) {
  const int64_t E = opt_.router.n_experts;
  gate_w_ = module.weight("gate.weight");
  if (gate_w_.dim() != 2 || gate_w_.size(0) != E || gate_w_.size(1) != opt_.hidden_size)
    fail(module.prefix() + "gate.weight is " + shape_str(gate_w_) + ", expected [" + std::to_string(E) + ", " +
         std::to_string(opt_.hidden_size) + "] (n_routed_experts, hidden_size)");
  if (opt_.router.method == TopkMethod::noaux_tc) {
    // DeepSeek-V3 checkpoints carry it; otherwise it starts at zero and is
    // saved with the model. It never gets a gradient (only read on the CPU).
    bias_ = module.weight_or_new("gate.e_score_correction_bias", {E}, 0.0);
    if (bias_.dim() != 1 || bias_.size(0) != E)
      fail(module.prefix() + "gate.e_score_correction_bias is " + shape_str(bias_) + ", expected [" +
           std::to_string(E) + "]");
  }
  if (opt_.n_shared_experts > 0 && !module.has("shared_experts.gate_proj.weight"))
    throw ds::Error(DS_ERR_NOT_FOUND, "deepseek_moe: n_shared_experts is " + std::to_string(opt_.n_shared_experts) +
                                          " but " + module.prefix() + "shared_experts.gate_proj.weight is missing");
}

// down(silu(gate(x)) * up(x)) for routed expert `expert`, or the shared
// experts when expert == n_routed_experts.
ds::Tensor DeepseekMoe::swiglu(const ds::Module& module, size_t expert, const ds::Tensor& x) const {
  ds::Tensor g = module.linear(gate_names_[expert].c_str(), x).silu();
  ds::Tensor u = module.linear(up_names_[expert].c_str(), x);
  return module.linear(down_names_[expert].c_str(), g * u);
}

ds::Tensor DeepseekMoe::forward(const ds::Module& module, const ds_block_args& args, const ds::Tensor& x) {
  if (!gate_w_) throw ds::Error(DS_ERR_INTERNAL, "deepseek_moe: forward() before bind()");
  const int64_t h = opt_.hidden_size, E = opt_.router.n_experts, K = opt_.router.top_k;
  if (x.dim() != 3 || x.size(2) != h) fail("expected x [B, T, " + std::to_string(h) + "], got " + shape_str(x));
  const int64_t B = x.size(0), T = x.size(1), N = B * T;
  if (N == 0) return x.affine(0.0, 0.0);
  const ds_device dev = x.device();

  // Router, in float32 as Hugging Face.
  ds::Tensor xf = x.reshape({N, h});
  // (float64 stays float64, for gradient checks)
  const int32_t router_dtype = x.dtype() == DS_DTYPE_F64 ? DS_DTYPE_F64 : DS_DTYPE_F32;
  ds::Tensor logits = xf.cast(router_dtype).linear(gate_w_.cast(router_dtype));  // (N, E)
  ds::Tensor scores = opt_.sigmoid ? logits.sigmoid() : logits.softmax(-1);      // (N, E)

  // Expert choice on the CPU (not differentiable anyway).
  std::vector<float> bias;
  if (opt_.router.method == TopkMethod::noaux_tc) bias = bias_.to_floats();
  std::vector<int64_t> idx;
  try {
    idx = route_topk(opt_.router, scores.to_floats(), bias, N);  // (N, K)
  } catch (const std::invalid_argument& e) {
    fail(e.what());
  }

  // Routing weights: the plain scores (no bias) at the chosen experts.
  ds::Tensor w = scores.gather(1, ds::Tensor::from_i64(idx, {N, K}, dev));  // (N, K)
  if (opt_.norm_topk_prob) w = w / w.sum({-1}, true).affine(1.0, 1e-20);
  if (opt_.routed_scaling_factor != 1.0) w = w.affine(opt_.routed_scaling_factor, 0.0);

  // Group the (token, slot) pairs by expert; inside an expert, slot-major
  // then token order, as Hugging Face's torch.where over the expert mask.
  std::vector<int64_t> count(static_cast<size_t>(E), 0), start(static_cast<size_t>(E) + 1, 0);
  for (int64_t e : idx) ++count[e];
  for (int64_t e = 0; e < E; ++e) start[e + 1] = start[e] + count[e];
  std::vector<int64_t> cursor(start.begin(), start.end() - 1);
  std::vector<int64_t> tokens(static_cast<size_t>(N * K)), slots(static_cast<size_t>(N * K));
  for (int64_t k = 0; k < K; ++k)
    for (int64_t n = 0; n < N; ++n) {
      int64_t p = n * K + k, at = cursor[idx[p]]++;
      tokens[at] = n;
      slots[at] = p;
    }
  ds::Tensor token_index = ds::Tensor::from_i64(tokens, {N * K}, dev);                              // (N*K)
  ds::Tensor slot_w = w.reshape({N * K}).index_select(0, ds::Tensor::from_i64(slots, {N * K}, dev));  // (N*K)

  std::vector<ds::Tensor> parts;
  for (int64_t e = 0; e < E; ++e) {
    if (count[e] == 0) continue;
    ds::Tensor rows = token_index.slice(0, start[e], start[e + 1]);                    // (n_e)
    ds::Tensor y = swiglu(module, static_cast<size_t>(e), xf.index_select(0, rows));   // (n_e, h)
    parts.push_back(y * slot_w.slice(0, start[e], start[e + 1]).reshape({count[e], 1}));
  }
  // One accumulation in expert order; index_add casts to x's dtype.
  ds::Tensor routed = ds::Tensor::zeros({N, h}, x.dtype(), dev).index_add(0, token_index, ds::cat(parts, 0));
  ds::Tensor out = routed.reshape({B, T, h});
  if (opt_.n_shared_experts > 0) out = out + swiglu(module, static_cast<size_t>(E), x);

  if (args.training != 0) {
    if (opt_.aux_loss_alpha > 0 && args.aux_loss != nullptr) add_aux_loss(args, scores, idx, B, T);
    if (opt_.bias_update_rate > 0)
      for (int64_t e = 0; e < E; ++e) load_[e] += count[e];
  }
  return out;
}

// Sequence-wise expert-level balance loss (DeepSeek-V2 eq. 12-14, DeepSeek-V3
// eq. 17-20), averaged over the batch's sequences:
//   f_bi = E / (K T) * #{t in sequence b : expert i among token t's top-k}
//   P_bi = 1/T * sum_t s'_bti   (s' = scores; sigmoid scores normalized to sum 1 per token)
//   L    = alpha * mean_b sum_i f_bi P_bi
// Gradients reach gate.weight through P; f is a constant.
void DeepseekMoe::add_aux_loss(const ds_block_args& args, const ds::Tensor& scores,
                               const std::vector<int64_t>& idx, int64_t batch, int64_t seq) const {
  const int64_t E = opt_.router.n_experts, K = opt_.router.top_k;
  std::vector<float> f(static_cast<size_t>(batch * E), 0.0f);
  const float unit = static_cast<float>(static_cast<double>(E) / static_cast<double>(K * seq));
  for (size_t p = 0; p < idx.size(); ++p) {
    int64_t b = static_cast<int64_t>(p) / K / seq;
    f[b * E + idx[p]] += unit;
  }
  ds::Tensor s = opt_.sigmoid ? scores / scores.sum({-1}, true) : scores;  // (N, E)
  ds::Tensor P = s.reshape({batch, seq, E}).mean({1});                        // (B, E)
  ds::Tensor F = ds::Tensor::from(f, {batch, E}, scores.device());           // (B, E)
  ds::Tensor loss = (P * F).sum().affine(opt_.aux_loss_alpha / static_cast<double>(batch), 0.0);  // ()

  ds_tensor*& slot = *args.aux_loss;
  if (slot == nullptr) {
    slot = loss.release();
  } else {
    ds::Tensor total = ds::Tensor::borrow(slot) + loss;
    ds::ops().release(slot);
    slot = total.release();
  }
}

void DeepseekMoe::after_step() {
  if (!(opt_.bias_update_rate > 0) || !bias_) return;
  int64_t total = 0;
  for (int64_t c : load_) total += c;
  if (total == 0) return;
  const size_t E = load_.size();
  const double mean = static_cast<double>(total) / static_cast<double>(E);
  std::vector<float> b = bias_.to_floats();
  for (size_t i = 0; i < E; ++i) {
    double gap = mean - static_cast<double>(load_[i]);  // > 0: underloaded, raise its bias
    double sign = gap > 0 ? 1.0 : (gap < 0 ? -1.0 : 0.0);
    b[i] = static_cast<float>(static_cast<double>(b[i]) + opt_.bias_update_rate * sign);
  }
  bias_.assign(ds::Tensor::from(b, {static_cast<int64_t>(E)}, bias_.device()));
  std::fill(load_.begin(), load_.end(), 0);
}

}  // namespace dsforge::models
