// clean_unicode.cpp: strip_control_chars() and normalize_unicode(); the two
// steps that look at code points rather than bytes. Normalization is
// utf8proc's (we do not carry Unicode tables of our own).
#include <utf8proc.h>

#include <algorithm>
#include <cstdlib>
#include <memory>

#include "clean_steps.hpp"
#include "common/utf8.hpp"
#include "dsforge/dsforge.hpp"

namespace dsforge::data {
namespace {

bool is_removable_control(char32_t cp) {
  if (cp < 0x20) return cp != '\n' && cp != '\t';
  if (cp >= 0x7F && cp <= 0x9F) return true;  // DEL and C1
  // Zero width space and BOM carry no text and break tokenization; ZWJ
  // (U+200D) stays because it builds emoji sequences.
  return cp == 0x200B || cp == 0xFEFF;
}

}  // namespace

std::string strip_control_chars(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t pos = 0; pos < s.size();) {
    const auto byte = static_cast<unsigned char>(s[pos]);
    if (byte >= 0x20 && byte < 0x7F) {  // printable ASCII: most of most text
      out += s[pos++];
      continue;
    }
    const Utf8Step step = utf8_decode(s, pos);
    if (!step.ok || !is_removable_control(step.code_point)) out.append(s.data() + pos, step.length);
    pos += step.length;
  }
  return out;
}

std::string normalize_unicode(std::string_view s, Normalization form) {
  // ASCII is already in every normalization form; skip the round trip.
  const bool ascii =
      std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  if (form == Normalization::none || ascii) return std::string(s);
  int options = UTF8PROC_STABLE | UTF8PROC_COMPOSE;
  if (form == Normalization::nfkc) options |= UTF8PROC_COMPAT;
  utf8proc_uint8_t* mapped = nullptr;
  const utf8proc_ssize_t n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(s.data()),
                                          static_cast<utf8proc_ssize_t>(s.size()), &mapped,
                                          static_cast<utf8proc_option_t>(options));
  // utf8proc allocates with malloc; free it however we leave.
  std::unique_ptr<utf8proc_uint8_t, decltype(&std::free)> owner(mapped, &std::free);
  if (n < 0)
    throw ds::Error(n == UTF8PROC_ERROR_NOMEM ? DS_ERR_OUT_OF_MEMORY : DS_ERR_BAD_DATA,
                    std::string("Unicode normalization failed: ") + utf8proc_errmsg(n));
  return std::string(reinterpret_cast<const char*>(mapped), static_cast<size_t>(n));
}

}  // namespace dsforge::data
