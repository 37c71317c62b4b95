// bpe_train.hpp: byte-level BPE training, the algorithm of the `tokenizers`
// library's BpeTrainer (0.2x) given ByteLevel's 256 characters as initial
// alphabet, so the same word counts give the same vocabulary and merges.
//
//   1. vocabulary = special tokens (ids 0..n-1, in order, duplicates once),
//      then the 256 byte characters in code point order;
//   2. every word becomes a sequence of byte symbols; every adjacent pair is
//      counted, weighted by the word's count, and remembers its words;
//   3. repeatedly take the most frequent pair (ties: the smallest pair of
//      ids), append "a"+"b" to the vocabulary (or reuse it when that string
//      is already a token), merge it in its words left to right without
//      overlap, and update the counts of the neighbouring pairs from the
//      words that changed only (a priority queue with lazily refreshed
//      counts; each queue entry carries the words its pair was formed in);
//   4. stop when the vocabulary reaches vocab_size, no pair is left, or the
//      best pair occurs fewer than min_frequency times.
//
// Like `tokenizers`, a merge whose result string is already a token reuses
// its id; the same pair can then be merged twice, and the merges list keeps
// its later rank only. Deterministic: the result depends on the word counts
// only, not on their order (`tokenizers` breaks the one remaining tie, two
// queue entries of the same pair, by hash order; we take the older entry).
// Does not: limit the alphabet, cap token length, use dropout, prefixes or
// suffixes. Host-free.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "bpe_pre_tokenizer.hpp"
#include "bpe_word_counts.hpp"

namespace dsforge::data::bpe {

struct BpeTrainOptions {
  size_t vocab_size = 8000;      // special tokens and the 256 bytes included
  uint64_t min_frequency = 2;    // a pair seen fewer times is not merged
  std::vector<std::string> special_tokens = {"<|begin_of_text|>", "<|end_of_text|>", "<|pad|>"};
  PreTokenizerStyle pre_tokenizer = PreTokenizerStyle::deepseek_v3;  // recorded in the model
};

struct BpeModel {
  PreTokenizerStyle pre_tokenizer = PreTokenizerStyle::deepseek_v3;
  // id -> token: special tokens as given, then byte-level text ("Ġthe").
  std::vector<std::string> vocab;  // (V)
  size_t special_count = 0;        // ids [0, special_count) are the special tokens
  // In rank order, byte-level text: merges[r] = {"Ġ", "t"}.
  std::vector<std::pair<std::string, std::string>> merges;
  size_t merge_steps = 0;  // merges performed; > merges.size() when a pair was merged twice
};

// Called after each merge step: (steps so far, the most there can be).
using BpeProgress = std::function<void(size_t steps, size_t max_steps)>;

// Trains on word counts (raw bytes). Throws ds::Error(DS_ERR_INVALID_ARGUMENT)
// for an empty or ill-formed UTF-8 special token.
BpeModel train_bpe(const WordCounts& words, const BpeTrainOptions& options,
                   const BpeProgress& progress = {});

// Convenience: pre-tokenizes `documents` with options.pre_tokenizer and trains.
BpeModel train_bpe(const std::vector<std::string>& documents, const BpeTrainOptions& options,
                   const BpeProgress& progress = {});

// Number of ids before any merge: distinct special tokens + 256 bytes (a
// special token that is a single byte character shares its id).
size_t base_vocab_size(const std::vector<std::string>& special_tokens);

}  // namespace dsforge::data::bpe
