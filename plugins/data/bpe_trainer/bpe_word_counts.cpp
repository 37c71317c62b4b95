// bpe_word_counts.cpp: see bpe_word_counts.hpp.
#include "bpe_word_counts.hpp"

#include "common/utf8.hpp"

namespace dsforge::data::bpe {

WordCounter::WordCounter(PreTokenizerStyle style) : pre_(style) {}

void WordCounter::add_document(std::string_view text) {
  ++documents_;
  bytes_ += text.size();
  std::string repaired;
  if (first_invalid_utf8(text)) {
    repaired = replace_invalid_utf8(text);
    text = repaired;
    ++repaired_;
  }
  pieces_.clear();
  pre_.split(text, pieces_);
  for (std::string_view piece : pieces_) add_word(piece, 1);
}

void WordCounter::add_word(std::string_view word, uint64_t count) {
  if (word.empty() || count == 0) return;
  words_ += count;
  key_.assign(word.data(), word.size());
  auto it = counts_.find(key_);
  if (it != counts_.end())
    it->second += count;
  else
    counts_.emplace(key_, count);
}

}  // namespace dsforge::data::bpe
