// clean_ansi.cpp: strip_ansi_escapes(). Byte-level: every byte an escape
// sequence uses is ASCII (or the C1 pair C2 9B / C2 9D / C2 9C), so removing
// whole sequences keeps UTF-8 valid. Grammar from ECMA-48 section 5.
#include "clean_steps.hpp"

namespace dsforge::data {
namespace {

constexpr char kEsc = '\x1b';
constexpr char kBel = '\x07';

bool in(unsigned char c, unsigned char lo, unsigned char hi) { return c >= lo && c <= hi; }
unsigned char at(std::string_view s, size_t i) { return static_cast<unsigned char>(s[i]); }

bool is_c1(std::string_view s, size_t i, unsigned char second) {
  return i + 1 < s.size() && at(s, i) == 0xC2 && at(s, i + 1) == second;
}

// CSI body from `i` (after the introducer): parameters 0x30-0x3F,
// intermediates 0x20-0x2F, one final 0x40-0x7E. A malformed sequence ends at
// the first byte that does not fit; that byte is kept.
size_t skip_csi(std::string_view s, size_t i) {
  while (i < s.size() && in(at(s, i), 0x30, 0x3F)) ++i;
  while (i < s.size() && in(at(s, i), 0x20, 0x2F)) ++i;
  if (i < s.size() && in(at(s, i), 0x40, 0x7E)) ++i;
  return i;
}

// String sequence body from `i`: up to BEL, ESC \ or C1 ST (consumed). Ends
// before a newline or another ESC when unterminated, so one stray "ESC ]"
// cannot swallow the rest of a document.
size_t skip_string(std::string_view s, size_t i) {
  while (i < s.size()) {
    if (s[i] == kBel) return i + 1;
    if (is_c1(s, i, 0x9C)) return i + 2;
    if (s[i] == kEsc) return i + 1 < s.size() && s[i + 1] == '\\' ? i + 2 : i;
    if (s[i] == '\n') return i;
    ++i;
  }
  return i;
}

// After an ESC at i-1: the end of the sequence it starts.
size_t skip_escape(std::string_view s, size_t i) {
  if (i == s.size()) return i;  // a lone ESC at the end
  const unsigned char c = at(s, i);
  if (c == '[') return skip_csi(s, i + 1);
  if (c == ']' || c == 'P' || c == 'X' || c == '^' || c == '_') return skip_string(s, i + 1);
  if (in(c, 0x20, 0x2F)) {  // nF: intermediates then a final, e.g. ESC ( B
    while (i < s.size() && in(at(s, i), 0x20, 0x2F)) ++i;
    if (i < s.size() && in(at(s, i), 0x30, 0x7E)) ++i;
    return i;
  }
  if (in(c, 0x30, 0x7E)) return i + 1;  // Fp, Fe, Fs: ESC 7, ESC M, ESC c
  return i;                             // ESC before a control or non-ASCII: only the ESC goes
}

}  // namespace

std::string strip_ansi_escapes(std::string_view s) {
  // Most text has no escapes at all: one scan instead of a byte loop.
  if (s.find('\x1b') == std::string_view::npos && s.find('\xC2') == std::string_view::npos)
    return std::string(s);
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    if (s[i] == kEsc) {
      i = skip_escape(s, i + 1);
    } else if (is_c1(s, i, 0x9B)) {
      i = skip_csi(s, i + 2);
    } else if (is_c1(s, i, 0x9D)) {
      i = skip_string(s, i + 2);
    } else {
      out += s[i++];
    }
  }
  return out;
}

}  // namespace dsforge::data
