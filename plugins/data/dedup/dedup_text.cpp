// dedup_text.cpp: exact-dedup normalization and code point classes.
#include "dedup_text.hpp"

#include <utf8proc.h>

#include <stdexcept>

#include "common/utf8.hpp"

namespace dsforge::data::dedup {

ExactNormalization parse_exact_normalization(std::string_view name) {
  if (name == "none") return ExactNormalization::none;
  if (name == "whitespace") return ExactNormalization::whitespace;
  if (name == "casefold_whitespace") return ExactNormalization::casefold_whitespace;
  throw std::invalid_argument("normalize must be one of \"none\", \"whitespace\", "
                              "\"casefold_whitespace\", got \"" + std::string(name) + "\"");
}

std::string normalize_for_exact(std::string_view text, ExactNormalization mode) {
  if (mode == ExactNormalization::none) return std::string(text);
  const bool fold = mode == ExactNormalization::casefold_whitespace;
  std::string out;
  out.reserve(text.size());
  bool pending_space = false;  // a whitespace run seen after some content
  size_t pos = 0;
  while (pos < text.size()) {
    const auto b = static_cast<unsigned char>(text[pos]);
    size_t len = 1;
    bool space = false;
    if (b < 0x80) {
      space = b == ' ' || (b >= '\t' && b <= '\r');
    } else {
      const Utf8Step step = utf8_decode(text, pos);
      len = step.length;
      space = step.ok && is_unicode_space(step.code_point);
    }
    if (space) {
      pending_space = !out.empty();
    } else {
      if (pending_space) out.push_back(' ');
      pending_space = false;
      if (len == 1 && fold && b >= 'A' && b <= 'Z') {
        out.push_back(static_cast<char>(b - 'A' + 'a'));
      } else {
        out.append(text.data() + pos, len);
      }
    }
    pos += len;
  }
  return out;
}

Hash128 exact_key(std::string_view text, ExactNormalization mode) {
  if (mode == ExactNormalization::none) return hash128(text);
  return hash128(normalize_for_exact(text, mode));
}

bool is_unspaced_cjk(char32_t cp) {
  return (cp >= 0x4E00 && cp <= 0x9FFF) ||    // CJK Unified Ideographs
         (cp >= 0x3400 && cp <= 0x4DBF) ||    // extension A
         (cp >= 0x20000 && cp <= 0x323AF) ||  // extensions B-H, compatibility supplement
         (cp >= 0xF900 && cp <= 0xFAFF) ||    // compatibility ideographs
         (cp >= 0x3040 && cp <= 0x30FF) ||    // Hiragana, Katakana
         (cp >= 0x31F0 && cp <= 0x31FF) ||    // Katakana phonetic extensions
         (cp >= 0xFF66 && cp <= 0xFF9F) ||    // halfwidth Katakana
         (cp >= 0x3100 && cp <= 0x312F) ||    // Bopomofo
         (cp >= 0x31A0 && cp <= 0x31BF) ||    // Bopomofo extended
         cp == 0x3005 || cp == 0x3007;        // 々 〇
}

bool is_cjk(char32_t cp) {
  return is_unspaced_cjk(cp) || (cp >= 0xAC00 && cp <= 0xD7AF) ||  // Hangul syllables
         (cp >= 0x1100 && cp <= 0x11FF) ||                          // Hangul jamo
         (cp >= 0x3130 && cp <= 0x318F);                            // compatibility jamo
}

bool is_word_char(char32_t cp) {
  if (cp < 0x80) {
    return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9');
  }
  switch (utf8proc_category(static_cast<utf8proc_int32_t>(cp))) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
      return true;
    default:
      return false;
  }
}

char32_t to_lower(char32_t cp) {
  if (cp < 0x80) return (cp >= 'A' && cp <= 'Z') ? cp + ('a' - 'A') : cp;
  return static_cast<char32_t>(utf8proc_tolower(static_cast<utf8proc_int32_t>(cp)));
}

}  // namespace dsforge::data::dedup
