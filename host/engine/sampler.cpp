// sampler.cpp: next-token selection for `dshost generate` (see sampler.hpp).
// Steps, in Hugging Face `generate` order: repetition penalty, presence and
// frequency penalties, then argmax, or temperature, top-k, top-p, min-p and a
// draw with at::multinomial from the sampler's own CPU generator. All the
// work happens on a float32 CPU copy of one row of logits. It does not batch
// the filtering across rows (generation keeps few rows) and never touches the
// caller's tensor. No fmt here: messages are built with cat().
#include "engine/sampler.hpp"

#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <limits>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>

#include "common/error.hpp"
#include "runtime/op_support.hpp"

namespace dsforge {
namespace {

constexpr float kNegInf = -std::numeric_limits<float>::infinity();

// float32 softmax rounding can leave the mass of the kept tokens a hair below
// a top_p it reaches exactly (0.5 + 0.3 against 0.8); that close counts as
// reached.
constexpr double kTopPSlack = 1e-6;

// A double as a user typed it: 1.5, not 1.5000000000000000.
std::string show(double v) {
  std::ostringstream out;
  out << std::setprecision(10) << v;
  return out.str();
}

void require(bool ok, const std::string& message) {
  if (!ok) throw UserError(message);
}

// ---- penalties -----------------------------------------------------------

// Distinct ids of `ids` in increasing order, each with how often it occurs.
std::vector<std::pair<int64_t, int64_t>> count_ids(std::vector<int64_t> ids) {
  std::sort(ids.begin(), ids.end());
  std::vector<std::pair<int64_t, int64_t>> counts;
  for (int64_t id : ids) {
    if (!counts.empty() && counts.back().first == id) {
      ++counts.back().second;
    } else {
      counts.emplace_back(id, 1);
    }
  }
  return counts;
}

void check_id(int64_t id, int64_t vocab) {
  if (id >= 0 && id < vocab) return;
  throw UserError(cat("token id ", id, " in the prompt or generated text is outside the model's ",
                      "vocabulary of ", vocab, " ids; was the prompt tokenized for another model?"));
}

void check_penalty_input(const at::Tensor& logits, const std::vector<int64_t>& history,
                         size_t prompt_len) {
  if (logits.dim() != 1 || logits.scalar_type() != at::kFloat || !logits.device().is_cpu() ||
      !logits.is_contiguous()) {
    throw std::invalid_argument(cat("apply_penalties: expected contiguous (vocab) float32 CPU ",
                                    "logits, got ", logits.sizes(), " ", logits.scalar_type(),
                                    " on ", logits.device()));
  }
  if (prompt_len > history.size()) {
    throw std::invalid_argument(cat("apply_penalties: prompt_len ", prompt_len,
                                    " exceeds the history's ", history.size(), " ids"));
  }
}

// HF/CTRL: every id seen so far, once, whatever its count.
void apply_repetition_penalty(float* x, int64_t vocab, double penalty,
                              const std::vector<int64_t>& ids) {
  for (const auto& [id, count] : count_ids(ids)) {
    check_id(id, vocab);
    const double v = x[id];
    x[id] = static_cast<float>(v > 0 ? v / penalty : v * penalty);
  }
}

// OpenAI/vLLM: generated ids only, once for being present plus per use.
void apply_presence_frequency(float* x, int64_t vocab, double presence, double frequency,
                              std::vector<int64_t> generated) {
  for (const auto& [id, count] : count_ids(std::move(generated))) {
    check_id(id, vocab);
    x[id] = static_cast<float>(x[id] - presence - frequency * static_cast<double>(count));
  }
}

// ---- filtering (logits of one row, float32, modified in place) ------------

void check_finite_above(const at::Tensor& row) {
  // -inf is a model's way to forbid a token; NaN or +inf means it broke.
  if ((row.isnan() | row.isposinf()).any().item<bool>()) {
    throw UserError(cat("the model produced NaN or +inf logits; the weights or the compute dtype ",
                        "overflowed (try float32 or bfloat16 instead of float16)"));
  }
}

// Shifts the best logit to 0 first, so a tiny temperature cannot overflow.
at::Tensor scale_by_temperature(const at::Tensor& row, double temperature) {
  const float best = row.max().item<float>();
  if (best == kNegInf) {
    throw std::runtime_error("sampler: every logit is -inf, no token can be drawn");
  }
  return (row - best) / temperature;
}

// Ties with the k-th largest logit are kept, as in Hugging Face.
void mask_top_k(at::Tensor& x, int64_t k) {
  if (k <= 0 || k >= x.size(0)) return;
  const float kth = std::get<0>(at::topk(x, k)).min().item<float>();
  x.masked_fill_(x < kth, kNegInf);
}

// Keeps the most probable tokens until their mass reaches top_p: a token goes
// once the tokens ranked above it already hold top_p. The best always stays.
void mask_top_p(at::Tensor& x, double top_p) {
  if (top_p >= 1.0) return;
  auto [sorted, order] = at::sort(x, /*dim=*/0, /*descending=*/true);
  const at::Tensor probs = at::softmax(sorted, 0, at::kDouble);
  const at::Tensor mass_above = at::cumsum(probs, 0) - probs;
  at::Tensor drop = mass_above >= (top_p - kTopPSlack);
  drop.index_put_({0}, false);
  x.index_fill_(0, order.masked_select(drop), kNegInf);
}

// Drops tokens less probable than min_p times the most probable one.
void mask_min_p(at::Tensor& x, double min_p) {
  if (min_p <= 0.0) return;
  const at::Tensor probs = at::softmax(x, 0);
  const double threshold = min_p * probs.max().item<double>();
  x.masked_fill_(probs < threshold, kNegInf);
}

at::Tensor float_cpu_copy(const at::Tensor& logits) {
  if (!at::isFloatingType(logits.scalar_type())) {
    throw std::invalid_argument(cat("sampler: logits must be floating point, got ",
                                    logits.scalar_type()));
  }
  return logits.detach().to(at::kCPU, at::kFloat, /*non_blocking=*/false, /*copy=*/true)
      .contiguous();
}

uint64_t fresh_seed() {
  std::random_device device;
  return (static_cast<uint64_t>(device()) << 32) ^ device();
}

SamplingParams validated(SamplingParams p) {
  validate(p);
  return p;
}

}  // namespace

void validate(const SamplingParams& p) {
  require(std::isfinite(p.temperature) && p.temperature >= 0.0,
          cat("--temperature must be >= 0, got ", show(p.temperature), " (0 means greedy)"));
  require(p.top_k >= 0, cat("--top-k must be >= 0, got ", p.top_k, " (0 turns it off)"));
  require(p.top_p > 0.0 && p.top_p <= 1.0,
          cat("--top-p must be in (0, 1], got ", show(p.top_p), " (1 turns it off)"));
  require(p.min_p >= 0.0 && p.min_p <= 1.0,
          cat("--min-p must be in [0, 1], got ", show(p.min_p), " (0 turns it off)"));
  require(std::isfinite(p.repetition_penalty) && p.repetition_penalty > 0.0,
          cat("--repetition-penalty must be > 0, got ", show(p.repetition_penalty),
              " (1 turns it off, above 1 discourages repeats)"));
  require(p.presence_penalty >= -2.0 && p.presence_penalty <= 2.0,
          cat("--presence-penalty must be in [-2, 2], got ", show(p.presence_penalty),
              " (0 turns it off)"));
  require(p.frequency_penalty >= -2.0 && p.frequency_penalty <= 2.0,
          cat("--frequency-penalty must be in [-2, 2], got ", show(p.frequency_penalty),
              " (0 turns it off)"));
  for (int64_t id : p.stop_ids) {
    require(id >= 0, cat("stop token ids must be >= 0, got ", id));
  }
}

void apply_penalties(at::Tensor& logits, const SamplingParams& p,
                     const std::vector<int64_t>& history, size_t prompt_len) {
  check_penalty_input(logits, history, prompt_len);
  float* x = logits.data_ptr<float>();
  const int64_t vocab = logits.size(0);
  if (p.repetition_penalty != 1.0) {
    apply_repetition_penalty(x, vocab, p.repetition_penalty, history);
  }
  if (p.presence_penalty != 0.0 || p.frequency_penalty != 0.0) {
    const auto first_generated = history.begin() + static_cast<std::ptrdiff_t>(prompt_len);
    apply_presence_frequency(x, vocab, p.presence_penalty, p.frequency_penalty,
                             std::vector<int64_t>(first_generated, history.end()));
  }
}

Sampler::Sampler(SamplingParams p)
    : params_(validated(std::move(p))),
      seed_(params_.seed ? *params_.seed : fresh_seed()),
      generator_(at::make_generator<at::CPUGeneratorImpl>(seed_)) {}

int64_t Sampler::next(const at::Tensor& logits, const std::vector<int64_t>& history,
                      size_t prompt_len) {
  if (logits.dim() != 1 || logits.size(0) == 0) {
    throw std::invalid_argument(cat("Sampler::next: expected logits of shape (vocab), got ",
                                    logits.sizes()));
  }
  return pick(float_cpu_copy(logits), history, prompt_len);
}

std::vector<int64_t> Sampler::next_batch(const at::Tensor& logits,
                                         const std::vector<std::vector<int64_t>>& histories,
                                         size_t prompt_len) {
  if (logits.dim() != 2 || logits.size(1) == 0 ||
      logits.size(0) != static_cast<int64_t>(histories.size())) {
    throw std::invalid_argument(cat("Sampler::next_batch: expected logits of shape (B, vocab) ",
                                    "with B = ", histories.size(), " histories, got ",
                                    logits.sizes()));
  }
  at::Tensor rows = float_cpu_copy(logits);  // (B, vocab)
  std::vector<int64_t> ids;
  ids.reserve(histories.size());
  for (size_t b = 0; b < histories.size(); ++b) {
    ids.push_back(pick(rows[static_cast<int64_t>(b)], histories[b], prompt_len));
  }
  return ids;
}

bool Sampler::is_stop(int64_t id) const {
  return std::find(params_.stop_ids.begin(), params_.stop_ids.end(), id) !=
         params_.stop_ids.end();
}

// row: (vocab) float32 CPU, contiguous, ours to modify.
int64_t Sampler::pick(at::Tensor row, const std::vector<int64_t>& history, size_t prompt_len) {
  check_finite_above(row);
  apply_penalties(row, params_, history, prompt_len);
  if (params_.greedy || params_.temperature == 0.0) {
    return row.argmax().item<int64_t>();  // ties: the lowest id
  }
  at::Tensor x = scale_by_temperature(row, params_.temperature);
  mask_top_k(x, params_.top_k);
  mask_top_p(x, params_.top_p);
  mask_min_p(x, params_.min_p);
  return draw(x);
}

// Draws among the tokens still allowed only, so a filtered one can never come
// out whatever the generator's rounding.
int64_t Sampler::draw(const at::Tensor& logits) {
  const at::Tensor allowed = at::nonzero(logits > kNegInf).flatten();
  const at::Tensor probs = at::softmax(logits.index_select(0, allowed), 0);
  const int64_t i = at::multinomial(probs, 1, /*replacement=*/false, generator_).item<int64_t>();
  return allowed[i].item<int64_t>();
}

}  // namespace dsforge
