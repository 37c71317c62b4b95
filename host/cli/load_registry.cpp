// load_registry.cpp: see load_registry.hpp.
#include "cli/load_registry.hpp"

namespace dsforge::cli {

std::unique_ptr<Registry> load_registry(const GlobalOptions& g) {
  auto registry = std::make_unique<Registry>();
  registry->load_directories(plugin_search_path({}, g.plugin_path));
  return registry;
}

}  // namespace dsforge::cli
