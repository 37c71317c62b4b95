// moe_router.cpp: top-k expert selection (see moe_router.hpp).
//
// Masking in Hugging Face: group_limited_greedy fills experts outside the
// chosen groups with 0.0, noaux_tc with -inf, then takes top-k over all
// experts. validate() requires top_k <= topk_group * group_size, and the
// scores of allowed experts are positive (softmax, sigmoid), so in both cases
// the choice equals a top-k restricted to the chosen groups, which is what
// this file computes.
#include "moe_router.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace dsforge::models {
namespace {

// Indices of the k largest of v[0..n) (descending; ties: lower index first),
// considering only indices for which allowed(i) is true.
template <class Allowed>
void top_indices(const float* v, int64_t n, int64_t k, Allowed allowed, std::vector<int64_t>& order,
                 int64_t* out) {
  order.clear();
  for (int64_t i = 0; i < n; ++i)
    if (allowed(i)) order.push_back(i);
  auto better = [v](int64_t a, int64_t b) { return v[a] > v[b] || (v[a] == v[b] && a < b); };
  std::partial_sort(order.begin(), order.begin() + k, order.end(), better);
  std::copy(order.begin(), order.begin() + k, out);
}

}  // namespace

TopkMethod topk_method_from(const std::string& name) {
  if (name == "greedy") return TopkMethod::greedy;
  if (name == "group_limited_greedy") return TopkMethod::group_limited_greedy;
  if (name == "noaux_tc") return TopkMethod::noaux_tc;
  throw std::invalid_argument("topk_method must be greedy, group_limited_greedy or noaux_tc, got '" + name + "'");
}

void RouterShape::validate() const {
  auto bad = [](const std::string& m) { throw std::invalid_argument(m); };
  if (n_experts < 1) bad("n_routed_experts must be >= 1, got " + std::to_string(n_experts));
  if (top_k < 1 || top_k > n_experts)
    bad("top_k must be in [1, n_routed_experts=" + std::to_string(n_experts) + "], got " + std::to_string(top_k));
  if (method == TopkMethod::greedy) return;
  if (n_group < 1 || n_experts % n_group != 0)
    bad("n_group must divide n_routed_experts=" + std::to_string(n_experts) + ", got " + std::to_string(n_group));
  if (topk_group < 1 || topk_group > n_group)
    bad("topk_group must be in [1, n_group=" + std::to_string(n_group) + "], got " + std::to_string(topk_group));
  int64_t reachable = topk_group * (n_experts / n_group);
  if (top_k > reachable)
    bad("top_k=" + std::to_string(top_k) + " exceeds the experts in the topk_group best groups (" +
        std::to_string(reachable) + ")");
}

std::vector<int64_t> route_topk(const RouterShape& s, const std::vector<float>& scores,
                                const std::vector<float>& bias, int64_t n_tokens) {
  s.validate();
  const int64_t E = s.n_experts, K = s.top_k;
  if (static_cast<int64_t>(scores.size()) != n_tokens * E)
    throw std::invalid_argument("route_topk: expected " + std::to_string(n_tokens * E) + " scores, got " +
                                std::to_string(scores.size()));
  const bool use_bias = s.method == TopkMethod::noaux_tc && !bias.empty();
  if (use_bias && static_cast<int64_t>(bias.size()) != E)
    throw std::invalid_argument("route_topk: expected " + std::to_string(E) + " bias values, got " +
                                std::to_string(bias.size()));

  const int64_t G = s.method == TopkMethod::greedy ? 1 : s.n_group;
  const int64_t per_group = E / G;
  std::vector<int64_t> out(static_cast<size_t>(n_tokens * K));
  std::vector<float> choice(static_cast<size_t>(E));       // scores used for the choice
  std::vector<float> group_score(static_cast<size_t>(G));
  std::vector<int64_t> chosen_groups(static_cast<size_t>(s.topk_group));
  std::vector<char> group_on(static_cast<size_t>(G));
  std::vector<int64_t> order;

  for (int64_t t = 0; t < n_tokens; ++t) {
    const float* row = scores.data() + t * E;
    for (int64_t e = 0; e < E; ++e) {
      float c = use_bias ? row[e] + bias[e] : row[e];
      choice[e] = std::isnan(c) ? -std::numeric_limits<float>::infinity() : c;  // keeps the sort well-defined
    }
    int64_t* dst = out.data() + t * K;
    if (s.method == TopkMethod::greedy) {
      top_indices(choice.data(), E, K, [](int64_t) { return true; }, order, dst);
      continue;
    }
    for (int64_t g = 0; g < G; ++g) {
      const float* c = choice.data() + g * per_group;
      if (s.method == TopkMethod::group_limited_greedy) {
        group_score[g] = *std::max_element(c, c + per_group);
      } else {  // noaux_tc: sum of the two best of the group
        float best = c[0], second = 0.0f;
        bool has_second = false;
        for (int64_t j = 1; j < per_group; ++j) {
          if (c[j] > best) {
            second = best;
            best = c[j];
            has_second = true;
          } else if (!has_second || c[j] > second) {
            second = c[j];
            has_second = true;
          }
        }
        group_score[g] = has_second ? best + second : best;
      }
    }
    top_indices(group_score.data(), G, s.topk_group, [](int64_t) { return true; }, order, chosen_groups.data());
    std::fill(group_on.begin(), group_on.end(), 0);
    for (int64_t g : chosen_groups) group_on[g] = 1;
    top_indices(choice.data(), E, K, [&](int64_t e) { return group_on[e / per_group] != 0; }, order, dst);
  }
  return out;
}

}  // namespace dsforge::models
