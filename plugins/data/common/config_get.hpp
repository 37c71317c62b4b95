// config_get.hpp: reading a component's settings with defaults and checked
// enums. The host fills schema defaults in already; the fallbacks here keep a
// component usable by a host that does not, and must match the schema.
// Header-only; needs the host (ds::Config), so unit tests do not use it.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>

#include "dsforge/dsforge.hpp"

namespace dsforge::data {

inline std::string string_or(const ds::Config& cfg, const char* key, const std::string& fallback) {
  return cfg.has(key) ? cfg.str(key) : fallback;
}

inline int64_t integer_or(const ds::Config& cfg, const char* key, int64_t fallback) {
  return cfg.has(key) ? cfg.integer(key) : fallback;
}

inline bool boolean_or(const ds::Config& cfg, const char* key, bool fallback) {
  return cfg.has(key) ? cfg.boolean(key) : fallback;
}

// A string setting that must be one of `allowed`; the error names the
// component, the key, the value given and the choices.
inline std::string choice_or(const ds::Config& cfg, const char* component, const char* key,
                             const std::string& fallback,
                             std::initializer_list<const char*> allowed) {
  std::string value = string_or(cfg, key, fallback);
  std::string choices;
  for (const char* a : allowed) {
    if (value == a) return value;
    choices += choices.empty() ? std::string("\"") + a + "\"" : std::string(", \"") + a + "\"";
  }
  throw ds::Error(DS_ERR_INVALID_ARGUMENT, std::string(component) + ": " + (key + 1) +
                                               " must be one of " + choices + ", got \"" + value +
                                               "\"");
}

// Where a record came from, for messages: "file:line" or "file".
inline std::string where(const std::string& origin, int64_t line) {
  return line > 0 ? origin + ":" + std::to_string(line) : origin;
}

}  // namespace dsforge::data
