// moe_router.hpp: which experts each token goes to, in plain C++.
//
// What it does: the top-k expert selection of Hugging Face transformers'
// DeepseekV2TopkRouter ("greedy", "group_limited_greedy") and
// DeepseekV3TopkRouter ("noaux_tc") on scores already copied to the CPU.
// What it does not do: the routing weights. Selection is not differentiable,
// so the block gathers the weights from the (differentiable) score tensor at
// the indices chosen here.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace dsforge::models {

enum class TopkMethod {
  greedy,                // top-k of the scores
  group_limited_greedy,  // groups ranked by their best score; top-k inside the best topk_group groups
  noaux_tc               // scores + correction bias; groups ranked by the sum of their top 2
};

// Parses "greedy" | "group_limited_greedy" | "noaux_tc"; throws std::invalid_argument.
TopkMethod topk_method_from(const std::string& name);

struct RouterShape {
  int64_t n_experts = 0;
  int64_t top_k = 1;
  int64_t n_group = 1;
  int64_t topk_group = 1;
  TopkMethod method = TopkMethod::greedy;

  // Throws std::invalid_argument naming the first inconsistent field.
  void validate() const;
};

// scores: (n_tokens, n_experts) row-major; bias: (n_experts), used only by
// noaux_tc (may be empty: zeros). Returns the chosen experts, (n_tokens, top_k)
// row-major, each row in descending order of the score used for the choice
// (ties: lower expert index first). The experts of a row are distinct.
std::vector<int64_t> route_topk(const RouterShape& shape, const std::vector<float>& scores,
                                const std::vector<float>& bias, int64_t n_tokens);

}  // namespace dsforge::models
