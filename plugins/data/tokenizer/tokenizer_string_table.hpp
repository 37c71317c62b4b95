// tokenizer_string_table.hpp: string -> id lookup for the vocabularies.
//
// Open addressing over (hash, pointer, length, id) entries; the strings live
// elsewhere (an arena that outlives the table) and are only pointed at. Faster
// to build and probe than std::unordered_map<std::string_view, uint32_t>,
// which matters when 128k merges each look up three tokens at load time.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#include "tokenizer_bpe_cache.hpp"  // hash_bytes

namespace dsforge::tokenizer {

class StringTable {
 public:
  void reserve(size_t count) {
    size_t slots = 16;
    while (slots < 2 * count + 2) slots *= 2;
    if (slots > slots_.size()) rehash(slots);
  }
  // Adds `key` (which must stay valid) or replaces its value.
  void insert(std::string_view key, uint32_t value) {
    if (2 * (count_ + 1) > slots_.size()) rehash(slots_.empty() ? 16 : slots_.size() * 2);
    const uint64_t h = hash_bytes(key);
    Entry& e = probe(key, h);
    if (e.hash == 0) {
      ++count_;
      e = Entry{h, key.data(), static_cast<uint32_t>(key.size()), value};
    } else {
      e.value = value;
    }
  }
  bool find(std::string_view key, uint32_t* value) const {
    if (slots_.empty()) return false;
    const Entry& e = const_cast<StringTable*>(this)->probe(key, hash_bytes(key));
    if (e.hash == 0) return false;
    *value = e.value;
    return true;
  }
  size_t size() const { return count_; }
  template <class F>
  void for_each(F&& f) const {
    for (const Entry& e : slots_) {
      if (e.hash != 0) f(std::string_view(e.data, e.size), e.value);
    }
  }

 private:
  struct Entry {
    uint64_t hash;  // 0: empty (hash_bytes never returns 0)
    const char* data;
    uint32_t size;
    uint32_t value;
  };
  Entry& probe(std::string_view key, uint64_t h) {
    const size_t mask = slots_.size() - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
      Entry& e = slots_[i];
      if (e.hash == 0) return e;
      if (e.hash == h && e.size == key.size() && std::memcmp(e.data, key.data(), key.size()) == 0) return e;
    }
  }
  void rehash(size_t slots) {
    std::vector<Entry> old(slots, Entry{0, nullptr, 0, 0});
    old.swap(slots_);
    const size_t mask = slots_.size() - 1;
    for (const Entry& e : old) {
      if (e.hash == 0) continue;
      size_t i = e.hash & mask;
      while (slots_[i].hash != 0) i = (i + 1) & mask;
      slots_[i] = e;
    }
  }
  std::vector<Entry> slots_;
  size_t count_ = 0;
};

}  // namespace dsforge::tokenizer
