// plugin_library.hpp: one loaded plugin library. Loading validates the
// entry struct before calling anything in it (GStreamer's and PJRT's rule):
// major must match, the plugin's minor must not exceed ours, struct sizes
// must cover what we read, no NULL function pointers. Then init() runs with
// the host table of the minor both sides speak.
#pragma once

#include <dsforge/plugin.h>

#include <boost/dll/shared_library.hpp>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace dsforge {

class PluginLibrary;

struct LoadedComponent {
  const ds_component_desc* desc = nullptr;
  const PluginLibrary* library = nullptr;
  std::string name;
  int32_t kind = 0;
  uint64_t flags = 0;     // DS_COMPONENT_*; 0 for plugins older than 1.2
  nlohmann::json schema;  // parsed config_schema ({} if none)
};

class PluginLibrary {
 public:
  // Throws UserError naming the file and the reason it was refused.
  static std::unique_ptr<PluginLibrary> load(const std::filesystem::path& path);
  ~PluginLibrary();  // deinit(), then unload
  PluginLibrary(const PluginLibrary&) = delete;
  PluginLibrary& operator=(const PluginLibrary&) = delete;

  const std::filesystem::path& path() const { return path_; }
  const std::string& name() const { return name_; }
  const std::string& version() const { return version_; }
  const std::string& license() const { return license_; }
  uint32_t abi_major() const { return entry_->abi_major; }
  uint32_t abi_minor() const { return entry_->abi_minor; }
  uint32_t negotiated_minor() const { return minor_; }
  void* context() const { return ctx_; }
  const std::vector<LoadedComponent>& components() const { return components_; }

 private:
  PluginLibrary() = default;
  void validate_entry();
  void read_components();

  std::filesystem::path path_;
  boost::dll::shared_library lib_;
  const ds_plugin_entry* entry_ = nullptr;
  void* ctx_ = nullptr;
  bool initialized_ = false;
  uint32_t minor_ = 0;
  std::string name_, version_, license_;
  std::vector<LoadedComponent> components_;
};

const char* kind_name(int32_t kind);  // "source", "transform", "sink", "tokenizer", or "other"

}  // namespace dsforge
