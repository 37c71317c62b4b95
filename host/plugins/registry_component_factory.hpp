// registry_component_factory.hpp: ComponentFactory over the plugin registry.
#pragma once

#include "model/component_factory.hpp"
#include "plugins/registry.hpp"

namespace dsforge {

class RegistryComponentFactory : public ComponentFactory {
 public:
  explicit RegistryComponentFactory(const Registry& registry) : registry_(registry) {}
  std::unique_ptr<ComponentHandle> create(int32_t kind, const std::string& name, const nlohmann::json& settings,
                                          const std::string& where) override;

 private:
  const Registry& registry_;
};

}  // namespace dsforge
