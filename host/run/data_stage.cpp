// data_stage.cpp
#include "run/data_stage.hpp"

#include <fmt/format.h>

#include <chrono>
#include <memory>

#include "api/host_api.hpp"
#include "common/log.hpp"
#include "common/progress.hpp"
#include "data/component_instance.hpp"
#include "data/record_buffer.hpp"

namespace dsforge {
namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

void merge(std::map<std::string, uint64_t>& into, const std::map<std::string, uint64_t>& from) {
  for (const auto& [k, v] : from) into[k] += v;
}

class DataStageRunner {
 public:
  explicit DataStageRunner(const PlannedStage& stage) : stage_(stage) {
    source_ = std::make_unique<ComponentInstance>(*stage.source.component, stage.source.settings, stage.source.where);
    stats_.steps.push_back(StepStats{stage.source.component->name, 0, 0, {}, 0});
    for (const auto& t : stage.transforms) {
      transforms_.push_back(std::make_unique<ComponentInstance>(*t.component, t.settings, t.where));
      stats_.steps.push_back(StepStats{t.component->name, 0, 0, {}, 0});
    }
    sink_ = std::make_unique<ComponentInstance>(*stage.sink.component, stage.sink.settings, stage.sink.where);
    stats_.steps.push_back(StepStats{stage.sink.component->name, 0, 0, {}, 0});
    stats_.stage = stage.config->id;
  }

  DataStageStats run() {
    auto start = Clock::now();
    Progress progress(fmt::format("stage '{}'", stage_.config->id), 0, "docs");
    const auto max = static_cast<size_t>(stage_.config->batch_size);
    int32_t done = 0;
    while (done == 0) {
      RecordBuffer batch;
      auto t0 = Clock::now();
      ds_error* err = source_->vtable<ds_source_vtable>().next(source_->get(), RecordBuffer::api(),
                                                                batch.builder(), max, &done);
      StepStats& src = stats_.steps.front();
      src.seconds += since(t0);
      merge(src.dropped, batch.take_drops());
      throw_if_error(err, fmt::format("{} (source {})", stage_.source.where, source_->label()));
      src.records_out += batch.size();
      stats_.bytes_in += batch.text_bytes();
      progress.advance(batch.size());
      if (batch.size() > 0) pass_down(batch, 0);
    }
    for (size_t i = 0; i < transforms_.size(); ++i) flush(i);
    auto t0 = Clock::now();
    throw_if_error(sink_->vtable<ds_sink_vtable>().commit(sink_->get()),
                   fmt::format("{} (sink {})", stage_.sink.where, sink_->label()));
    stats_.steps.back().seconds += since(t0);
    progress.finish();
    stats_.seconds = since(start);
    return stats_;
  }

 private:
  // Sends `batch` through transforms[first..] and into the sink.
  void pass_down(RecordBuffer& batch, size_t first) {
    RecordBuffer scratch;
    RecordBuffer* in = &batch;
    RecordBuffer* out = &scratch;
    for (size_t i = first; i < transforms_.size(); ++i) {
      StepStats& st = stats_.steps[i + 1];
      st.records_in += in->size();
      out->clear();
      auto t0 = Clock::now();
      ds_error* err = transforms_[i]->vtable<ds_transform_vtable>().process(
          transforms_[i]->get(), &in->batch(), RecordBuffer::api(), out->builder());
      st.seconds += since(t0);
      merge(st.dropped, out->take_drops());
      throw_if_error(err, fmt::format("{} (transform {})", stage_.transforms[i].where, transforms_[i]->label()));
      st.records_out += out->size();
      std::swap(in, out);
      if (in->size() == 0) return;
    }
    write(*in);
  }

  void flush(size_t i) {
    const auto& vt = transforms_[i]->vtable<ds_transform_vtable>();
    if (vt.flush == nullptr) return;
    RecordBuffer out;
    auto t0 = Clock::now();
    ds_error* err = vt.flush(transforms_[i]->get(), RecordBuffer::api(), out.builder());
    StepStats& st = stats_.steps[i + 1];
    st.seconds += since(t0);
    merge(st.dropped, out.take_drops());
    throw_if_error(err, fmt::format("{} (transform {} flush)", stage_.transforms[i].where, transforms_[i]->label()));
    st.records_out += out.size();
    if (out.size() > 0) pass_down(out, i + 1);
  }

  void write(RecordBuffer& batch) {
    StepStats& st = stats_.steps.back();
    st.records_in += batch.size();
    auto t0 = Clock::now();
    ds_error* err = sink_->vtable<ds_sink_vtable>().write(sink_->get(), &batch.batch());
    st.seconds += since(t0);
    throw_if_error(err, fmt::format("{} (sink {})", stage_.sink.where, sink_->label()));
    st.records_out += batch.size();
  }

  const PlannedStage& stage_;
  // Declared before the instances: destroyed after them.
  DataStageStats stats_;
  std::unique_ptr<ComponentInstance> source_;
  std::vector<std::unique_ptr<ComponentInstance>> transforms_;
  std::unique_ptr<ComponentInstance> sink_;
};

}  // namespace

nlohmann::json DataStageStats::to_json() const {
  nlohmann::json steps_json = nlohmann::json::array();
  for (const auto& s : steps) {
    steps_json.push_back({{"component", s.name}, {"records_in", s.records_in}, {"records_out", s.records_out},
                          {"dropped", s.dropped}, {"seconds", s.seconds}});
  }
  return {{"stage", stage}, {"bytes_in", bytes_in}, {"seconds", seconds}, {"steps", steps_json}};
}

DataStageStats run_data_stage(const PlannedStage& stage) {
  DataStageRunner runner(stage);
  DataStageStats stats = runner.run();
  for (const auto& s : stats.steps) {
    std::string drops;
    for (const auto& [reason, n] : s.dropped) drops += fmt::format("{}{} {}", drops.empty() ? "" : ", ", n, reason);
    log::info("dshost", fmt::format("  {:<14} in {:>9} out {:>9}{}", s.name, s.records_in, s.records_out,
                                    drops.empty() ? "" : "  dropped: " + drops));
  }
  return stats;
}

}  // namespace dsforge
