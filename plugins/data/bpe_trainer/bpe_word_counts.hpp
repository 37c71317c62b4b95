// bpe_word_counts.hpp: the only state BPE training keeps of a corpus: how
// often each pre-tokenized word occurs. Documents go in one at a time and
// are not kept; a word is its raw bytes (the byte-level mapping is a
// bijection, applied when training starts). Host-free, not thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "bpe_pre_tokenizer.hpp"

namespace dsforge::data::bpe {

// word bytes -> occurrences
using WordCounts = std::unordered_map<std::string, uint64_t>;

class WordCounter {
 public:
  explicit WordCounter(PreTokenizerStyle style);

  // Pre-tokenizes `text` and counts its words. Text that is not valid UTF-8
  // has each ill-formed sequence replaced by U+FFFD first (counted in
  // repaired_documents()); `tokenizers` could not take it at all.
  void add_document(std::string_view text);
  // Counts `word` (raw bytes) `count` more times, bypassing pre-tokenization.
  void add_word(std::string_view word, uint64_t count = 1);

  const WordCounts& counts() const { return counts_; }
  WordCounts take_counts() { return std::move(counts_); }
  PreTokenizerStyle style() const { return pre_.style(); }
  uint64_t documents() const { return documents_; }
  uint64_t bytes() const { return bytes_; }  // of the documents added
  uint64_t words() const { return words_; }  // occurrences, not distinct words
  uint64_t repaired_documents() const { return repaired_; }

 private:
  PreTokenizer pre_;
  WordCounts counts_;
  std::vector<std::string_view> pieces_;  // scratch
  std::string key_;                        // scratch: lookups without allocating
  uint64_t documents_ = 0, bytes_ = 0, words_ = 0, repaired_ = 0;
};

}  // namespace dsforge::data::bpe
