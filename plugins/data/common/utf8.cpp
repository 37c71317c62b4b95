// utf8.cpp: UTF-8 decoding per the Unicode Standard, table 3-7 (well-formed
// byte sequences). The ranges of the second byte are what rule out overlong
// forms (E0 80..9F, F0 80..8F), surrogates (ED A0..BF) and code points above
// U+10FFFF (F4 90..BF).
#include "common/utf8.hpp"

#include <cstdio>

namespace dsforge::data {
namespace {

struct LeadRule {
  size_t length;         // total bytes of the sequence
  unsigned char lo, hi;  // allowed range of the second byte
  char32_t bits;         // payload bits of the lead byte
};

// nullopt for bytes that can never start a sequence (80..C1, F5..FF).
std::optional<LeadRule> lead_rule(unsigned char b) {
  if (b >= 0xC2 && b <= 0xDF) return LeadRule{2, 0x80, 0xBF, char32_t(b & 0x1F)};
  if (b == 0xE0) return LeadRule{3, 0xA0, 0xBF, char32_t(b & 0x0F)};
  if (b == 0xED) return LeadRule{3, 0x80, 0x9F, char32_t(b & 0x0F)};
  if (b >= 0xE1 && b <= 0xEF) return LeadRule{3, 0x80, 0xBF, char32_t(b & 0x0F)};
  if (b == 0xF0) return LeadRule{4, 0x90, 0xBF, char32_t(b & 0x07)};
  if (b >= 0xF1 && b <= 0xF3) return LeadRule{4, 0x80, 0xBF, char32_t(b & 0x07)};
  if (b == 0xF4) return LeadRule{4, 0x80, 0x8F, char32_t(b & 0x07)};
  return std::nullopt;
}

}  // namespace

Utf8Step utf8_decode(std::string_view s, size_t pos) {
  const auto lead = static_cast<unsigned char>(s[pos]);
  if (lead < 0x80) return {lead, 1, true};
  const std::optional<LeadRule> rule = lead_rule(lead);
  if (!rule) return {0, 1, false};
  char32_t cp = rule->bits;
  for (size_t i = 1; i < rule->length; ++i) {
    // A truncated or broken sequence: the bytes so far are its maximal subpart.
    if (pos + i >= s.size()) return {0, i, false};
    const auto b = static_cast<unsigned char>(s[pos + i]);
    const unsigned char lo = i == 1 ? rule->lo : 0x80;
    const unsigned char hi = i == 1 ? rule->hi : 0xBF;
    if (b < lo || b > hi) return {0, i, false};
    cp = (cp << 6) | char32_t(b & 0x3F);
  }
  return {cp, rule->length, true};
}

std::optional<size_t> first_invalid_utf8(std::string_view s) {
  size_t pos = 0;
  while (pos < s.size()) {
    // ASCII fast path: most text in the pipelines is mostly ASCII.
    if (static_cast<unsigned char>(s[pos]) < 0x80) {
      ++pos;
      continue;
    }
    const Utf8Step step = utf8_decode(s, pos);
    if (!step.ok) return pos;
    pos += step.length;
  }
  return std::nullopt;
}

std::string replace_invalid_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  size_t pos = 0;
  while (pos < s.size()) {
    const Utf8Step step = utf8_decode(s, pos);
    if (step.ok)
      out.append(s.data() + pos, step.length);
    else
      utf8_append(out, 0xFFFD);
    pos += step.length;
  }
  return out;
}

void utf8_append(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

size_t utf8_length(std::string_view s) {
  size_t count = 0;
  for (size_t pos = 0; pos < s.size(); ++count) pos += utf8_decode(s, pos).length;
  return count;
}

bool is_unicode_space(char32_t cp) {
  switch (cp) {
    case 0x09:
    case 0x0A:
    case 0x0B:
    case 0x0C:
    case 0x0D:
    case 0x20:
    case 0xA0:
    case 0x1680:
    case 0x202F:
    case 0x205F:
    case 0x3000:
      return true;
    default:
      return cp >= 0x2000 && cp <= 0x200A;
  }
}

std::string describe_invalid_utf8(std::string_view s, size_t offset) {
  std::string out = "invalid UTF-8 at byte " + std::to_string(offset) + " (";
  const size_t count = offset < s.size() ? utf8_decode(s, offset).length : 0;
  for (size_t i = offset; i < offset + count; ++i) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%s0x%02x", i == offset ? "" : " ",
                  static_cast<unsigned>(static_cast<unsigned char>(s[i])));
    out += buf;
  }
  return out + ")";
}

}  // namespace dsforge::data
