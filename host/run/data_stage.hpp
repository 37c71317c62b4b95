// data_stage.hpp: runs one data stage: the source fills batches, each
// transform rewrites them in order, the sink writes them, then every
// transform is flushed and the sink commits. Transforms that declare
// DS_COMPONENT_PARALLEL run on several threads. Prints progress and a
// summary, and writes the stats JSON when the stage sets `stats`.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "run/plan.hpp"

namespace dsforge {

struct StepStats {
  std::string name;  // component name
  uint64_t records_in = 0;
  uint64_t records_out = 0;
  std::map<std::string, uint64_t> dropped;  // by reason
  double seconds = 0;
  std::map<std::string, uint64_t> counters;  // what the component reported (stat_add)
};

struct DataStageStats {
  std::string stage;
  std::vector<StepStats> steps;  // source, transforms..., sink
  uint64_t bytes_in = 0;
  double seconds = 0;
  size_t threads = 1;  // threads available to parallel transforms
  nlohmann::json to_json() const;
};

DataStageStats run_data_stage(const PlannedStage& stage);

}  // namespace dsforge
