// tokenizer_bpe_cache.cpp: the word cache: per-thread fronts, shared shards.
#include "tokenizer_bpe_cache.hpp"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <mutex>
#include <string>

namespace dsforge::tokenizer {

namespace {
constexpr size_t kShards = 64;
constexpr size_t kInlineKey = 22;
constexpr size_t kInlineIds = 8;
constexpr size_t kFrontSlots = 2048;  // per thread and cache: 128 KiB
constexpr size_t kFronts = 4;         // caches per thread with a front

inline uint64_t mix(uint64_t h) {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ull;
  h ^= h >> 33;
  return h;
}

// One cached word; 64 bytes. hash 0 marks an empty slot.
struct alignas(64) Slot {
  uint64_t hash;
  uint8_t key_length;  // bytes of the word, or 255 when spilled (see below)
  uint8_t id_count;    // ids, or 255 when spilled
  char key[kInlineKey];
  uint32_t ids[kInlineIds];
};
static_assert(sizeof(Slot) == 64, "a slot is one cache line");

// A spilled slot keeps, in `key`, where its word and ids are in the arenas.
struct Spill {
  uint32_t key_offset, key_length, ids_offset, ids_length;
};
static_assert(sizeof(Spill) <= kInlineKey, "spill record fits in the key bytes");

bool inline_word(std::string_view word, size_t count) {
  return word.size() <= kInlineKey && count <= kInlineIds;
}

void fill_inline(Slot& s, std::string_view word, uint64_t hash, const uint32_t* ids, size_t count) {
  s.hash = hash;
  s.key_length = static_cast<uint8_t>(word.size());
  s.id_count = static_cast<uint8_t>(count);
  std::memcpy(s.key, word.data(), word.size());
  std::copy(ids, ids + count, s.ids);
}

// The per-thread fronts: up to kFronts caches, the least recently used one
// handed over (and emptied) when another cache needs a front.
struct Fronts {
  struct Front {
    uint64_t owner = 0;  // WordCache id; 0: unused
    uint64_t last_use = 0;
    std::unique_ptr<Slot[]> slots;
  };
  Front fronts[kFronts];
  uint64_t clock = 0;

  Slot* slots_for(uint64_t owner) {
    ++clock;
    Front* victim = &fronts[0];
    for (Front& f : fronts) {
      if (f.owner == owner) {
        f.last_use = clock;
        return f.slots.get();
      }
      if (f.last_use < victim->last_use) victim = &f;
    }
    if (!victim->slots) victim->slots.reset(new Slot[kFrontSlots]);
    std::fill(victim->slots.get(), victim->slots.get() + kFrontSlots, Slot{});
    victim->owner = owner;
    victim->last_use = clock;
    return victim->slots.get();
  }
};

Slot& front_slot(uint64_t owner, uint64_t hash) {
  thread_local Fronts fronts;
  return fronts.slots_for(owner)[(hash >> 8) & (kFrontSlots - 1)];
}

std::atomic<uint64_t> next_cache_id{1};

}  // namespace

uint64_t hash_bytes(std::string_view s) {
  const char* p = s.data();
  const size_t n = s.size();
  uint64_t h = 0x9E3779B97F4A7C15ull ^ (n * 0x100000001B3ull);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t v;
    std::memcpy(&v, p + i, 8);
    h = (h ^ v) * 0x87c37b91114253d5ull;
    h ^= h >> 31;
  }
  uint64_t tail = 0;
  std::memcpy(&tail, p + i, n - i);
  return mix(h ^ tail) | 1;  // never 0, the empty-slot mark
}

struct alignas(64) WordCache::Shard {
  std::mutex mutex;
  std::vector<Slot> slots;
  size_t used = 0;
  std::string keys;           // spilled words
  std::vector<uint32_t> ids;  // spilled ids

  bool same_word(const Slot& s, std::string_view word) const {
    if (s.key_length != 255)
      return s.key_length == word.size() && std::memcmp(s.key, word.data(), word.size()) == 0;
    Spill sp;
    std::memcpy(&sp, s.key, sizeof sp);
    return sp.key_length == word.size() &&
           std::memcmp(keys.data() + sp.key_offset, word.data(), word.size()) == 0;
  }
  // Doubles the slots, keeping every word.
  void grow() {
    std::vector<Slot> old(slots.size() * 2, Slot{});
    old.swap(slots);
    const size_t mask = slots.size() - 1;
    for (const Slot& s : old) {
      if (s.hash == 0) continue;
      size_t i = (s.hash >> 8) & mask;
      while (slots[i].hash != 0) i = (i + 1) & mask;
      slots[i] = s;
    }
  }
  // The slot holding `word`, or the empty slot where it would go.
  Slot& probe(std::string_view word, uint64_t hash, bool* found) {
    const size_t mask = slots.size() - 1;
    for (size_t i = (hash >> 8) & mask;; i = (i + 1) & mask) {
      Slot& s = slots[i];
      if (s.hash == 0) {
        *found = false;
        return s;
      }
      if (s.hash == hash && same_word(s, word)) {
        *found = true;
        return s;
      }
    }
  }
};

WordCache::WordCache(size_t capacity) {
  if (capacity == 0) return;
  per_shard_ = std::max<size_t>(1, (capacity + kShards - 1) / kShards);
  id_ = next_cache_id++;
  shards_.reset(new Shard[kShards]);
  // Shards start small and double as words arrive (up to twice their share),
  // so the slots in use stay close together.
  for (size_t i = 0; i < kShards; ++i) shards_[i].slots.assign(16, Slot{});
}

WordCache::~WordCache() = default;

bool WordCache::get(std::string_view word, uint64_t hash, std::vector<uint32_t>& out) const {
  Slot& front = front_slot(id_, hash);
  if (front.hash == hash && front.key_length == word.size() &&
      std::memcmp(front.key, word.data(), word.size()) == 0) {
    out.insert(out.end(), front.ids, front.ids + front.id_count);
    return true;
  }
  Shard& shard = shards_[hash >> 58];
  std::lock_guard<std::mutex> lock(shard.mutex);
  bool found = false;
  const Slot& s = shard.probe(word, hash, &found);
  if (!found) return false;
  if (s.id_count != 255) {
    out.insert(out.end(), s.ids, s.ids + s.id_count);
    front = s;
  } else {
    Spill sp;
    std::memcpy(&sp, s.key, sizeof sp);
    out.insert(out.end(), shard.ids.begin() + sp.ids_offset,
               shard.ids.begin() + sp.ids_offset + sp.ids_length);
  }
  return true;
}

void WordCache::put(std::string_view word, uint64_t hash, const uint32_t* ids, size_t count) const {
  if (inline_word(word, count)) fill_inline(front_slot(id_, hash), word, hash, ids, count);
  Shard& shard = shards_[hash >> 58];
  std::lock_guard<std::mutex> lock(shard.mutex);
  if (shard.used >= per_shard_) {
    std::fill(shard.slots.begin(), shard.slots.end(), Slot{});
    shard.used = 0;
    shard.keys.clear();
    shard.ids.clear();
  } else if (2 * (shard.used + 1) > shard.slots.size()) {
    shard.grow();
  }
  bool found = false;
  Slot& s = shard.probe(word, hash, &found);
  if (found) return;  // another thread got there first
  if (inline_word(word, count)) {
    fill_inline(s, word, hash, ids, count);
  } else {
    const Spill sp{static_cast<uint32_t>(shard.keys.size()), static_cast<uint32_t>(word.size()),
                   static_cast<uint32_t>(shard.ids.size()), static_cast<uint32_t>(count)};
    shard.keys.append(word);
    shard.ids.insert(shard.ids.end(), ids, ids + count);
    s.hash = hash;
    s.key_length = 255;
    s.id_count = 255;
    std::memcpy(s.key, &sp, sizeof sp);
  }
  ++shard.used;
}

}  // namespace dsforge::tokenizer
