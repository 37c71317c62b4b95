// built_plugins.hpp: helpers shared by the host tests: the registry of the
// plugins this build produced (loaded once per test binary), and reading a
// whole file.
#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "plugins/registry.hpp"

namespace dsforge::test {

// Lives for the whole test run: plugins unload only at exit.
inline const Registry& built_plugins() {
  static Registry* r = [] {
    auto* reg = new Registry;
    reg->load_directories({DSFORGE_PLUGIN_DIR});
    return reg;
  }();
  return *r;
}

inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace dsforge::test
