// sampling_params.hpp: the settings of one generation request (what
// `dshost generate`'s flags set and the sampler reads). Free of LibTorch, so
// the CLI binds its flags to these fields directly.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

namespace dsforge {

// Options of one generation request, with the CLI's defaults. Each field's
// "off" value leaves the logits untouched.
struct SamplingParams {
  bool greedy = false;        // argmax; ignores the rest except penalties and stop_ids
  double temperature = 1.0;   // 0 means greedy
  int64_t top_k = 0;          // keep the k most probable (ties at the k-th kept); 0: off
  double top_p = 1.0;         // keep the smallest set reaching this mass; 1: off
  double min_p = 0.0;         // drop tokens below min_p * max prob; 0: off
  // HF/CTRL style over prompt and generated ids: logit > 0 ? logit / p : logit * p.
  double repetition_penalty = 1.0;
  // OpenAI/vLLM style over generated ids only:
  // logit -= presence * (count > 0) + frequency * count.
  double presence_penalty = 0.0;
  double frequency_penalty = 0.0;
  std::optional<uint64_t> seed;  // unset: a fresh one from std::random_device
  std::vector<int64_t> stop_ids;  // generation ends after emitting one of these
};

// Throws UserError naming the flag and the value, e.g.
// "--top-p must be in (0, 1], got 1.5".
void validate(const SamplingParams& p);

}  // namespace dsforge
