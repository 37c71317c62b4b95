// sensitive_words.hpp: the text logic of the `sensitive_filter` transform:
// reading word lists and finding or masking listed words in text. Host-free.
//
// Matching is byte-level Aho-Corasick over UTF-8 (aho_corasick.hpp), so CJK
// words need no segmentation; overlapping candidates resolve leftmost-longest
// ("中华人民共和国" wins over "人民" inside it). Does not decide what to do
// with a record; the transform does.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "aho_corasick.hpp"

namespace dsforge::data {

struct SensitiveOptions {
  bool ignore_case = false;  // ASCII only: "Foo" matches "FOO"
  // A match may not start or end inside an ASCII word: "ass" does not match
  // in "class". CJK words are unaffected (they have no spaces to respect).
  bool whole_words = false;
  std::string mask_char = "*";  // repeated once per code point of a match
};

// Words from a list file's content: one per line, UTF-8, a leading BOM and
// trailing "\r" ignored, surrounding whitespace trimmed, blank lines and
// lines starting with '#' skipped. Throws ds::Error(DS_ERR_BAD_DATA) naming
// `origin`:line for invalid UTF-8.
std::vector<std::string> parse_word_list(std::string_view content, const std::string& origin);

class SensitiveMatcher {
 public:
  // Throws ds::Error(DS_ERR_INVALID_ARGUMENT) for an empty word or mask.
  SensitiveMatcher(const std::vector<std::string>& words, SensitiveOptions options);

  // Leftmost-longest, non-overlapping matches, ordered by position.
  std::vector<AhoCorasick::Match> find(std::string_view text) const;
  // text with every match replaced by mask_char x (code points of the match).
  std::string mask(std::string_view text, const std::vector<AhoCorasick::Match>& matches) const;
  std::string mask(std::string_view text) const { return mask(text, find(text)); }

  size_t word_count() const { return automaton_.pattern_count(); }
  const std::string& word(uint32_t id) const { return automaton_.pattern(id); }

 private:
  bool at_boundaries(std::string_view text, const AhoCorasick::Match& m) const;

  SensitiveOptions options_;
  AhoCorasick automaton_;
};

}  // namespace dsforge::data
