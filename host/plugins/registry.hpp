// registry.hpp: every plugin library found on the search path, and lookup of
// components by kind and name. A library that fails to load is recorded with
// its reason (shown by `dshost plugins`), not fatal: only a pipeline that
// needs one of its components fails. Two components with the same kind and
// name are both kept and reported; using the bare name is then an error that
// asks for "library/component".
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "plugins/plugin_library.hpp"

namespace dsforge {

struct LoadFailure {
  std::filesystem::path path;
  std::string message;
};

class Registry {
 public:
  Registry() = default;
  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // Loads every *.so in each directory (not recursive), in sorted order.
  // Missing directories are skipped with a debug line.
  void load_directories(const std::vector<std::filesystem::path>& dirs);
  // Loads one library; a refusal is recorded in failures() and returned.
  const PluginLibrary* load_file(const std::filesystem::path& file);

  // Finds a component; `name` may be "library/component". Throws UserError
  // starting with `where` when it is missing or ambiguous.
  const LoadedComponent& find(int32_t kind, const std::string& name, const std::string& where) const;
  const LoadedComponent* find_any_kind(const std::string& name) const;

  std::vector<const LoadedComponent*> components() const;
  const std::vector<std::unique_ptr<PluginLibrary>>& libraries() const { return libraries_; }
  const std::vector<LoadFailure>& failures() const { return failures_; }
  // "source 'jsonl': a.so, b.so" for each name provided more than once.
  std::vector<std::string> duplicates() const;

 private:
  std::vector<const LoadedComponent*> matching(int32_t kind, const std::string& name) const;

  std::vector<std::unique_ptr<PluginLibrary>> libraries_;
  std::vector<LoadFailure> failures_;
};

// The search path, in order: --plugin-path directories, the pipeline's
// plugin_path, $DSFORGE_PLUGIN_PATH (colon-separated), next to the dshost
// binary (build tree), then the install tree's plugin directory, found
// relative to the binary.
std::vector<std::filesystem::path> plugin_search_path(const std::vector<std::filesystem::path>& pipeline_dirs,
                                                      const std::vector<std::filesystem::path>& cli_dirs);

}  // namespace dsforge
