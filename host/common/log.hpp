// log.hpp: dshost's logger. Human lines on stderr by default, one JSON object
// per line with --log-format json, nothing below warnings with --quiet.
// Thread-safe: plugins log from their own threads through the host API.
#pragma once

#include <string_view>

namespace dsforge::log {

enum class Level { debug = 0, info = 1, warn = 2, error = 3 };
enum class Format { text, json };

void configure(Level min_level, Format format);
Level min_level();
Format format();
bool enabled(Level level);

// `component` is "dshost" or a plugin component name.
void write(Level level, std::string_view component, std::string_view message);

inline void debug(std::string_view c, std::string_view m) { write(Level::debug, c, m); }
inline void info(std::string_view c, std::string_view m) { write(Level::info, c, m); }
inline void warn(std::string_view c, std::string_view m) { write(Level::warn, c, m); }
inline void error(std::string_view c, std::string_view m) { write(Level::error, c, m); }

}  // namespace dsforge::log
