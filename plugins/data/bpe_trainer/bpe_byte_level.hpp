// bpe_byte_level.hpp: GPT-2's byte -> character mapping ("ByteLevel" in the
// `tokenizers` library), which turns any byte string into printable Unicode
// text so that BPE tokens are strings: the printable bytes 0x21..0x7E,
// 0xA1..0xAC and 0xAE..0xFF stand for themselves; the other 68 bytes (space,
// controls, 0x7F..0xA0, 0xAD) map to U+0100.. in byte order, so ' ' becomes
// 'Ġ' (U+0120) and '\n' becomes 'Ċ' (U+010A). Host-free; does not decode.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace dsforge::data::bpe {

// The character byte `b` stands for.
char32_t byte_level_code_point(uint8_t b);

// The UTF-8 text of that character, for every byte.
const std::array<std::string, 256>& byte_level_chars();

// `bytes` with every byte replaced by its character (UTF-8).
std::string byte_level_encode(std::string_view bytes);

// The 256 bytes ordered by the code point of their character: the order in
// which the `tokenizers` BpeTrainer adds its initial alphabet to the vocabulary.
const std::array<uint8_t, 256>& bytes_by_code_point();

}  // namespace dsforge::data::bpe
