// clean_text.hpp: the text logic of the `clean` transform, with no host in
// sight, so it can be tested and reused directly.
//
// Steps, in this order, each switchable: strip ANSI/VT100 escapes, strip
// control and zero-width characters, Unicode normalization (utf8proc), strip
// URLs, collapse whitespace. Never inserts or removes a space between two
// CJK characters; keeps newlines because poems and code are line-structured.
// Does not drop records: the length rule (min_chars) is the transform's.
#pragma once

#include <string>
#include <string_view>

namespace dsforge::data {

enum class Normalization { none, nfc, nfkc };
enum class WhitespaceMode { collapse, keep };

struct CleanOptions {
  bool strip_ansi = true;     // CSI "ESC[33m", OSC "ESC]...BEL", two-byte ESC sequences
  bool strip_control = true;  // C0 but \n \t, DEL, C1, U+200B, U+FEFF (keeps ZWJ U+200D)
  bool strip_urls = false;    // http(s)://, ftp://, www. up to whitespace or CJK
  Normalization normalize = Normalization::none;  // nfkc: "ＡＢＣ１２３" -> "ABC123"
  WhitespaceMode whitespace = WhitespaceMode::collapse;
};

// Cleaned copy of `text`. Throws ds::Error(DS_ERR_BAD_DATA, "invalid UTF-8
// at byte N (0x..)") when text is not valid UTF-8.
std::string clean_text(std::string_view text, const CleanOptions& options);

}  // namespace dsforge::data
