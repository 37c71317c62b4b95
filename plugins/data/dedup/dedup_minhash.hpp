// dedup_minhash.hpp: MinHash signatures of shingle-hash sets.
//
// Permutation k is h -> (a_k * x + b_k) mod p with p = 2^61 - 1 (a Mersenne
// prime, so the reduction is a shift and an add), x = the 64-bit shingle hash
// reduced mod p, a_k uniform in [1, p), b_k uniform in [0, p), both drawn
// from SplitMix64(seed): the same seed gives the same signatures on every
// platform. Signature entry k is the minimum over the set; entries are below
// p (61 bits). An empty set has the signature of all p (no entry can match a
// non-empty set's).
//
// The probability that entry k of two sets agrees is (close to) their
// Jaccard similarity J, so the fraction of agreeing entries estimates J with
// standard deviation sqrt(J(1-J)/num_perm).
// Not thread-safe: signature() uses scratch space of the instance.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace dsforge::data::dedup {

constexpr uint64_t kMersenne61 = (uint64_t(1) << 61) - 1;

// The loops that compute signatures; all give bit-identical results.
enum class MinHashKernel {
  best,    // the fastest this CPU runs (chosen once)
  scalar,  // portable: one 64x64->128-bit multiply per (shingle, permutation)
  avx2,    // x86-64 with AVX2
  avx512   // x86-64 with AVX-512 F/DQ/VL/BW
};

// Whether this build and CPU can run `k` (best and scalar: always).
bool minhash_kernel_available(MinHashKernel k);
// "scalar", "avx2", "avx512"; for best, the name of the one it stands for.
const char* minhash_kernel_name(MinHashKernel k = MinHashKernel::best);

class MinHasher {
 public:
  // num_perm >= 1.
  MinHasher(size_t num_perm, uint64_t seed);

  size_t num_perm() const { return a_.size(); }

  // sig[0..num_perm) of the set `hashes[0..n)` (any order; repeats are
  // harmless). `kernel` must be available (tests and benchmarks pick one).
  void signature(const uint64_t* hashes, size_t n, uint64_t* sig,
                 MinHashKernel kernel = MinHashKernel::best) const;
  std::vector<uint64_t> signature(const std::vector<uint64_t>& hashes) const;

  const std::vector<uint64_t>& a() const { return a_; }
  const std::vector<uint64_t>& b() const { return b_; }

 private:
  std::vector<uint64_t> a_, b_;    // (num_perm)
  std::vector<uint32_t> a0_, a1_;  // (num_perm) halves of a_, for the split kernels
  mutable std::vector<uint64_t> reduced_;  // scratch: hashes mod p
};

// Fraction of equal entries; the MinHash estimate of the Jaccard similarity.
double estimate_jaccard(const uint64_t* a, const uint64_t* b, size_t num_perm);
double estimate_jaccard(const uint32_t* a, const uint32_t* b, size_t num_perm);

}  // namespace dsforge::data::dedup
