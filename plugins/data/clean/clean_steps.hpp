// clean_steps.hpp: the single steps clean_text() chains. Each takes valid
// UTF-8 and returns valid UTF-8; none validates its input (clean_text does,
// once). Exposed for tests and for transforms that want one step only.
#pragma once

#include <string>
#include <string_view>

#include "clean_text.hpp"

namespace dsforge::data {

// Removes CSI (ESC [ params intermediates final), string sequences (OSC
// ESC ], DCS ESC P, SOS, PM, APC) ended by BEL or ESC \, and two-byte / nF
// ESC sequences. Also the 8-bit C1 forms U+009B (CSI) and U+009D (OSC). An
// unterminated string sequence ends at the end of its line.
std::string strip_ansi_escapes(std::string_view text);

// Removes C0 controls except \n and \t, DEL, C1 controls U+0080..U+009F,
// ZERO WIDTH SPACE U+200B and BOM U+FEFF. Keeps ZWJ U+200D (emoji).
std::string strip_control_chars(std::string_view text);

// NFC or NFKC through utf8proc; `none` returns the text unchanged.
std::string normalize_unicode(std::string_view text, Normalization form);

// Removes http://, https://, ftp:// and www. URLs. A URL ends at whitespace,
// a control, one of <>"`, CJK text or fullwidth / CJK / general punctuation;
// trailing .,;:!?'"* and unbalanced )]} are left outside it.
std::string strip_urls(std::string_view text);

// Runs of horizontal whitespace (any Unicode Zs, tab, CR, VT, FF) become one
// ASCII space; trailing whitespace of each line goes; 3+ newlines become 2;
// the document is trimmed. Spaces are only ever shrunk, never added.
std::string collapse_whitespace(std::string_view text);

}  // namespace dsforge::data
