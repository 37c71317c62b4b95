// clean_text.cpp: clean_text(), the order of the steps and why.
#include "clean_text.hpp"

#include "clean_steps.hpp"
#include "common/utf8.hpp"
#include "dsforge/dsforge.hpp"

namespace dsforge::data {

std::string clean_text(std::string_view text, const CleanOptions& options) {
  if (const std::optional<size_t> bad = first_invalid_utf8(text))
    throw ds::Error(DS_ERR_BAD_DATA, describe_invalid_utf8(text, *bad));
  std::string s(text);
  // Escapes first: their parameter bytes ("[33m") are printable and would
  // survive every later step.
  if (options.strip_ansi) s = strip_ansi_escapes(s);
  if (options.strip_control) s = strip_control_chars(s);
  // Before URLs and whitespace: NFKC turns fullwidth "ｈｔｔｐｓ：／／" into a
  // URL the next step recognises, and U+3000 into a plain space.
  if (options.normalize != Normalization::none) s = normalize_unicode(s, options.normalize);
  // Before whitespace, which then closes the gap a removed URL leaves.
  if (options.strip_urls) s = strip_urls(s);
  if (options.whitespace == WhitespaceMode::collapse) s = collapse_whitespace(s);
  return s;
}

}  // namespace dsforge::data
