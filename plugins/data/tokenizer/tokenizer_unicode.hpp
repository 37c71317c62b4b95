// tokenizer_unicode.hpp: UTF-8 stepping and the character classes the
// `tokenizers` library takes from Rust's `char` methods, so splits agree.
//
// Ill-formed input is stepped over one "maximal subpart" at a time (the rule
// Rust's from_utf8_lossy and Unicode use), reported as kNotAChar, and belongs
// to no class. Classification is utf8proc's general category; no tables here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace dsforge::tokenizer {

constexpr char32_t kNotAChar = 0xFFFFFFFFu;

struct Utf8Char {
  char32_t cp;   // the code point, or kNotAChar for an ill-formed subpart
  uint32_t len;  // bytes consumed, >= 1
};

// The character (or ill-formed subpart) at s[pos]; pos < n.
Utf8Char slow_utf8_next(const char* s, size_t n, size_t pos);
inline Utf8Char utf8_next(const char* s, size_t n, size_t pos) {
  const auto b0 = static_cast<unsigned char>(s[pos]);
  if (b0 < 0x80) return {b0, 1};
  return slow_utf8_next(s, n, pos);
}

// Appends cp as UTF-8 (cp must be a scalar value).
void utf8_append(std::string& out, char32_t cp);

bool is_valid_utf8(std::string_view s);
// Appends `bytes` with each ill-formed subpart replaced by U+FFFD.
void append_utf8_lossy(std::string& out, std::string_view bytes);

// Rust char::is_whitespace: the White_Space property (includes U+0085).
bool is_white_space(char32_t cp);
// Rust char::is_numeric: general categories Nd, Nl, No.
bool is_numeric(char32_t cp);
// `tokenizers` is_punctuation: ASCII punctuation or general category P*.
bool is_punctuation(char32_t cp);
// General category M* (Mn, Mc, Me).
bool is_combining_mark(char32_t cp);
// Rust regex `\w`: Alphabetic, M*, Nd, Pc, Join_Control. Alphabetic is
// approximated by L*, Nl and the circled letters (Other_Alphabetic is mostly
// marks, already counted).
bool is_word_char(char32_t cp);

}  // namespace dsforge::tokenizer
