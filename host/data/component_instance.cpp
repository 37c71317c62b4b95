// component_instance.cpp
#include "data/component_instance.hpp"

#include <fmt/format.h>

#include "api/host_api.hpp"
#include "common/user_error.hpp"

namespace dsforge {

ComponentInstance::ComponentInstance(const LoadedComponent& component, const nlohmann::json& settings,
                                     const std::string& where)
    : component_(component) {
  ds_config cfg{settings, settings.dump()};
  const ds_component_desc* d = component.desc;
  ds_error* err = d->create(component.library->context(), &cfg, &instance_);
  if (err != nullptr) {
    instance_ = nullptr;
    fail("{}: {} '{}' ({}) could not be created: {}", where, kind_name(component.kind), component.name,
         component.library->path().filename().string(), take_error_message(err));
  }
}

ComponentInstance::~ComponentInstance() {
  if (instance_ != nullptr) component_.desc->destroy(instance_);
}

std::string ComponentInstance::label() const {
  return fmt::format("{} ({})", component_.name, component_.library->name());
}

}  // namespace dsforge
