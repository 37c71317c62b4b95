// registry_component_factory.cpp: finds the component, fills schema defaults
// and wraps a ComponentInstance.
#include "plugins/registry_component_factory.hpp"

#include "config/schema_check.hpp"
#include "data/component_instance.hpp"

namespace dsforge {
namespace {

class InstanceHandle : public ComponentHandle {
 public:
  InstanceHandle(const LoadedComponent& c, const nlohmann::json& settings, const std::string& where)
      : instance_(c, settings, where) {}
  void* instance() const override { return instance_.get(); }
  const void* vtable() const override { return instance_.component().desc->vtable; }
  std::string label() const override { return instance_.label(); }

 private:
  ComponentInstance instance_;
};

}  // namespace

std::unique_ptr<ComponentHandle> RegistryComponentFactory::create(int32_t kind, const std::string& name,
                                                                  const nlohmann::json& settings,
                                                                  const std::string& where) {
  const LoadedComponent& c = registry_.find(kind, name, where);
  nlohmann::json filled = with_schema_defaults(settings, c.schema, where + ": " + c.name);
  return std::make_unique<InstanceHandle>(c, filled, where);
}

}  // namespace dsforge
