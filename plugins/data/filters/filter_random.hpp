// filter_random.hpp: the hashing and pseudo-random numbers of the filters
// (split, shuffle, augment). Written out here rather than taken from
// <random>: std::uniform_int_distribution and friends are implementation-
// defined, and a split or a shuffle must come out the same with every
// standard library and on every machine. Not for cryptography.
#pragma once

#include <cstdint>
#include <string_view>

namespace dsforge::data {

// SplitMix64's finalizer (Steele, Lea, Flood 2014): a bijective 64-bit
// mixer; every input bit affects every output bit.
inline uint64_t mix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

// One seed from two values, e.g. (user seed, record position).
inline uint64_t seed_of(uint64_t a, uint64_t b) { return mix64(mix64(a) ^ b); }

// Hash of a byte string under a seed: FNV-1a over the bytes, finished with
// mix64 (FNV alone leaves the high bits poorly mixed for short inputs).
// Stable across platforms and releases: split assignments depend on it.
inline uint64_t hash_bytes(std::string_view s, uint64_t seed) {
  uint64_t h = 0xCBF29CE484222325ull ^ mix64(seed);
  for (const char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001B3ull;
  }
  return mix64(h ^ static_cast<uint64_t>(s.size()));
}

// SplitMix64 generator: one word of state, passes BigCrush, and any seed
// (0 included) is fine.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}

  uint64_t next() {
    state_ += 0x9E3779B97F4A7C15ull;
    uint64_t z = state_;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }

  // Uniform in [0, n) for n > 0, without modulo bias: draws below
  // 2^64 mod n are rejected (for small n almost never).
  uint64_t below(uint64_t n) {
    const uint64_t threshold = (0 - n) % n;
    for (;;) {
      const uint64_t r = next();
      if (r >= threshold) return r % n;
    }
  }

  // Uniform in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(next() >> 11) * (1.0 / 9007199254740992.0); }

  // True with probability p (p <= 0 never, p >= 1 always).
  bool chance(double p) { return uniform() < p; }

 private:
  uint64_t state_;
};

}  // namespace dsforge::data
