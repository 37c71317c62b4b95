// length_rule.hpp: the `length_filter` rule: is a text inside the limits, in
// Unicode code points and in UTF-8 bytes? Host-free. One code point is one
// character for CJK and Latin alike ("你好" is 2 characters, 6 bytes); an
// ill-formed UTF-8 sequence counts as one. Token limits are applied by the
// transform (filters_transforms.hpp), which holds the tokenizer.
#pragma once

#include <cstdint>
#include <limits>
#include <string_view>

namespace dsforge::data {

struct LengthLimits {
  uint64_t min_chars = 0;
  uint64_t max_chars = std::numeric_limits<uint64_t>::max();
  uint64_t min_bytes = 0;
  uint64_t max_bytes = std::numeric_limits<uint64_t>::max();
};

enum class LengthVerdict { ok, too_short, too_long };

// Bytes are checked first (free), code points only when needed.
LengthVerdict check_length(std::string_view text, const LengthLimits& limits);

// "too_short" / "too_long" (the drop reasons), or nullptr for ok.
const char* length_drop_reason(LengthVerdict v);

}  // namespace dsforge::data
