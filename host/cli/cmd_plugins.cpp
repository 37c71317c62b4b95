// cmd_plugins.cpp: `dshost plugins [--describe NAME] [--json]`: what is
// loadable, from where, with which ABI, and each component's settings.
#include <dsforge/version.h>
#include <fmt/format.h>

#include <cstdio>

#include "cli/commands.hpp"
#include "common/user_error.hpp"
#include "cli/load_registry.hpp"
#include "plugins/registry.hpp"
#include "runtime/tensor_api.hpp"

namespace dsforge::cli {
namespace {

std::string describe_settings(const nlohmann::json& schema) {
  std::string out;
  const auto required = schema.value("required", nlohmann::json::array());
  const auto properties = schema.value("properties", nlohmann::json::object());  // outlives the loop
  for (const auto& [key, prop] : properties.items()) {
    bool req = std::find(required.begin(), required.end(), key) != required.end();
    std::string type = prop.contains("type") ? (prop["type"].is_string() ? prop["type"].get<std::string>() : prop["type"].dump()) : "any";
    std::string def = prop.contains("default") ? " = " + prop["default"].dump() : "";
    std::string values = prop.contains("enum") ? " one of " + prop["enum"].dump() : "";
    out += fmt::format("    {:<18} {:<10}{}{}{}\n      {}\n", key, type, req ? " (required)" : "", def, values,
                       prop.value("description", ""));
  }
  return out.empty() ? "    (no settings)\n" : out;
}

nlohmann::json component_json(const LoadedComponent& c) {
  return {{"name", c.name}, {"kind", kind_name(c.kind)}, {"version", c.desc->version ? c.desc->version : ""},
          {"summary", c.desc->summary ? c.desc->summary : ""}, {"library", c.library->name()},
          {"path", c.library->path().string()}, {"schema", c.schema}};
}

}  // namespace

int cmd_plugins(const GlobalOptions& g, const std::string& describe, bool json) {
  std::unique_ptr<Registry> loaded = load_registry(g);
  const Registry& registry = *loaded;
  if (!describe.empty()) {
    std::vector<const LoadedComponent*> found;
    for (const auto* c : registry.components()) {
      if (c->name == describe || c->library->name() + "/" + c->name == describe) found.push_back(c);
    }
    if (found.empty()) fail("no plugin component named '{}'; run `dshost plugins` to list them", describe);
    for (const auto* c : found) {
      if (json) {
        std::printf("%s\n", component_json(*c).dump(2).c_str());
        continue;
      }
      std::printf("%s %s %s\n  %s\n  library: %s %s (ABI %u.%u) %s\n  settings:\n%s", kind_name(c->kind),
                  c->name.c_str(), c->desc->version ? c->desc->version : "", c->desc->summary ? c->desc->summary : "",
                  c->library->name().c_str(), c->library->version().c_str(), c->library->abi_major(),
                  c->library->abi_minor(), c->library->path().string().c_str(), describe_settings(c->schema).c_str());
      std::printf("  JSON Schema:\n%s\n", c->schema.dump(2).c_str());
    }
    return 0;
  }
  if (json) {
    nlohmann::json out = {{"abi", fmt::format("{}.{}", DS_ABI_MAJOR, DS_ABI_MINOR)}};
    out["libraries"] = nlohmann::json::array();
    for (const auto& lib : registry.libraries()) {
      nlohmann::json comps = nlohmann::json::array();
      for (const auto& c : lib->components()) comps.push_back(component_json(c));
      out["libraries"].push_back({{"name", lib->name()}, {"version", lib->version()}, {"license", lib->license()},
                                  {"abi", fmt::format("{}.{}", lib->abi_major(), lib->abi_minor())},
                                  {"path", lib->path().string()}, {"components", comps}});
    }
    out["failures"] = nlohmann::json::array();
    for (const auto& f : registry.failures()) out["failures"].push_back({{"path", f.path.string()}, {"error", f.message}});
    out["duplicates"] = registry.duplicates();
    std::printf("%s\n", out.dump(2).c_str());
    return 0;
  }
  std::printf("dshost speaks dsforge ABI %d.%d\n", DS_ABI_MAJOR, DS_ABI_MINOR);
  for (const auto& lib : registry.libraries()) {
    std::printf("\n%s %s (ABI %u.%u%s)\n  %s\n", lib->name().c_str(), lib->version().c_str(), lib->abi_major(),
                lib->abi_minor(), lib->license().empty() ? "" : (", " + lib->license()).c_str(),
                lib->path().string().c_str());
    for (const auto& c : lib->components()) {
      std::printf("  %-10s %-16s %s\n", kind_name(c.kind), c.name.c_str(), c.desc->summary ? c.desc->summary : "");
    }
  }
  if (!registry.failures().empty()) {
    std::printf("\nrefused:\n");
    for (const auto& f : registry.failures()) std::printf("  %s\n", f.message.c_str());
  }
  if (auto d = registry.duplicates(); !d.empty()) {
    std::printf("\nduplicate names (use \"library/component\" in pipelines):\n");
    for (const auto& line : d) std::printf("  %s\n", line.c_str());
  }
  return 0;
}

std::string version_text() {
  return fmt::format("dshost {} (dsforge ABI {}.{}, LibTorch {}, {})", DSFORGE_VERSION, DS_ABI_MAJOR, DS_ABI_MINOR,
                     torch_version(),
#ifdef DSFORGE_WITH_CUDA
                     cuda_available() ? "CUDA build, GPU available" : "CUDA build, no GPU found"
#else
                     "CPU build"
#endif
  );
}

}  // namespace dsforge::cli
