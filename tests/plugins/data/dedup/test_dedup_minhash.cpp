// test_dedup_minhash.cpp: MinHash signatures (determinism, set semantics,
// estimator accuracy) and the LSH parameter choice and S-curve.
#include <algorithm>
#include <cmath>
#include <vector>

#include "catch.hpp"
#include "dedup_cluster.hpp"
#include "dedup_hash.hpp"
#include "dedup_lsh.hpp"
#include "dedup_minhash.hpp"
#include "test_util.hpp"

using namespace dsforge::data::dedup;
using dedup_test::contains;
using dedup_test::error_of;
using dedup_test::near_rel;

namespace {

// Two sets of hashes with |A ∩ B| = common and |A \ B| = |B \ A| = only.
void overlapping_sets(size_t common, size_t only, uint64_t seed, std::vector<uint64_t>& a,
                      std::vector<uint64_t>& b) {
  SplitMix64 rng(seed);
  a.clear();
  b.clear();
  for (size_t i = 0; i < common; ++i) {
    const uint64_t v = rng.next();
    a.push_back(v);
    b.push_back(v);
  }
  for (size_t i = 0; i < only; ++i) {
    a.push_back(rng.next());
    b.push_back(rng.next());
  }
}

}  // namespace

TEST_CASE("signatures are deterministic, order-free and seed-dependent", "[dedup][minhash]") {
  std::vector<uint64_t> set, other;
  overlapping_sets(100, 0, 11, set, other);
  const MinHasher h1(128, 1), h1_again(128, 1), h2(128, 2);
  const std::vector<uint64_t> sig = h1.signature(set);
  REQUIRE(sig.size() == 128);
  CHECK(h1_again.signature(set) == sig);
  CHECK(h1.a() == h1_again.a());
  CHECK(h1.b() == h1_again.b());
  CHECK(h2.signature(set) != sig);

  std::vector<uint64_t> shuffled = set;
  std::reverse(shuffled.begin(), shuffled.end());
  shuffled.insert(shuffled.end(), set.begin(), set.begin() + 10);  // repeats
  CHECK(h1.signature(shuffled) == sig);

  for (uint64_t v : sig) CHECK(v < kMersenne61);
  for (size_t k = 0; k < 128; ++k) {
    CHECK(h1.a()[k] >= 1);
    CHECK(h1.a()[k] < kMersenne61);
    CHECK(h1.b()[k] < kMersenne61);
  }

  SECTION("pinned first entries for seed 1") {
    // Signatures are comparable across runs and machines only if these hold.
    INFO(sig[0] << " " << sig[1] << " " << h1.a()[0] << " " << h1.b()[0]);
    CHECK(h1.a()[0] == 549132137744586801ULL);
    CHECK(h1.b()[0] == 1956710937350434131ULL);
    CHECK(sig[0] == 126651988108420533ULL);
    CHECK(sig[1] == 15706578005107643ULL);
  }
  SECTION("empty set: all p, matching no non-empty set") {
    const std::vector<uint64_t> empty_sig = h1.signature(std::vector<uint64_t>{});
    CHECK(std::all_of(empty_sig.begin(), empty_sig.end(), [](uint64_t v) { return v == kMersenne61; }));
    CHECK(estimate_jaccard(empty_sig.data(), sig.data(), 128) == 0.0);
  }
}

TEST_CASE("every signature kernel gives the same bits as (a*x+b) mod 2^61-1", "[dedup][minhash]") {
  INFO("best kernel here: " << minhash_kernel_name());
  CHECK(minhash_kernel_available(MinHashKernel::scalar));
  std::vector<MinHashKernel> kernels;
  for (MinHashKernel k : {MinHashKernel::best, MinHashKernel::scalar, MinHashKernel::avx2,
                          MinHashKernel::avx512}) {
    if (minhash_kernel_available(k)) kernels.push_back(k);
  }
  SplitMix64 rng(77);
  for (size_t perms : {1, 7, 64, 127, 128, 200}) {
    const MinHasher h(perms, perms);
    for (size_t n : {0, 1, 3, 50, 1000}) {
      std::vector<uint64_t> set(n);
      for (auto& v : set) v = rng.next();
      if (n == 3) set = {0, kMersenne61, ~uint64_t(0)};  // edges of the reduction
      // Straight from the definition, with 128-bit arithmetic.
      std::vector<uint64_t> reference(perms, kMersenne61);
      for (uint64_t x : set) {
        const uint64_t xr = static_cast<uint64_t>(x % kMersenne61);
        for (size_t k = 0; k < perms; ++k) {
          __extension__ const unsigned __int128 v =
              (static_cast<unsigned __int128>(h.a()[k]) * xr + h.b()[k]) % kMersenne61;
          reference[k] = std::min(reference[k], static_cast<uint64_t>(v));
        }
      }
      for (MinHashKernel k : kernels) {
        std::vector<uint64_t> sig(perms);
        h.signature(set.data(), n, sig.data(), k);
        INFO("kernel " << minhash_kernel_name(k) << ", num_perm " << perms << ", set size " << n);
        CHECK(sig == reference);
      }
    }
  }
}

TEST_CASE("the estimate tracks the true Jaccard similarity", "[dedup][minhash]") {
  // J = common / (common + 2 * only). Over 40 independent pairs the mean
  // estimate is within 4 standard errors of J.
  for (const auto& [common, only] : std::vector<std::pair<size_t, size_t>>{
           {400, 0}, {360, 20}, {300, 50}, {200, 100}, {100, 150}, {10, 200}}) {
    const double j = double(common) / double(common + 2 * only);
    const size_t perms = 256, trials = 40;
    double sum = 0;
    for (size_t t = 0; t < trials; ++t) {
      std::vector<uint64_t> a, b;
      overlapping_sets(common, only, 1000 + t, a, b);
      const MinHasher h(perms, t + 1);
      const auto sa = h.signature(a), sb = h.signature(b);
      sum += estimate_jaccard(sa.data(), sb.data(), perms);
    }
    const double se = std::sqrt(j * (1 - j) / double(perms * trials));
    INFO("J = " << j);
    CHECK(std::fabs(sum / trials - j) <= 4 * se + 1e-9);
  }
}

TEST_CASE("LSH parameters match datasketch's optimizer", "[dedup][lsh]") {
  // (threshold, num_perm) -> (b, r), from datasketch 2.0.0's
  // datasketch.lsh._optimal_param(t, n, 0.5, 0.5).
  struct Known {
    double t;
    size_t n, b, r;
  };
  const Known known[] = {{0.5, 64, 14, 4},  {0.5, 128, 25, 5},  {0.5, 256, 42, 6},
                         {0.7, 64, 8, 8},   {0.7, 128, 14, 9},  {0.7, 256, 25, 10},
                         {0.8, 64, 5, 11},  {0.8, 128, 9, 13},  {0.8, 256, 17, 15},
                         {0.85, 64, 4, 15}, {0.85, 128, 8, 16}, {0.85, 256, 13, 19},
                         {0.9, 64, 3, 21},  {0.9, 128, 5, 25},  {0.9, 256, 9, 28}};
  for (const Known& k : known) {
    const LshParams p = optimal_lsh_params(k.t, k.n);
    INFO("threshold " << k.t << ", num_perm " << k.n);
    CHECK(p.bands == k.b);
    CHECK(p.rows == k.r);
  }
}

TEST_CASE("S-curve and its integrals", "[dedup][lsh]") {
  CHECK(lsh_candidate_probability(0.0, 9, 13) == 0.0);
  CHECK(lsh_candidate_probability(1.0, 9, 13) == 1.0);
  CHECK(near_rel(lsh_candidate_probability(0.8, 9, 13), 1 - std::pow(1 - std::pow(0.8, 13), 9),
                 1e-12));
  // b = 1: P(s) = s^r, integral_0^t = t^(r+1) / (r+1).
  for (size_t r : {1, 3, 13}) {
    CHECK(near_rel(lsh_false_positive_area(0.8, 1, r),
                   std::pow(0.8, double(r + 1)) / double(r + 1), 1e-10));
    CHECK(near_rel(lsh_false_negative_area(0.8, 1, r),
                   0.2 - (1 - std::pow(0.8, double(r + 1))) / double(r + 1), 1e-10));
  }
  // The steep curve of the chosen parameters integrates like a fine rule.
  double fine = 0;
  const int n = 200000;
  for (int i = 0; i < n; ++i) fine += lsh_candidate_probability((i + 0.5) * 0.8 / n, 9, 13) * 0.8 / n;
  CHECK(near_rel(lsh_false_positive_area(0.8, 9, 13), fine, 1e-7));
}

TEST_CASE("bands and rows are checked against num_perm and threshold", "[dedup][lsh]") {
  NearDedupOptions o;
  CHECK(resolve_lsh_params(o).bands == 9);
  CHECK(resolve_lsh_params(o).rows == 13);
  o.bands = 16;
  o.rows = 8;
  CHECK(resolve_lsh_params(o).bands == 16);
  o.rows = 7;
  CHECK(contains(error_of([&] { resolve_lsh_params(o); }), "bands * rows must equal num_perm"));
  o.rows = 0;
  CHECK(contains(error_of([&] { resolve_lsh_params(o); }), "bands and rows go together"));
  o.bands = 0;
  o.threshold = 0;
  CHECK(contains(error_of([&] { resolve_lsh_params(o); }), "threshold must be in (0, 1]"));
  o.threshold = 0.8;
  o.num_perm = 0;
  CHECK(contains(error_of([&] { resolve_lsh_params(o); }), "num_perm must be >= 1"));
}
