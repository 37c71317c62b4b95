// plan.cpp
#include "run/plan.hpp"

#include <fmt/format.h>

#include "common/user_error.hpp"
#include "config/schema_check.hpp"

namespace dsforge {
namespace {

PlannedComponent plan_component(const ComponentRef& ref, int32_t kind, const PipelineConfig& p,
                                const Registry& registry) {
  PlannedComponent out;
  out.where = fmt::format("{}: {}", ref.where, ref.field);
  out.component = &registry.find(kind, ref.plugin, fmt::format("{}: {}.plugin", ref.plugin_where, ref.field));
  out.settings = validate_settings(*ref.table, out.component->schema, p.file.string(), ref.field);
  return out;
}

}  // namespace

Plan build_plan(const PipelineConfig& p, const Registry& registry, const std::string& only) {
  Plan plan;
  for (const auto& stage : p.stages) {
    if (!only.empty() && stage.id != only) continue;
    PlannedStage s;
    s.config = &stage;
    s.source = plan_component(stage.source, DS_KIND_SOURCE, p, registry);
    for (const auto& t : stage.transforms) s.transforms.push_back(plan_component(t, DS_KIND_TRANSFORM, p, registry));
    s.sink = plan_component(stage.sink, DS_KIND_SINK, p, registry);
    plan.stages.push_back(std::move(s));
  }
  if (!only.empty() && plan.stages.empty()) {
    std::string ids;
    for (const auto& s : p.stages) ids += (ids.empty() ? "" : ", ") + s.id;
    fail("{}: no stage with id '{}'; stages: {}", p.file.string(), only, ids);
  }
  return plan;
}

}  // namespace dsforge
