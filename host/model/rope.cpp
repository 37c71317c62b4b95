// rope.cpp: inverse frequencies per RoPE type, mirroring transformers'
// modeling_rope_utils step by step (float32 where it uses float32) so that
// logits match to float rounding.
#include "model/rope.hpp"

#include <cmath>

#include "common/error.hpp"
#include "runtime/op_support.hpp"

namespace dsforge {
namespace {

at::Tensor default_inv_freq(double base, int64_t dim) {
  at::Tensor exponents = at::arange(0, dim, 2, at::kLong).to(at::kFloat) / static_cast<double>(dim);
  return 1.0 / at::pow(base, exponents);
}

double yarn_mscale(double scale, double mscale) { return scale <= 1 ? 1.0 : 0.1 * mscale * std::log(scale) + 1.0; }

at::Tensor yarn_inv_freq(const RopeConfig& r, int64_t dim, int64_t max_pos, double* attention_factor) {
  const double base = r.theta;
  const double factor = r.factor;
  const int64_t original = r.original_max_position_embeddings > 0 ? r.original_max_position_embeddings : max_pos;
  if (r.attention_factor) {
    *attention_factor = *r.attention_factor;
  } else if (r.mscale != 0 && r.mscale_all_dim != 0) {
    *attention_factor = yarn_mscale(factor, r.mscale) / yarn_mscale(factor, r.mscale_all_dim);
  } else {
    *attention_factor = yarn_mscale(factor, 1.0);
  }
  auto correction_dim = [&](double rotations) {
    return (dim * std::log(original / (rotations * 2 * M_PI))) / (2 * std::log(base));
  };
  double low = std::max(std::floor(correction_dim(r.beta_fast)), 0.0);
  double high = std::min(std::ceil(correction_dim(r.beta_slow)), static_cast<double>(dim - 1));
  if (low == high) high += 0.001;
  at::Tensor pos_freqs = at::pow(base, at::arange(0, dim, 2, at::kLong).to(at::kFloat) / static_cast<double>(dim));
  at::Tensor extrapolation = 1.0 / pos_freqs;
  at::Tensor interpolation = 1.0 / (factor * pos_freqs);
  at::Tensor ramp = ((at::arange(dim / 2, at::kFloat) - low) / (high - low)).clamp(0, 1);
  at::Tensor extrapolation_factor = 1 - ramp;
  return interpolation * (1 - extrapolation_factor) + extrapolation * extrapolation_factor;
}

at::Tensor llama3_inv_freq(const RopeConfig& r, int64_t dim) {
  at::Tensor inv = default_inv_freq(r.theta, dim);
  const double old_len = static_cast<double>(r.original_max_position_embeddings);
  if (old_len <= 0) throw UserError("rope_scaling llama3 needs original_max_position_embeddings");
  const double low_wavelen = old_len / r.low_freq_factor;
  const double high_wavelen = old_len / r.high_freq_factor;
  at::Tensor wavelen = 2 * M_PI / inv;
  at::Tensor scaled = at::where(wavelen > low_wavelen, inv / r.factor, inv);
  at::Tensor smooth = (old_len / wavelen - r.low_freq_factor) / (r.high_freq_factor - r.low_freq_factor);
  at::Tensor smoothed = (1 - smooth) * scaled / r.factor + smooth * scaled;
  at::Tensor medium = (wavelen >= high_wavelen).logical_and(wavelen <= low_wavelen);
  return at::where(medium, smoothed, scaled);
}

}  // namespace

RotaryTables::RotaryTables(const RopeConfig& rope, int64_t dim, int64_t max_pos) : dim_(dim) {
  if (dim <= 0 || dim % 2 != 0) throw UserError(cat("RoPE dimension must be even and positive, got ", dim));
  if (rope.type == "default") {
    inv_freq_ = default_inv_freq(rope.theta, dim);
  } else if (rope.type == "linear") {
    inv_freq_ = default_inv_freq(rope.theta, dim) / rope.factor;
  } else if (rope.type == "llama3") {
    inv_freq_ = llama3_inv_freq(rope, dim);
  } else if (rope.type == "yarn") {
    inv_freq_ = yarn_inv_freq(rope, dim, max_pos, &attention_factor_);
    // DeepSeek scales the softmax by mscale(factor, mscale_all_dim)^2.
    if (rope.mscale_all_dim != 0) {
      double m = yarn_mscale(rope.factor, rope.mscale_all_dim);
      softmax_scale_mul_ = m * m;
    }
  } else {
    throw UserError(cat("RoPE type '", rope.type, "' is not supported (default, linear, llama3, yarn)"));
  }
}

std::pair<at::Tensor, at::Tensor> RotaryTables::at_positions(int64_t start, int64_t count,
                                                             const at::Device& device) const {
  at::Tensor positions = at::arange(start, start + count, at::kLong).to(at::kFloat);
  at::Tensor freqs = positions.unsqueeze(1) * inv_freq_.unsqueeze(0);  // [count, dim/2]
  at::Tensor emb = at::cat({freqs, freqs}, -1);
  at::Tensor cos = emb.cos(), sin = emb.sin();
  if (attention_factor_ != 1.0) {
    cos = cos * attention_factor_;
    sin = sin * attention_factor_;
  }
  return {cos.to(device), sin.to(device)};
}

}  // namespace dsforge
