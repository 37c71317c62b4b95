// clean_whitespace.cpp: collapse_whitespace(). One pass over code points
// that remembers pending spaces and newlines and writes them only before the
// next visible character, which gives the line and document trims for free.
#include <algorithm>

#include "clean_steps.hpp"
#include "common/utf8.hpp"

namespace dsforge::data {

std::string collapse_whitespace(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool pending_space = false;
  int pending_newlines = 0;
  for (size_t pos = 0; pos < s.size();) {
    const Utf8Step step = static_cast<unsigned char>(s[pos]) < 0x80
                              ? Utf8Step{static_cast<char32_t>(s[pos]), 1, true}  // fast path
                              : utf8_decode(s, pos);
    const char32_t cp = step.ok ? step.code_point : 0xFFFD;
    if (cp == '\n') {
      pending_space = false;  // trailing whitespace of the line
      ++pending_newlines;
    } else if (is_unicode_space(cp)) {
      pending_space = true;
    } else {
      if (!out.empty()) {  // at the document start both are trimmed
        out.append(static_cast<size_t>(std::min(pending_newlines, 2)), '\n');
        if (pending_space) out += ' ';
      }
      pending_space = false;
      pending_newlines = 0;
      out.append(s.data() + pos, step.length);
    }
    pos += step.length;
  }
  return out;
}

}  // namespace dsforge::data
