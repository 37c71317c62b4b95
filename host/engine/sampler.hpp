// sampler.hpp: picks the next token id from one decoding step's logits for
// `dshost generate`: penalties, then greedy argmax or temperature / top-k /
// top-p / min-p filtering and a seeded draw, in Hugging Face `generate` order.
// It does not run the model, keep the KV cache, detokenize or decide how many
// tokens to generate; it only reports whether an id is a stop id.
// LibTorch-side header (engine/ files and tests that link ATen).
#pragma once

#include <ATen/ATen.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "engine/sampling_params.hpp"

namespace dsforge {

// Applies the repetition, presence and frequency penalties of `p` in place.
// logits: (vocab) float32 on the CPU, contiguous. The first prompt_len ids of
// `history` are the prompt, the rest were generated. An id outside the
// vocabulary is a UserError (a prompt tokenized for another model).
void apply_penalties(at::Tensor& logits, const SamplingParams& p,
                     const std::vector<int64_t>& history, size_t prompt_len);

// One generation stream's sampler. It owns a CPU generator, so the same seed
// and logits give the same ids on every run, whatever the thread count. Not
// thread-safe: use one Sampler per stream.
class Sampler {
 public:
  explicit Sampler(SamplingParams p);  // validates p

  // logits: (vocab) of any floating dtype on any device; never modified
  // (the work happens on a float32 CPU copy).
  int64_t next(const at::Tensor& logits, const std::vector<int64_t>& history,
               size_t prompt_len);

  // logits: (B, vocab); histories: B rows sharing prompt_len. One id per row,
  // drawn row after row from the same generator.
  std::vector<int64_t> next_batch(const at::Tensor& logits,
                                  const std::vector<std::vector<int64_t>>& histories,
                                  size_t prompt_len);

  bool is_stop(int64_t id) const;

  const SamplingParams& params() const { return params_; }
  uint64_t seed() const { return seed_; }  // the one in use, for logs and replays

 private:
  int64_t pick(at::Tensor row, const std::vector<int64_t>& history, size_t prompt_len);
  int64_t draw(const at::Tensor& logits);

  SamplingParams params_;
  uint64_t seed_;
  at::Generator generator_;
};

}  // namespace dsforge
