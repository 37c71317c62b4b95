// tokenizer_byte_level.cpp: builds GPT-2's bytes_to_unicode table once.
#include "tokenizer_byte_level.hpp"

#include "tokenizer_unicode.hpp"

namespace dsforge::tokenizer {

namespace {
ByteLevelTable build() {
  ByteLevelTable t{};
  for (auto& b : t.byte_of) b = -1;
  int next = 256;
  for (int b = 0; b < 256; ++b) {
    const bool printable = (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
    const int cp = printable ? b : next++;
    std::string s;
    utf8_append(s, static_cast<char32_t>(cp));
    t.utf8_len[b] = static_cast<uint8_t>(s.size());
    for (size_t k = 0; k < s.size(); ++k) t.utf8[b][k] = s[k];
    t.byte_of[cp] = static_cast<int16_t>(b);
  }
  return t;
}
}  // namespace

const ByteLevelTable& byte_level_table() {
  static const ByteLevelTable table = build();
  return table;
}

void byte_level_map(std::string_view bytes, std::string& out) {
  const ByteLevelTable& t = byte_level_table();
  for (const char c : bytes) {
    const auto b = static_cast<unsigned char>(c);
    out.append(t.utf8[b], t.utf8_len[b]);
  }
}

bool byte_level_unmap(std::string_view token, std::string& out) {
  const ByteLevelTable& t = byte_level_table();
  const size_t start = out.size();
  for (size_t pos = 0; pos < token.size();) {
    const Utf8Char c = utf8_next(token.data(), token.size(), pos);
    if (c.cp >= 324 || t.byte_of[c.cp] < 0) {
      out.resize(start);
      return false;
    }
    out.push_back(static_cast<char>(t.byte_of[c.cp]));
    pos += c.len;
  }
  return true;
}

}  // namespace dsforge::tokenizer
