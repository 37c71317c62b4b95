// tokenizer_bpe_cache.hpp: a bounded word -> ids cache shared by threads.
//
// BPE on a word costs a few dozen hash probes; text repeats words, so the
// model remembers the ids of words it has seen, in two layers:
// - per thread, a small direct-mapped front (2048 slots, no lock), which
//   answers the frequent words without touching shared memory;
// - shared, 64 shards each behind its own mutex, open addressing that grows
//   up to the shard's share of the capacity and is emptied when full.
// A slot is 64 bytes: a short word (<= 22 bytes, <= 8 ids, most words) lives
// entirely in it, so a hit reads one cache line and allocates nothing; longer
// words keep their bytes and ids in the shard's arenas (and skip the front).
// Memory is bounded: the capacity, plus 128 KiB per thread and cache in use
// (at most 4 caches per thread keep a front).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

namespace dsforge::tokenizer {

// A 64-bit hash of s, never 0.
uint64_t hash_bytes(std::string_view s);

class WordCache {
 public:
  // Keeps at most `capacity` words (shared layer); 0 disables the cache.
  explicit WordCache(size_t capacity);
  ~WordCache();
  WordCache(const WordCache&) = delete;
  WordCache& operator=(const WordCache&) = delete;

  bool enabled() const { return shards_ != nullptr; }
  // On a hit appends the ids of `word` (whose hash_bytes() is `hash`) to out.
  bool get(std::string_view word, uint64_t hash, std::vector<uint32_t>& out) const;
  void put(std::string_view word, uint64_t hash, const uint32_t* ids, size_t count) const;

 private:
  struct Shard;
  std::unique_ptr<Shard[]> shards_;
  size_t per_shard_ = 0;
  uint64_t id_ = 0;  // unique per cache, names this cache's per-thread fronts
};

}  // namespace dsforge::tokenizer
