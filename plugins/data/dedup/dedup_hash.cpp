// dedup_hash.cpp: hash64() / hash128(); see dedup_hash.hpp for the design.
#include "dedup_hash.hpp"

#include <cstring>

namespace dsforge::data::dedup {
namespace {

inline uint64_t rotl(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

// Little-endian load, the same value on every host.
inline uint64_t load64(const unsigned char* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

// Tail of 0..7 bytes plus its length in the top byte, so "a" and "a\0"
// differ.
inline uint64_t load_tail(const unsigned char* p, size_t n) {
  uint64_t v = 0;
  for (size_t i = n; i > 0; --i) v = (v << 8) | p[i - 1];
  return v | (uint64_t(n) << 56);
}

// One lane: odd multipliers and rotations, each step invertible in both
// the word and the state.
struct Lane {
  uint64_t m1, m2, m3, add;
  int r1, r2;

  uint64_t step(uint64_t h, uint64_t w) const {
    w *= m1;
    w = rotl(w, r1);
    w *= m2;
    h ^= w;
    h = rotl(h, r2);
    return h * m3 + add;
  }
};

constexpr Lane kLaneA = {0x87c37b91114253d5ULL, 0x4cf5ad432745937fULL, 0x9e3779b97f4a7c15ULL,
                         0x52dce729ULL, 31, 27};
constexpr Lane kLaneB = {0xc2b2ae3d27d4eb4fULL, 0x165667b19e3779f9ULL, 0xd6e8feb86659fd93ULL,
                         0x38495ab5ULL, 29, 33};

template <size_t N>
void run_lanes(const void* data, size_t size, const Lane* const (&lanes)[N], uint64_t (&h)[N]) {
  const auto* p = static_cast<const unsigned char*>(data);
  size_t n = size;
  while (n >= 8) {
    const uint64_t w = load64(p);
    for (size_t k = 0; k < N; ++k) h[k] = lanes[k]->step(h[k], w);
    p += 8;
    n -= 8;
  }
  const uint64_t tail = load_tail(p, n);
  for (size_t k = 0; k < N; ++k) h[k] = lanes[k]->step(h[k], tail);
}

}  // namespace

uint64_t hash64(const void* data, size_t size, uint64_t seed) {
  static const Lane* const lanes[1] = {&kLaneA};
  uint64_t h[1] = {mix64(seed) ^ (uint64_t(size) * 0xff51afd7ed558ccdULL)};
  run_lanes(data, size, lanes, h);
  return mix64(h[0]);
}

Hash128 hash128(const void* data, size_t size, uint64_t seed) {
  static const Lane* const lanes[2] = {&kLaneA, &kLaneB};
  uint64_t h[2] = {mix64(seed) ^ (uint64_t(size) * 0xff51afd7ed558ccdULL),
                   mix64(seed ^ 0x6a09e667f3bcc909ULL) ^ (uint64_t(size) * 0xc4ceb9fe1a85ec53ULL)};
  run_lanes(data, size, lanes, h);
  // Finalize each lane on its own: the halves stay independent.
  return Hash128{mix64(h[0]), mix64(h[1] ^ 0xbb67ae8584caa73bULL)};
}

uint64_t SplitMix64::below(uint64_t n) {
  // Largest multiple of n that fits; draws above it are redrawn.
  const uint64_t limit = UINT64_MAX - UINT64_MAX % n;
  uint64_t v = next();
  while (v >= limit) v = next();
  return v % n;
}

}  // namespace dsforge::data::dedup
