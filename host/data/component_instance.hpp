// component_instance.hpp: an instance of a plugin component, created from
// validated settings and destroyed by RAII (before its library unloads).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "plugins/plugin_library.hpp"

namespace dsforge {

class ComponentInstance {
 public:
  // `where` prefixes errors ("pipeline.toml:7:10: stage 'prep'.source").
  ComponentInstance(const LoadedComponent& component, const nlohmann::json& settings, const std::string& where);
  ~ComponentInstance();
  ComponentInstance(const ComponentInstance&) = delete;
  ComponentInstance& operator=(const ComponentInstance&) = delete;

  void* get() const { return instance_; }
  const LoadedComponent& component() const { return component_; }
  template <class VTable>
  const VTable& vtable() const { return *static_cast<const VTable*>(component_.desc->vtable); }
  // "clean (dsforge-clean)" for messages.
  std::string label() const;

 private:
  const LoadedComponent& component_;
  void* instance_ = nullptr;
};

}  // namespace dsforge
