// source_location.hpp: "file:line:col" for messages about the pipeline file.
#pragma once

#include <fmt/format.h>

#include <string>
#include <toml++/toml.h>

namespace dsforge {

inline std::string where(const std::string& file, const toml::source_region& r) {
  if (r.begin.line == 0) return file;
  return fmt::format("{}:{}:{}", file, r.begin.line, r.begin.column);
}

inline std::string where(const std::string& file, const toml::node& n) {
  return where(file, n.source());
}

}  // namespace dsforge
