// dedup_text.hpp: the text rules of deduplication: the normalizations of
// exact_dedup and the code point classes the shingler needs (CJK or not,
// word character or separator).
//
// Normalization here exists only to compute a key; the record's text is
// never changed. Invalid UTF-8 is not an error: ill-formed bytes pass
// through the exact-dedup normalizations unchanged and act as separators in
// shingling.
#pragma once

#include <string>
#include <string_view>

#include "dedup_hash.hpp"

namespace dsforge::data::dedup {

enum class ExactNormalization {
  none,                // the bytes as they are
  whitespace,          // runs of Unicode whitespace (newlines too) -> one ASCII space; trimmed
  casefold_whitespace  // whitespace, plus ASCII A-Z -> a-z
};

// "none" | "whitespace" | "casefold_whitespace"; throws std::invalid_argument
// naming the value otherwise.
ExactNormalization parse_exact_normalization(std::string_view name);

// The text exact_dedup hashes. CJK and every other non-ASCII letter are left
// as they are; only whitespace (and with casefold, ASCII case) changes.
std::string normalize_for_exact(std::string_view text, ExactNormalization mode);

// hash128 of normalize_for_exact(text, mode).
Hash128 exact_key(std::string_view text, ExactNormalization mode);

// Han ideographs (URO, extensions A-H, compatibility), Hiragana, Katakana
// (with phonetic extensions and halfwidth forms), Bopomofo and Hangul
// (syllables and jamo): the scripts whose share decides tokenizer "auto".
bool is_cjk(char32_t cp);

// CJK scripts written without spaces between words (all of is_cjk but
// Hangul): in word mode each such code point is a token of its own.
bool is_unspaced_cjk(char32_t cp);

// Letters, marks and numbers (Unicode categories L*, M*, N*): the code points
// that form tokens. Everything else (spaces, punctuation, symbols, controls,
// unassigned) separates tokens.
bool is_word_char(char32_t cp);

// Simple lowercase mapping (utf8proc_tolower): "Élan" -> "élan".
char32_t to_lower(char32_t cp);

}  // namespace dsforge::data::dedup
