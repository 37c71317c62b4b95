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
