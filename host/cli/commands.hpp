// commands.hpp: one function per dshost sub-command. Each returns the exit
// code; UserError propagates to main, which prints it.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace dsforge::cli {

struct GlobalOptions {
  std::vector<std::filesystem::path> plugin_path;  // --plugin-path
};

int cmd_run(const GlobalOptions& g, const std::filesystem::path& pipeline, const std::string& only);
int cmd_validate(const GlobalOptions& g, const std::filesystem::path& pipeline);
int cmd_plugins(const GlobalOptions& g, const std::string& describe, bool json);
std::string version_text();

}  // namespace dsforge::cli
