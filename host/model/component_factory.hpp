// component_factory.hpp: how model code (LibTorch side) gets plugin component
// instances without depending on the plugin registry's implementation.
// Free of LibTorch and fmt, so both halves of dshost include it.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <memory>
#include <string>

namespace dsforge {

// One live instance of a component; destroying it destroys the instance.
class ComponentHandle {
 public:
  virtual ~ComponentHandle() = default;
  virtual void* instance() const = 0;
  virtual const void* vtable() const = 0;
  virtual std::string label() const = 0;  // "causal (dsforge-attention)"
};

class ComponentFactory {
 public:
  virtual ~ComponentFactory() = default;
  // Creates component `name` of `kind` with `settings` (schema defaults are
  // filled in). Throws UserError starting with `where` when it is missing,
  // refuses the settings or fails to create.
  virtual std::unique_ptr<ComponentHandle> create(int32_t kind, const std::string& name,
                                                  const nlohmann::json& settings, const std::string& where) = 0;
};

}  // namespace dsforge
