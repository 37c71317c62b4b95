// dedup_hash.hpp: the non-cryptographic hashes of the dedup plugins.
//
// hash64() hashes bytes to 64 bits: 8-byte little-endian words go through a
// multiply-rotate-multiply lane (the structure MurmurHash popularised: each
// step is a bijection of the word and of the state, so no input word can
// collapse the state), the tail is packed with its length, and the result
// goes through the splitmix64 finalizer. hash128() runs two such lanes with
// independent constants and seeds, giving two independent 64-bit halves; it
// keys exact deduplication, where a collision would drop a distinct record
// (at 128 bits, about 1e-20 for a billion records).
//
// Written for this project; not compatible with any published hash (xxHash,
// MurmurHash3): values are stable across platforms and builds, which the
// tests pin, but not meant to match anything outside dsforge.
// Not for adversarial input (no secret seed) and not cryptographic.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace dsforge::data::dedup {

struct Hash128 {
  uint64_t lo = 0;
  uint64_t hi = 0;
  bool operator==(const Hash128& o) const { return lo == o.lo && hi == o.hi; }
  bool operator!=(const Hash128& o) const { return !(*this == o); }
};

// For unordered containers: the low half is already well mixed.
struct Hash128Hasher {
  size_t operator()(const Hash128& h) const { return static_cast<size_t>(h.lo ^ (h.hi >> 7)); }
};

// splitmix64's finalizer (Vigna, public domain): a bijection of 64-bit words
// with full avalanche.
inline uint64_t mix64(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

uint64_t hash64(const void* data, size_t size, uint64_t seed = 0);
inline uint64_t hash64(std::string_view s, uint64_t seed = 0) { return hash64(s.data(), s.size(), seed); }

Hash128 hash128(const void* data, size_t size, uint64_t seed = 0);
inline Hash128 hash128(std::string_view s, uint64_t seed = 0) { return hash128(s.data(), s.size(), seed); }

// A deterministic stream of 64-bit values (splitmix64): permutation
// parameters, test corpora. Same seed, same stream, on every platform.
class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}
  uint64_t next() {
    state_ += 0x9e3779b97f4a7c15ULL;
    return mix64(state_);
  }
  // Uniform in [0, n), n > 0 (rejection sampling, no modulo bias).
  uint64_t below(uint64_t n);

 private:
  uint64_t state_;
};

}  // namespace dsforge::data::dedup
