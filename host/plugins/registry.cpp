// registry.cpp: scanning, duplicate detection and lookup.
#include "plugins/registry.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>

#include "common/log.hpp"
#include "common/user_error.hpp"

namespace fs = std::filesystem;

// Where installed plugins sit relative to the installed dshost
// ("../lib/dsforge/plugins"): relative, so an install tree can be moved.
#ifndef DSFORGE_PLUGIN_DIR_FROM_BIN
#define DSFORGE_PLUGIN_DIR_FROM_BIN "../lib/dsforge/plugins"
#endif

namespace dsforge {

Registry::~Registry() {
  // Unload in reverse order of loading.
  while (!libraries_.empty()) libraries_.pop_back();
}

void Registry::load_directories(const std::vector<fs::path>& dirs) {
  std::set<fs::path> seen_dirs;
  for (const auto& dir : dirs) {
    std::error_code ec;
    fs::path canon = fs::weakly_canonical(dir, ec);
    if (!seen_dirs.insert(ec ? dir : canon).second) continue;
    if (!fs::is_directory(dir, ec)) {
      log::debug("dshost", fmt::format("plugin directory {} does not exist; skipped", dir.string()));
      continue;
    }
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
      if (e.is_regular_file() && e.path().extension() == ".so") files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    for (const auto& f : files) load_file(f);
  }
}

const PluginLibrary* Registry::load_file(const fs::path& file) {
  fs::path abs = fs::absolute(file).lexically_normal();
  for (const auto& lib : libraries_) {
    if (lib->path() == abs) return lib.get();
  }
  try {
    libraries_.push_back(PluginLibrary::load(abs));
  } catch (const UserError& e) {
    failures_.push_back({abs, e.what()});
    log::warn("dshost", fmt::format("plugin refused: {}", e.what()));
    return nullptr;
  }
  const PluginLibrary* lib = libraries_.back().get();
  log::debug("dshost", fmt::format("loaded {} {} (ABI {}.{}) from {}", lib->name(), lib->version(),
                                   lib->abi_major(), lib->abi_minor(), abs.string()));
  for (const auto& c : lib->components()) {
    auto same = matching(c.kind, c.name);
    if (same.size() > 1) {
      log::warn("dshost", fmt::format("{} '{}' is provided by more than one library ({} and {}); "
                                      "name it as \"library/{}\" in pipelines",
                                      kind_name(c.kind), c.name, same.front()->library->path().string(),
                                      abs.string(), c.name));
    }
  }
  return lib;
}

std::vector<const LoadedComponent*> Registry::matching(int32_t kind, const std::string& name) const {
  std::string library, component = name;
  if (auto slash = name.find('/'); slash != std::string::npos) {
    library = name.substr(0, slash);
    component = name.substr(slash + 1);
  }
  std::vector<const LoadedComponent*> out;
  for (const auto& lib : libraries_) {
    if (!library.empty() && lib->name() != library) continue;
    for (const auto& c : lib->components()) {
      if (c.kind == kind && c.name == component) out.push_back(&c);
    }
  }
  return out;
}

const LoadedComponent& Registry::find(int32_t kind, const std::string& name, const std::string& where) const {
  auto found = matching(kind, name);
  if (found.size() == 1) return *found.front();
  if (found.size() > 1) {
    std::string libs;
    for (const auto* c : found) libs += fmt::format("\n  {} ({} {})", c->library->path().string(), c->library->name(), c->library->version());
    fail("{}: {} '{}' is provided by {} libraries:{}\nchoose one with plugin = \"<library>/{}\"", where,
         kind_name(kind), name, found.size(), libs, name);
  }
  std::set<std::string> names;  // sorted, so messages do not depend on load order
  for (const auto* c : components()) {
    if (c->kind == kind) names.insert(c->name);
  }
  std::string available;
  for (const auto& n : names) available += (available.empty() ? "" : ", ") + n;
  std::string hint = available.empty() ? fmt::format("no {} plugins are loaded", kind_name(kind))
                                       : fmt::format("available {}s: {}", kind_name(kind), available);
  if (const auto* other = find_any_kind(name)) {
    hint = fmt::format("'{}' is a {}, not a {}; {}", name, kind_name(other->kind), kind_name(kind), hint);
  }
  if (!failures_.empty()) {
    hint += fmt::format(" ({} plugin libraries failed to load; run `dshost plugins` to see why)", failures_.size());
  }
  fail("{}: unknown {} plugin '{}'; {}", where, kind_name(kind), name, hint);
}

const LoadedComponent* Registry::find_any_kind(const std::string& name) const {
  for (const auto* c : components()) {
    if (c->name == name) return c;
  }
  return nullptr;
}

std::vector<const LoadedComponent*> Registry::components() const {
  std::vector<const LoadedComponent*> out;
  for (const auto& lib : libraries_) {
    for (const auto& c : lib->components()) out.push_back(&c);
  }
  return out;
}

std::vector<std::string> Registry::duplicates() const {
  std::map<std::pair<int32_t, std::string>, std::vector<std::string>> by_name;
  for (const auto* c : components()) by_name[{c->kind, c->name}].push_back(c->library->path().string());
  std::vector<std::string> out;
  for (const auto& [key, paths] : by_name) {
    if (paths.size() < 2) continue;
    std::string line = fmt::format("{} '{}':", kind_name(key.first), key.second);
    for (const auto& p : paths) line += " " + p;
    out.push_back(line);
  }
  return out;
}

namespace {

fs::path executable_dir() {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path() : exe.parent_path();
}

}  // namespace

std::vector<fs::path> plugin_search_path(const std::vector<fs::path>& pipeline_dirs,
                                         const std::vector<fs::path>& cli_dirs) {
  std::vector<fs::path> out = cli_dirs;
  out.insert(out.end(), pipeline_dirs.begin(), pipeline_dirs.end());
  if (const char* env = std::getenv("DSFORGE_PLUGIN_PATH")) {
    std::string s = env;
    size_t start = 0;
    while (start <= s.size()) {
      size_t colon = s.find(':', start);
      std::string part = s.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
      if (!part.empty()) out.push_back(fs::absolute(part));
      if (colon == std::string::npos) break;
      start = colon + 1;
    }
  }
  fs::path exe = executable_dir();
  if (!exe.empty()) {
    out.push_back(exe / "plugins");                                               // build tree
    out.push_back((exe / DSFORGE_PLUGIN_DIR_FROM_BIN).lexically_normal());        // install tree
  }
  return out;
}

}  // namespace dsforge
