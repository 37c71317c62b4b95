// load_registry.hpp: the plugins a command without a pipeline file sees:
// --plugin-path, $DSFORGE_PLUGIN_PATH, next to dshost, the install tree.
#pragma once

#include <memory>

#include "cli/commands.hpp"
#include "plugins/registry.hpp"

namespace dsforge::cli {

std::unique_ptr<Registry> load_registry(const GlobalOptions& g);

}  // namespace dsforge::cli
