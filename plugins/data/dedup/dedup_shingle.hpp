// dedup_shingle.hpp: documents -> sets of n-gram shingles, as strings (for
// tests and the datasketch cross-check) and as 64-bit hashes (for MinHash).
//
// Tokens. The text is lowercased (Unicode simple mapping) and split into
// tokens of word characters (letters, marks, numbers; dedup_text.hpp);
// whitespace, punctuation and symbols only separate, so reflowing a text or
// changing its punctuation changes no token.
//   words: a token is a maximal run of word characters, except that each
//          Han / kana / Bopomofo code point is a token of its own (those
//          scripts put no spaces between words).
//   chars: each word character is a token.
//   auto:  per document: chars when CJK code points (is_cjk: Han, kana,
//          Bopomofo, Hangul) make at least `cjk_min_share` (0.3) of its word
//          characters, else words. English gets word n-grams, Chinese and
//          Japanese get character n-grams, a Chinese text quoting some English
//          stays in character mode.
// Shingles. A shingle is `ngram` consecutive tokens, written as the tokens
// joined by one space in word mode and concatenated in char mode (the string
// form is what hash64 sees, so both forms always agree). A document with
// fewer than `ngram` tokens (but at least one) has one shingle: all its
// tokens. A document without word characters has no shingles; such a
// document is never a near duplicate (leave that to exact_dedup).
// Sets: duplicates are removed, so the Jaccard similarity is that of sets.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace dsforge::data::dedup {

enum class Tokenizer { automatic, words, chars };

// "auto" | "words" | "chars"; throws std::invalid_argument otherwise.
Tokenizer parse_tokenizer(std::string_view name);
const char* tokenizer_name(Tokenizer t);

struct ShingleOptions {
  size_t ngram = 5;                     // tokens per shingle, >= 1
  Tokenizer tokenizer = Tokenizer::automatic;
  double cjk_min_share = 0.3;           // auto: chars at or above this CJK share
};

// Seed of the shingle hash; fixed, so shingle hashes are comparable across
// runs and seeds (the `seed` setting varies the permutations only).
constexpr uint64_t kShingleHashSeed = 0x5348494e474c4531ULL;  // "SHINGLE1"

// Share of CJK code points among the word characters of `text`; 0 for a
// text without word characters.
double cjk_share(std::string_view text);

// words or chars: `t` itself, or the per-document choice for automatic.
Tokenizer resolve_tokenizer(std::string_view text, Tokenizer t, double cjk_min_share = 0.3);

// A document's tokens, lowercased, laid out in one buffer so every shingle
// is a contiguous slice of it: token i is text[start[i], end[i]).
struct Tokens {
  std::string text;
  std::vector<uint32_t> start;
  std::vector<uint32_t> end;
  Tokenizer mode = Tokenizer::words;  // words or chars, as resolved
  // Scratch: the text's word characters, lowercased, with their classes;
  // a run of separators is one entry 0 / class 0.
  std::vector<char32_t> cps;
  std::vector<uint8_t> classes;

  size_t size() const { return start.size(); }
  void clear();
};

// Fills `out` (reused across calls to avoid allocation). `resolved` may be
// automatic (decided with the default share, 0.3).
void tokenize(std::string_view text, Tokenizer resolved, Tokens& out);

// Shingle strings of `text`, sorted and unique.
std::vector<std::string> shingles(std::string_view text, const ShingleOptions& opt);

// hash64(shingle, kShingleHashSeed) of each shingle, sorted and unique, into
// `out`. `scratch` is reused between calls. Returns the tokenizer used.
Tokenizer shingle_hashes(std::string_view text, const ShingleOptions& opt, Tokens& scratch,
                         std::vector<uint64_t>& out);

// Exact Jaccard similarity of two sorted unique sequences; 0 when both are
// empty.
double jaccard(const std::vector<uint64_t>& a, const std::vector<uint64_t>& b);
double jaccard(const std::vector<std::string>& a, const std::vector<std::string>& b);

}  // namespace dsforge::data::dedup
