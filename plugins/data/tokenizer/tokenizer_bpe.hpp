// tokenizer_bpe.hpp: the BPE model of tokenizer.json ("model": {"type": "BPE"}).
//
// Vocabulary (token -> id), merges as a flat hash table keyed by the pair of
// ids ((left << 32) | right -> rank, merged id), and the merge loop of
// `tokenizers`: repeatedly merge the adjacent pair of lowest rank, leftmost
// first. Short words use a linear scan, long ones a heap. Options: merges as
// "a b" strings or ["a", "b"] arrays, unk_token / fuse_unk, byte_fallback
// ("<0x41>" tokens), ignore_merges, continuing_subword_prefix,
// end_of_word_suffix. dropout > 0 is refused (it is random by design).
//
// Byte-level fast path: when the pre-tokenizer's last step is ByteLevel, the
// words arrive as raw bytes and the first symbols come from a 256-entry table
// instead of mapping every byte to its character and looking that up.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tokenizer_bpe_cache.hpp"
#include "tokenizer_string_table.hpp"

namespace dsforge::tokenizer {

class JsonNode;

// (left id, right id) -> (rank, merged id), open addressing.
class MergeTable {
 public:
  void reserve(size_t count);
  void insert(uint32_t left, uint32_t right, uint32_t rank, uint32_t merged);
  // The rank of the pair, or UINT32_MAX when it does not merge.
  uint32_t find(uint32_t left, uint32_t right, uint32_t* merged) const {
    const uint64_t key = (static_cast<uint64_t>(left) << 32) | right;
    for (uint64_t slot = (key * 0x9E3779B97F4A7C15ull) >> shift_;; slot = (slot + 1) & mask_) {
      const Entry& e = slots_[slot];
      if (e.key == key) {
        *merged = e.merged;
        return e.rank;
      }
      if (e.key == kEmpty) return UINT32_MAX;
    }
  }
  size_t size() const { return count_; }

 private:
  static constexpr uint64_t kEmpty = ~uint64_t{0};
  struct Entry {
    uint64_t key;
    uint32_t rank;
    uint32_t merged;
  };
  std::vector<Entry> slots_;
  uint64_t mask_ = 0;
  int shift_ = 64;
  size_t count_ = 0;
};

// Per-thread working memory of the merge loop.
struct BpeScratch {
  std::vector<uint32_t> ids;     // the symbols of the word, in order
  std::vector<uint32_t> ranks;   // rank of the pair (ids[i], ids[i + 1])
  std::vector<uint32_t> merged;  // id that pair merges into
  std::vector<int32_t> prev, next;
  struct Candidate {
    uint64_t key;  // rank << 32 | position of the left symbol: smallest first
    uint32_t merged;
  };
  std::vector<Candidate> heap;
  std::string mapped;  // a raw-byte word mapped to byte-level characters
  std::string piece;   // one symbol's lookup string
};

class BpeModel {
 public:
  // Reads the "model" object; `cache_capacity` words are cached (0: none).
  static std::unique_ptr<BpeModel> load(const JsonNode& model, size_t cache_capacity);

  // Prepares the byte-level fast path (the pre-tokenizer leaves bytes raw).
  void enable_raw_bytes();

  // Appends the ids of `word`. When `raw_bytes`, the word is bytes still to
  // be mapped to byte-level characters (enable_raw_bytes() was called).
  void tokenize(std::string_view word, bool raw_bytes, BpeScratch& scratch, std::vector<uint32_t>& out) const;

  std::optional<uint32_t> token_to_id(std::string_view token) const;
  // The token of `id`, or nullopt.
  std::optional<std::string_view> id_to_token(uint32_t id) const;
  size_t vocab_size() const { return vocab_.size(); }
  // One more than the largest id in the vocabulary (0 when empty).
  uint32_t id_end() const { return static_cast<uint32_t>(spans_.size()); }

 private:
  BpeModel(size_t cache_capacity) : cache_(cache_capacity) {}
  void initial_symbols(std::string_view word, BpeScratch& scratch) const;
  // `raw`: the word's bytes when the symbols are still its single bytes
  // (their pairs then come from byte_pairs_), else null.
  void merge(BpeScratch& scratch, const char* raw) const;
  void merge_scan(BpeScratch& scratch, const char* raw) const;
  void merge_heap(BpeScratch& scratch, const char* raw) const;
  uint32_t first_pair(const uint32_t* ids, const char* raw, size_t i, uint32_t* merged) const {
    if (raw) {
      const uint64_t e = byte_pairs_[(static_cast<size_t>(static_cast<unsigned char>(raw[i])) << 8) |
                                     static_cast<unsigned char>(raw[i + 1])];
      *merged = static_cast<uint32_t>(e);
      return static_cast<uint32_t>(e >> 32);
    }
    return merges_.find(ids[i], ids[i + 1], merged);
  }
  [[noreturn]] void unk_missing() const;

  std::string arena_;                                 // every token's text
  std::vector<std::pair<uint32_t, uint32_t>> spans_;  // id -> (offset, length); length ~0u: no token
  StringTable vocab_;                                 // views into arena_
  MergeTable merges_;
  std::optional<std::string> unk_token_;
  std::optional<uint32_t> unk_id_;
  std::string prefix_;  // continuing_subword_prefix
  std::string suffix_;  // end_of_word_suffix
  bool fuse_unk_ = false;
  bool byte_fallback_ = false;
  bool ignore_merges_ = false;
  // Byte-level fast path.
  bool raw_bytes_ready_ = false;
  int64_t byte_ids_[256] = {};  // id of each byte's character, -1 when not in the vocabulary
  bool all_bytes_known_ = false;
  std::vector<uint64_t> byte_pairs_;  // (byte << 8 | byte) -> rank << 32 | merged id, for the first pairs
  std::string raw_arena_;             // byte forms of the tokens
  StringTable raw_vocab_;             // for ignore_merges: raw bytes -> id
  WordCache cache_;
};

}  // namespace dsforge::tokenizer
