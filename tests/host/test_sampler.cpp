// test_sampler.cpp: the token sampler of `dshost generate`: greedy and
// seeded draws, top-k / top-p / min-p filtering, exact penalty effects,
// statistics of plain sampling and the flags' validation messages.
// Every draw uses a fixed seed, so no test here is flaky. No fmt here: this
// file sees LibTorch's include directories.
#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <cmath>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "catch.hpp"
#include "common/error.hpp"
#include "engine/sampler.hpp"

using namespace dsforge;

namespace {

at::Tensor logits_of(const std::vector<float>& values) {
  return at::tensor(at::ArrayRef<float>(values), at::kFloat);
}

// Logits whose softmax is exactly `probs` (up to rounding).
at::Tensor logits_for_probs(const std::vector<double>& probs) {
  std::vector<float> logits;
  for (double p : probs) logits.push_back(static_cast<float>(std::log(p)));
  return logits_of(logits);
}

std::vector<float> values_of(const at::Tensor& t) {
  at::Tensor c = t.contiguous();
  return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
}

SamplingParams seeded(uint64_t seed) {
  SamplingParams p;
  p.seed = seed;
  return p;
}

// How often each id comes out of `draws` calls on the same logits.
std::vector<int64_t> histogram(Sampler& s, const at::Tensor& logits, int draws) {
  std::vector<int64_t> counts(static_cast<size_t>(logits.size(0)), 0);
  for (int i = 0; i < draws; ++i) ++counts[static_cast<size_t>(s.next(logits, {}, 0))];
  return counts;
}

std::set<int64_t> ids_seen(const std::vector<int64_t>& counts) {
  std::set<int64_t> seen;
  for (size_t i = 0; i < counts.size(); ++i) {
    if (counts[i] > 0) seen.insert(static_cast<int64_t>(i));
  }
  return seen;
}

// 200 steps over random logits, feeding each id back into the history.
std::vector<int64_t> generate(Sampler& s, int64_t vocab, uint64_t logits_seed) {
  at::Generator g = at::make_generator<at::CPUGeneratorImpl>(logits_seed);
  std::vector<int64_t> history{1, 2, 3};
  const size_t prompt_len = history.size();
  for (int step = 0; step < 200; ++step) {
    at::Tensor logits = at::randn({vocab}, g, at::kFloat);
    history.push_back(s.next(logits, history, prompt_len));
  }
  return std::vector<int64_t>(history.begin() + static_cast<std::ptrdiff_t>(prompt_len),
                              history.end());
}

std::string error_of(const SamplingParams& p) {
  try {
    validate(p);
  } catch (const UserError& e) {
    return e.what();
  }
  return "(no error)";
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("greedy picks the argmax, the lowest id on ties") {
  SamplingParams p = seeded(1);
  p.greedy = true;
  Sampler s(p);
  CHECK(s.next(logits_of({0.1f, 2.5f, -1.0f, 2.4f}), {}, 0) == 1);
  CHECK(s.next(logits_of({3.0f, 1.0f, 3.0f}), {}, 0) == 0);
  CHECK(s.next(logits_of({-5.0f, 7.0f, 7.0f}), {}, 0) == 1);
}

TEST_CASE("greedy accepts any float dtype and leaves the caller's logits alone") {
  SamplingParams p = seeded(1);
  p.greedy = true;
  p.repetition_penalty = 4.0;
  Sampler s(p);
  at::Tensor logits = logits_of({1.0f, 4.0f, 2.0f});
  CHECK(s.next(logits.to(at::kBFloat16), {}, 0) == 1);
  CHECK(s.next(logits.to(at::kHalf), {}, 0) == 1);
  CHECK(s.next(logits.to(at::kDouble), {}, 0) == 1);
  // The penalty turns 4 into 1, so 2 wins; the input keeps its values.
  CHECK(s.next(logits, {1}, 1) == 2);
  CHECK(values_of(logits) == std::vector<float>{1.0f, 4.0f, 2.0f});
}

TEST_CASE("temperature 0 is greedy") {
  SamplingParams p = seeded(5);
  p.temperature = 0.0;
  Sampler s(p);
  at::Generator g = at::make_generator<at::CPUGeneratorImpl>(11);
  for (int i = 0; i < 50; ++i) {
    at::Tensor logits = at::randn({64}, g, at::kFloat);
    CHECK(s.next(logits, {}, 0) == logits.argmax().item<int64_t>());
  }
}

TEST_CASE("the same seed gives the same sequence, another seed another one") {
  Sampler a(seeded(42));
  Sampler b(seeded(42));
  Sampler c(seeded(43));
  const std::vector<int64_t> first = generate(a, 50, 7);
  CHECK(first == generate(b, 50, 7));
  CHECK(first != generate(c, 50, 7));
  CHECK(a.seed() == 42);
}

TEST_CASE("an unset seed is drawn and reported") {
  Sampler a{SamplingParams{}};
  Sampler b{SamplingParams{}};
  CHECK(a.seed() != b.seed());  // 64 random bits each
}

TEST_CASE("top_k = 1 always yields the argmax") {
  SamplingParams p = seeded(3);
  p.top_k = 1;
  Sampler s(p);
  at::Generator g = at::make_generator<at::CPUGeneratorImpl>(12);
  for (int i = 0; i < 200; ++i) {
    at::Tensor logits = at::randn({32}, g, at::kFloat);
    CHECK(s.next(logits, {}, 0) == logits.argmax().item<int64_t>());
  }
}

TEST_CASE("top_k = 3 yields only the three best ids, and each of them") {
  SamplingParams p = seeded(4);
  p.top_k = 3;
  Sampler s(p);
  const at::Tensor logits = logits_of({0.1f, 2.0f, 1.9f, -1.0f, 1.8f, 0.5f, 1.0f});
  CHECK(ids_seen(histogram(s, logits, 2000)) == std::set<int64_t>{1, 2, 4});
}

TEST_CASE("top_p keeps the smallest set reaching the mass") {
  SamplingParams p = seeded(5);
  p.top_p = 0.8;
  SECTION("in id order") {
    Sampler s(p);
    const at::Tensor logits = logits_for_probs({0.5, 0.3, 0.15, 0.05});
    CHECK(ids_seen(histogram(s, logits, 2000)) == std::set<int64_t>{0, 1});
  }
  SECTION("shuffled") {
    Sampler s(p);
    const at::Tensor logits = logits_for_probs({0.15, 0.05, 0.3, 0.5});
    CHECK(ids_seen(histogram(s, logits, 2000)) == std::set<int64_t>{2, 3});
  }
  SECTION("a tiny top_p keeps the best token") {
    p.top_p = 1e-9;
    Sampler s(p);
    const at::Tensor logits = logits_for_probs({0.15, 0.05, 0.3, 0.5});
    CHECK(ids_seen(histogram(s, logits, 200)) == std::set<int64_t>{3});
  }
}

TEST_CASE("min_p drops tokens below min_p times the best probability") {
  SamplingParams p = seeded(6);
  p.min_p = 0.25;  // threshold 0.25 * 0.5 = 0.125: 0.15 stays, 0.05 goes
  Sampler s(p);
  const at::Tensor logits = logits_for_probs({0.5, 0.3, 0.15, 0.05});
  CHECK(ids_seen(histogram(s, logits, 2000)) == std::set<int64_t>{0, 1, 2});
}

TEST_CASE("plain sampling follows the softmax within 4 sigma") {
  Sampler s(seeded(2024));
  const at::Tensor logits = logits_of({1.0f, 0.0f, 2.0f, -1.0f, 0.5f, 1.5f});
  const std::vector<float> probs = values_of(at::softmax(logits, 0));
  const int draws = 20000;
  const std::vector<int64_t> counts = histogram(s, logits, draws);
  for (size_t i = 0; i < probs.size(); ++i) {
    const double expected = draws * probs[i];
    const double sigma = std::sqrt(draws * probs[i] * (1.0 - probs[i]));
    INFO("id " << i << ": " << counts[i] << " draws, expected " << expected);
    CHECK(std::abs(static_cast<double>(counts[i]) - expected) <= 4.0 * sigma);
  }
}

TEST_CASE("temperature sharpens and flattens the distribution") {
  const at::Tensor logits = logits_of({1.0f, 0.0f});
  SamplingParams cold = seeded(8);
  cold.temperature = 0.1;  // p(0) = 1 / (1 + e^-10)
  SamplingParams hot = seeded(8);
  hot.temperature = 100.0;  // p(0) ~ 0.5025
  Sampler c(cold);
  Sampler h(hot);
  CHECK(histogram(c, logits, 2000)[0] >= 1995);
  const int64_t hot_zero = histogram(h, logits, 20000)[0];
  CHECK(std::abs(hot_zero - 10050) <= 4 * 71);  // sigma = sqrt(20000 * 0.25)
}

TEST_CASE("repetition penalty divides positive and multiplies negative logits") {
  SamplingParams p;
  p.repetition_penalty = 2.0;
  at::Tensor logits = logits_of({2.0f, -2.0f, 0.5f, 1.0f, 0.0f, 3.0f});
  // Prompt {0, 1}, generated {2, 2, 3, 4}: all count, each once.
  apply_penalties(logits, p, {0, 1, 2, 2, 3, 4}, 2);
  CHECK(values_of(logits) == std::vector<float>{1.0f, -4.0f, 0.25f, 0.5f, 0.0f, 3.0f});
}

TEST_CASE("presence and frequency penalties count generated ids only") {
  SamplingParams p;
  p.presence_penalty = 0.5;
  p.frequency_penalty = 0.25;
  at::Tensor logits = logits_of({2.0f, -2.0f, 0.5f, 1.0f, 0.0f});
  // Prompt {0, 1, 3}, generated {2, 2, 3}.
  apply_penalties(logits, p, {0, 1, 3, 2, 2, 3}, 3);
  // id 2: 0.5 - 0.5 - 2 * 0.25; id 3: 1 - 0.5 - 0.25; prompt-only ids untouched.
  CHECK(values_of(logits) == std::vector<float>{2.0f, -2.0f, -0.5f, 0.25f, 0.0f});
}

TEST_CASE("repetition comes before presence and frequency") {
  SamplingParams p;
  p.repetition_penalty = 2.0;
  p.presence_penalty = 1.0;
  p.frequency_penalty = 0.5;
  at::Tensor logits = logits_of({3.0f, -1.0f, 4.0f});
  apply_penalties(logits, p, {0, 2, 2}, 1);
  // id 0: 3 / 2; id 2: 4 / 2 - 1 - 2 * 0.5; id 1 unseen.
  CHECK(values_of(logits) == std::vector<float>{1.5f, -1.0f, 0.0f});
}

TEST_CASE("a history id outside the vocabulary is a user error") {
  SamplingParams p;
  p.repetition_penalty = 1.5;
  at::Tensor logits = logits_of({1.0f, 2.0f});
  CHECK_THROWS_AS(apply_penalties(logits, p, {0, 7}, 2), UserError);
}

TEST_CASE("stop ids are recognised") {
  SamplingParams p;
  p.stop_ids = {2, 128001};
  Sampler s(p);
  CHECK(s.is_stop(2));
  CHECK(s.is_stop(128001));
  CHECK_FALSE(s.is_stop(0));
  CHECK_FALSE(s.is_stop(3));
}

TEST_CASE("next_batch picks one id per row") {
  SamplingParams p = seeded(9);
  p.greedy = true;
  p.repetition_penalty = 10.0;
  Sampler s(p);
  const at::Tensor logits = at::stack({logits_of({0.0f, 5.0f, 4.0f}), logits_of({3.0f, 1.0f, 2.0f})});
  // Row 0 has already said 1, so the penalty moves it to 2.
  CHECK(s.next_batch(logits, {{1}, {1}}, 1) == std::vector<int64_t>{2, 0});
  CHECK_THROWS_AS(s.next_batch(logits, {{1}}, 1), std::invalid_argument);
}

TEST_CASE("validation names the flag and the value") {
  auto with = [](auto set) {
    SamplingParams p;
    set(p);
    return error_of(p);
  };
  CHECK(error_of(SamplingParams{}) == "(no error)");
  CHECK(contains(with([](SamplingParams& p) { p.top_p = 0.0; }), "--top-p must be in (0, 1], got 0"));
  CHECK(contains(with([](SamplingParams& p) { p.top_p = 1.5; }), "--top-p must be in (0, 1], got 1.5"));
  CHECK(contains(with([](SamplingParams& p) { p.temperature = -1.0; }),
                 "--temperature must be >= 0, got -1"));
  CHECK(contains(with([](SamplingParams& p) { p.top_k = -2; }), "--top-k must be >= 0, got -2"));
  CHECK(contains(with([](SamplingParams& p) { p.min_p = 2.0; }), "--min-p must be in [0, 1], got 2"));
  CHECK(contains(with([](SamplingParams& p) { p.repetition_penalty = 0.0; }),
                 "--repetition-penalty must be > 0, got 0"));
  CHECK(contains(with([](SamplingParams& p) { p.presence_penalty = 3.0; }),
                 "--presence-penalty must be in [-2, 2], got 3"));
  CHECK(contains(with([](SamplingParams& p) { p.stop_ids = {-1}; }), "got -1"));
  SamplingParams bad;
  bad.top_p = 1.5;
  CHECK_THROWS_AS(Sampler(bad), UserError);
}
