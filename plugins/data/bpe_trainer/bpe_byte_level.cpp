// bpe_byte_level.cpp: see bpe_byte_level.hpp.
#include "bpe_byte_level.hpp"

#include <algorithm>

#include "common/utf8.hpp"

namespace dsforge::data::bpe {
namespace {

bool stands_for_itself(uint8_t b) {
  return (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || b >= 0xAE;
}

struct Tables {
  std::array<char32_t, 256> code_point{};
  std::array<std::string, 256> text;
  std::array<uint8_t, 256> by_code_point{};
};

Tables build() {
  Tables t;
  char32_t next = 0x100;
  for (int b = 0; b < 256; ++b)
    t.code_point[b] = stands_for_itself(static_cast<uint8_t>(b)) ? char32_t(b) : next++;
  for (int b = 0; b < 256; ++b) utf8_append(t.text[b], t.code_point[b]);
  for (int b = 0; b < 256; ++b) t.by_code_point[b] = static_cast<uint8_t>(b);
  std::sort(t.by_code_point.begin(), t.by_code_point.end(),
            [&](uint8_t x, uint8_t y) { return t.code_point[x] < t.code_point[y]; });
  return t;
}

const Tables& tables() {
  static const Tables t = build();
  return t;
}

}  // namespace

char32_t byte_level_code_point(uint8_t b) { return tables().code_point[b]; }

const std::array<std::string, 256>& byte_level_chars() { return tables().text; }

std::string byte_level_encode(std::string_view bytes) {
  const auto& text = tables().text;
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char c : bytes) out += text[static_cast<uint8_t>(c)];
  return out;
}

const std::array<uint8_t, 256>& bytes_by_code_point() { return tables().by_code_point; }

}  // namespace dsforge::data::bpe
