// test_split_shuffle.cpp: split assignment ratios and stability, and the
// streaming shuffle's permutation and determinism (host-free parts).
#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>
#include <vector>

#include "catch.hpp"
#include "dsforge/dsforge.hpp"
#include "filter_random.hpp"
#include "shuffle_buffer.hpp"
#include "split_assign.hpp"

using namespace dsforge::data;

namespace {

std::vector<size_t> split_counts(const SplitAssigner& a, size_t n, const std::string& prefix) {
  std::vector<size_t> counts(a.size(), 0);
  for (size_t i = 0; i < n; ++i) ++counts[a.assign(prefix + std::to_string(i))];
  return counts;
}

void check_share(size_t observed, size_t n, double p) {
  const double sd = std::sqrt(static_cast<double>(n) * p * (1 - p));
  INFO("observed " << observed << " of " << n << ", expected " << n * p << " +- " << 5 * sd);
  CHECK(std::fabs(static_cast<double>(observed) - static_cast<double>(n) * p) <= 5 * sd);
}

std::vector<int> shuffle_all(const std::vector<int>& in, size_t capacity, uint64_t seed) {
  ShuffleBuffer<int> buf(capacity, seed);
  std::vector<int> out;
  for (int x : in)
    if (std::optional<int> y = buf.offer(x)) out.push_back(*y);
  for (int x : buf.drain()) out.push_back(x);
  return out;
}

}  // namespace

TEST_CASE("split ratios hold within binomial tolerance on 20k records", "[split]") {
  const SplitAssigner two({0.98, 0.02}, 0);
  const std::vector<size_t> c = split_counts(two, 20000, "document number ");
  check_share(c[1], 20000, 0.02);
  CHECK(c[0] + c[1] == 20000);

  const SplitAssigner three({0.8, 0.1, 0.1}, 1234);
  const std::vector<size_t> d = split_counts(three, 20000, "文档 ");
  check_share(d[0], 20000, 0.8);
  check_share(d[1], 20000, 0.1);
  check_share(d[2], 20000, 0.1);
}

TEST_CASE("split is a function of text and seed: duplicates stay together", "[split]") {
  const SplitAssigner a({0.5, 0.5}, 7);
  const SplitAssigner again({0.5, 0.5}, 7);
  for (int i = 0; i < 1000; ++i) {
    const std::string text = "重复的文本 " + std::to_string(i);
    CHECK(a.assign(text) == a.assign(std::string(text)));
    CHECK(a.assign(text) == again.assign(text));
  }
  // Another seed moves about half of the records.
  const SplitAssigner other({0.5, 0.5}, 8);
  size_t moved = 0;
  for (int i = 0; i < 2000; ++i)
    moved += a.assign("t" + std::to_string(i)) != other.assign("t" + std::to_string(i));
  check_share(moved, 2000, 0.5);
}

TEST_CASE("hash and generator values are pinned: splits must not move between releases", "[split]") {
  // SplitMix64's first output for seed 0, as in the reference implementation.
  Rng rng(0);
  CHECK(rng.next() == 0xe220a8397b1dcdafull);
  CHECK(rng.next() == 0x6e789e6aa1b965f4ull);
  CHECK(hash_bytes("", 0) == 0x5b21f68ffa77f14cull);
  CHECK(hash_bytes("hello", 0) == 0x10396fe0860bdaf2ull);
  CHECK(hash_bytes("你好，世界", 1234) == 0xe6f3f057e5cde2deull);
  const SplitAssigner a({0.5, 0.5}, 0);
  std::string got;
  for (const char* t : {"hello", "world", "你好", "a", "b", "c", "d", "e"}) got += std::to_string(a.assign(t));
  CHECK(got == "01010000");
}

TEST_CASE("split weights are relative; zero never wins; bad weights are refused", "[split]") {
  const SplitAssigner percent({98, 2}, 3), fraction({0.98, 0.02}, 3);
  for (int i = 0; i < 2000; ++i) {
    const std::string t = std::to_string(i);
    CHECK(percent.assign(t) == fraction.assign(t));
  }
  const SplitAssigner zero({1, 0, 1}, 0);
  for (size_t n : split_counts(zero, 5000, "z")) CHECK((n == 0 || n > 2000));
  CHECK(split_counts(zero, 5000, "z")[1] == 0);
  CHECK(split_counts(SplitAssigner({1}, 0), 100, "x")[0] == 100);
  CHECK_THROWS_AS(SplitAssigner({}, 0), ds::Error);
  CHECK_THROWS_AS(SplitAssigner({0, 0}, 0), ds::Error);
  CHECK_THROWS_AS(SplitAssigner({1, -0.5}, 0), ds::Error);
  CHECK_THROWS_AS(SplitAssigner({1, NAN}, 0), ds::Error);
}

TEST_CASE("the streaming shuffle outputs a permutation, the same one for a seed", "[shuffle]") {
  std::vector<int> in(5000);
  std::iota(in.begin(), in.end(), 0);
  for (size_t capacity : {1u, 7u, 100u, 5000u, 100000u}) {
    const std::vector<int> out = shuffle_all(in, capacity, 11);
    std::vector<int> sorted = out;
    std::sort(sorted.begin(), sorted.end());
    INFO("capacity " << capacity);
    CHECK(sorted == in);
    CHECK(shuffle_all(in, capacity, 11) == out);
    if (capacity == 1) {
      CHECK(out == in);  // a buffer of one cannot reorder
    } else {
      CHECK(out != in);
      CHECK(shuffle_all(in, capacity, 12) != out);
    }
  }
}

TEST_CASE("the shuffle buffer bounds how far a record can move forward", "[shuffle]") {
  std::vector<int> in(3000);
  std::iota(in.begin(), in.end(), 0);
  const size_t capacity = 100;
  const std::vector<int> out = shuffle_all(in, capacity, 5);
  // Output i leaves when item i + capacity arrives, so it is one of the
  // items that arrived by then...
  for (size_t i = 0; i < out.size(); ++i) CHECK(static_cast<size_t>(out[i]) <= i + capacity);
  // ...and the displacement is real: the first output position is uniform
  // over the first buffer, so early records are mixed well.
  size_t moved = 0;
  for (size_t i = 0; i < out.size(); ++i) moved += static_cast<size_t>(out[i]) != i;
  CHECK(moved > out.size() * 9 / 10);
}
