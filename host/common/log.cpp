// log.cpp: formatting and the lock that keeps concurrent lines whole.
#include "common/log.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>

namespace dsforge::log {
namespace {

std::atomic<Level> g_min_level{Level::info};
std::atomic<Format> g_format{Format::text};
std::mutex g_mutex;

const char* level_name(Level level) {
  switch (level) {
    case Level::debug: return "debug";
    case Level::info: return "info";
    case Level::warn: return "warn";
    case Level::error: return "error";
  }
  return "info";
}

double unix_seconds() {
  using namespace std::chrono;
  return duration<double>(system_clock::now().time_since_epoch()).count();
}

}  // namespace

void configure(Level level, Format format) {
  g_min_level = level;
  g_format = format;
}
Level min_level() { return g_min_level; }
Format format() { return g_format; }
bool enabled(Level level) { return level >= g_min_level.load(); }

void write(Level level, std::string_view component, std::string_view message) {
  if (!enabled(level)) return;
  std::string line;
  if (g_format == Format::json) {
    nlohmann::json j = {{"ts", unix_seconds()},
                        {"level", level_name(level)},
                        {"component", std::string(component)},
                        {"msg", std::string(message)}};
    line = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  } else {
    line = fmt::format("[{}] {}: {}\n", level_name(level), component, message);
  }
  std::lock_guard<std::mutex> lock(g_mutex);
  std::fputs(line.c_str(), stderr);
  std::fflush(stderr);
}

}  // namespace dsforge::log
