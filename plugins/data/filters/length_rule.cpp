// length_rule.cpp: see length_rule.hpp.
#include "length_rule.hpp"

#include "common/utf8.hpp"

namespace dsforge::data {

LengthVerdict check_length(std::string_view text, const LengthLimits& limits) {
  const uint64_t bytes = text.size();
  if (bytes < limits.min_bytes) return LengthVerdict::too_short;
  if (bytes > limits.max_bytes) return LengthVerdict::too_long;
  // Code points lie between bytes / 4 and bytes: skip counting when the
  // byte count already settles both character limits.
  if (limits.min_chars <= bytes / 4 && limits.max_chars >= bytes) return LengthVerdict::ok;
  const uint64_t chars = utf8_length(text);
  if (chars < limits.min_chars) return LengthVerdict::too_short;
  if (chars > limits.max_chars) return LengthVerdict::too_long;
  return LengthVerdict::ok;
}

const char* length_drop_reason(LengthVerdict v) {
  switch (v) {
    case LengthVerdict::too_short: return "too_short";
    case LengthVerdict::too_long: return "too_long";
    default: return nullptr;
  }
}

}  // namespace dsforge::data
