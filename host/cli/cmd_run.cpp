// cmd_run.cpp: `dshost run` and `dshost validate`.
#include <fmt/format.h>

#include <chrono>
#include <cstdio>

#include "cli/commands.hpp"
#include "common/log.hpp"
#include "common/progress.hpp"
#include "config/pipeline.hpp"
#include "plugins/registry.hpp"
#include "run/data_stage.hpp"
#include "run/plan.hpp"

namespace dsforge::cli {

int cmd_validate(const GlobalOptions& g, const std::filesystem::path& file) {
  PipelineConfig p = load_pipeline(file);
  Registry registry;
  registry.load_directories(plugin_search_path(p.plugin_path, g.plugin_path));
  Plan plan = build_plan(p, registry, "");
  size_t components = 0;
  for (const auto& s : plan.stages) components += 2 + s.transforms.size();
  std::printf("%s: ok (pipeline '%s', %zu stages, %zu components)\n", file.string().c_str(), p.name.c_str(),
              plan.stages.size(), components);
  return 0;
}

int cmd_run(const GlobalOptions& g, const std::filesystem::path& file, const std::string& only) {
  auto start = std::chrono::steady_clock::now();
  PipelineConfig p = load_pipeline(file);
  Registry registry;
  registry.load_directories(plugin_search_path(p.plugin_path, g.plugin_path));
  Plan plan = build_plan(p, registry, only);
  nlohmann::json all = nlohmann::json::array();
  std::string per_stage;
  for (const auto& stage : plan.stages) {
    log::info("dshost", fmt::format("stage '{}' ({} -> {} transforms -> {})", stage.config->id,
                                    stage.source.component->name, stage.transforms.size(),
                                    stage.sink.component->name));
    DataStageStats stats = run_data_stage(stage);
    per_stage += fmt::format("{}{} {}", per_stage.empty() ? "" : ", ", stage.config->id, stats.steps.back().records_out);
    all.push_back(stats.to_json());
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (log::format() == log::Format::json) {
    nlohmann::json summary = {{"pipeline", p.name}, {"seconds", secs}, {"stages", all}};
    std::printf("%s\n", summary.dump().c_str());
  } else if (log::enabled(log::Level::info)) {
    std::printf("pipeline '%s' done in %s; records written: %s\n", p.name.c_str(), human_duration(secs).c_str(),
                per_stage.c_str());
  }
  return 0;
}

}  // namespace dsforge::cli
