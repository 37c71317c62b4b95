// utf8.hpp: UTF-8 checks and small code point helpers shared by the data
// plugins. Validation follows Unicode's table of well-formed byte sequences
// (no overlongs, no surrogates, nothing above U+10FFFF) and replacement uses
// the "maximal subpart" rule, so every tool agrees on where one bad sequence
// ends. Does not normalize or classify beyond what the plugins need; that is
// utf8proc's job in the clean transform.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace dsforge::data {

// One decoding step at a byte position.
struct Utf8Step {
  char32_t code_point = 0;  // valid only when ok
  size_t length = 0;  // bytes consumed: the sequence, or its maximal ill-formed subpart (>= 1)
  bool ok = false;
};

// Decodes the sequence starting at s[pos]; pos must be < s.size().
Utf8Step utf8_decode(std::string_view s, size_t pos);

// Byte offset of the first ill-formed sequence, or nullopt when s is valid.
std::optional<size_t> first_invalid_utf8(std::string_view s);

// s with each maximal ill-formed subpart replaced by U+FFFD.
std::string replace_invalid_utf8(std::string_view s);

// Appends cp (which must be a Unicode scalar value) as UTF-8.
void utf8_append(std::string& out, char32_t cp);

// Number of code points in valid UTF-8 (an ill-formed subpart counts as one).
size_t utf8_length(std::string_view s);

// Unicode White_Space of general category Zs (space, NBSP, U+2000..U+200A,
// U+3000, ...) plus ASCII tab, LF, VT, FF, CR.
bool is_unicode_space(char32_t cp);

// For error messages: "invalid UTF-8 at byte 17 (0xed 0xa0)", naming the
// offset and the bytes of the ill-formed subpart found there.
std::string describe_invalid_utf8(std::string_view s, size_t offset);

}  // namespace dsforge::data
