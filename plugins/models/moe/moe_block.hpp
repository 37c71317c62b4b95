// moe_block.hpp: DeepSeekMoE as a dsforge MLP block.
//
// What it does: the same numbers as Hugging Face transformers' DeepseekV2Moe
// and DeepseekV3MoE: a float32 router (softmax or sigmoid scores), top-k
// expert choice (greedy, group-limited greedy, or noaux_tc with the
// e_score_correction_bias), SwiGLU routed experts weighted by their routing
// weights, plus always-on shared experts. While training it can add
// DeepSeek's sequence-wise load-balance loss and keep the per-expert load
// counts for the auxiliary-loss-free bias update (after_step()).
// What it does not do: expert parallelism, capacity limits / token dropping,
// fused grouped GEMMs (experts run one after another).
#pragma once

#include <dsforge/dsforge.hpp>

#include "moe_router.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace dsforge::models {

struct MoeOptions {
  int64_t hidden_size = 0;
  int64_t moe_intermediate_size = 0;
  int64_t n_shared_experts = 0;
  bool sigmoid = false;  // scoring: "softmax" (false) | "sigmoid" (true)
  RouterShape router;    // n_routed_experts, top_k, n_group, topk_group, topk_method
  bool norm_topk_prob = false;
  double routed_scaling_factor = 1.0;
  double aux_loss_alpha = 0.0;    // 0: no load-balance loss
  double bias_update_rate = 0.0;  // 0: no auxiliary-loss-free bias update

  static MoeOptions from(const ds::Config& cfg);
};

class DeepseekMoe {
 public:
  explicit DeepseekMoe(const ds::Config& cfg);

  void bind(const ds::Module& module);
  size_t state_slots() const { return 0; }
  // x (B, T, hidden) -> (B, T, hidden)
  ds::Tensor forward(const ds::Module& module, const ds_block_args& args, const ds::Tensor& x);
  // bias_i += rate * sign(mean load - load_i) over the tokens counted since
  // the last step, then resets the counts (DeepSeek-V3's aux-loss-free rule).
  void after_step();

 private:
  ds::Tensor swiglu(const ds::Module& module, size_t expert, const ds::Tensor& x) const;
  void add_aux_loss(const ds_block_args& args, const ds::Tensor& scores, const std::vector<int64_t>& idx,
                    int64_t batch, int64_t seq) const;

  MoeOptions opt_;
  // Linear names per expert ("experts.3.gate_proj", ...); the last entry is
  // "shared_experts.*" when n_shared_experts > 0.
  std::vector<std::string> gate_names_, up_names_, down_names_;
  ds::Tensor gate_w_;  // (E, hidden) gate.weight
  ds::Tensor bias_;    // (E) gate.e_score_correction_bias; noaux_tc only
  std::vector<int64_t> load_;  // tokens routed to each expert since the last after_step()
};

}  // namespace dsforge::models
