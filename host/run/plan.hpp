// plan.hpp: a pipeline with every component resolved to a loaded plugin and
// its settings validated against the plugin's schema. Building the plan is
// all of `dshost validate`; `dshost run` then executes it.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "config/pipeline.hpp"
#include "plugins/registry.hpp"

namespace dsforge {

struct PlannedComponent {
  const LoadedComponent* component = nullptr;
  nlohmann::json settings;  // validated, defaults filled
  std::string where;        // "file:line:col: stage 'x'.source"
};

struct PlannedStage {
  const StageConfig* config = nullptr;
  PlannedComponent source;
  std::vector<PlannedComponent> transforms;
  PlannedComponent sink;
};

struct Plan {
  std::vector<PlannedStage> stages;
};

// `only` selects one stage by id (empty: all). Throws UserError.
Plan build_plan(const PipelineConfig& pipeline, const Registry& registry, const std::string& only);

}  // namespace dsforge
