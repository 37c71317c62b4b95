// rope.hpp: rotary position tables as Hugging Face computes them (float32
// inverse frequencies, "rotate half" layout), with the scalings real
// checkpoints use: linear, llama3 (Llama 3.1+) and yarn (DeepSeek V2/V3).
// Blocks receive cos/sin for the positions of each call.
#pragma once

#include <ATen/ATen.h>

#include "model/model_config.hpp"

namespace dsforge {

class RotaryTables {
 public:
  // `dim`: rotated dims per head. Throws UserError for an unknown type.
  RotaryTables(const RopeConfig& rope, int64_t dim, int64_t max_position_embeddings);
  // cos, sin [count, dim] float32 for positions start .. start+count-1.
  std::pair<at::Tensor, at::Tensor> at_positions(int64_t start, int64_t count, const at::Device& device) const;
  // Extra factor on the 1/sqrt(d) softmax scale (DeepSeek's yarn mscale^2; else 1).
  double softmax_scale_mul() const { return softmax_scale_mul_; }
  int64_t dim() const { return dim_; }
  const at::Tensor& inv_freq() const { return inv_freq_; }

 private:
  int64_t dim_;
  at::Tensor inv_freq_;         // [dim/2] float32
  double attention_factor_ = 1.0;  // multiplies cos and sin (yarn)
  double softmax_scale_mul_ = 1.0;
};

}  // namespace dsforge
