// tokenizer_byte_level.hpp: GPT-2's byte <-> character table.
//
// Byte-level BPE works on text where every byte is replaced by one printable
// character ("Ġ" for a space, "Ċ" for "\n"): bytes 0x21-0x7E, 0xA1-0xAC and
// 0xAE-0xFF stand for themselves, the 68 others for U+0100.. in byte order.
// This file maps both ways; nothing else.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace dsforge::tokenizer {

struct ByteLevelTable {
  char utf8[256][2];      // UTF-8 of the character standing for each byte
  uint8_t utf8_len[256];  // 1 or 2
  int16_t byte_of[324];   // code point (< U+0144) -> byte, or -1
};

const ByteLevelTable& byte_level_table();

// Appends the characters standing for `bytes`.
void byte_level_map(std::string_view bytes, std::string& out);

// Appends the bytes `token` stands for; false (out unchanged) when a
// character of `token` is not one of the 256.
bool byte_level_unmap(std::string_view token, std::string& out);

}  // namespace dsforge::tokenizer
