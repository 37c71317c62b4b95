// data_stage.cpp: the data stage runner.
//
// Batches move through the stage in windows of up to `threads` batches. For
// each transform, a window is processed batch by batch in order, except for
// runs of DS_COMPONENT_PARALLEL transforms, which get one instance per thread
// and process the window's batches concurrently. Windows keep the output in
// input order, so the result is identical for any thread count.
#include "run/data_stage.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <thread>

#include "api/host_api.hpp"
#include "common/atomic_write.hpp"
#include "common/log.hpp"
#include "common/progress.hpp"
#include "common/user_error.hpp"
#include "data/component_instance.hpp"
#include "data/record_buffer.hpp"

namespace dsforge {
namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

void merge(std::map<std::string, uint64_t>& into, const std::map<std::string, uint64_t>& from) {
  for (const auto& [k, v] : from) into[k] += v;
}

size_t thread_count(int64_t configured) {
  if (configured > 0) return static_cast<size_t>(configured);
  return std::max<size_t>(1, std::thread::hardware_concurrency());
}

// One transform of the stage: one instance, or one per thread if parallel.
struct TransformStep {
  const PlannedComponent* planned = nullptr;
  std::vector<std::unique_ptr<ComponentInstance>> instances;
  bool parallel() const { return instances.size() > 1; }
  const ds_transform_vtable& vt() const { return instances.front()->vtable<ds_transform_vtable>(); }
};

// What one process() call did, merged into StepStats after the window.
struct CallResult {
  ds_error* error = nullptr;
  double seconds = 0;
  std::map<std::string, uint64_t> dropped;
  std::map<std::string, uint64_t> counters;
};

class DataStageRunner {
 public:
  explicit DataStageRunner(const PlannedStage& stage) : stage_(stage), threads_(thread_count(stage.config->threads)) {
    stats_.stage = stage.config->id;
    source_ = std::make_unique<ComponentInstance>(*stage.source.component, stage.source.settings, stage.source.where);
    stats_.steps.push_back(StepStats{stage.source.component->name, 0, 0, {}, 0, {}});
    for (const auto& t : stage.transforms) {
      TransformStep step;
      step.planned = &t;
      bool parallel = (t.component->flags & DS_COMPONENT_PARALLEL) != 0 && threads_ > 1;
      size_t n = parallel ? threads_ : 1;
      for (size_t i = 0; i < n; ++i)
        step.instances.push_back(std::make_unique<ComponentInstance>(*t.component, t.settings, t.where));
      transforms_.push_back(std::move(step));
      stats_.steps.push_back(StepStats{t.component->name, 0, 0, {}, 0, {}});
    }
    sink_ = std::make_unique<ComponentInstance>(*stage.sink.component, stage.sink.settings, stage.sink.where);
    stats_.steps.push_back(StepStats{stage.sink.component->name, 0, 0, {}, 0, {}});
  }

  DataStageStats run() {
    auto start = Clock::now();
    Progress progress(fmt::format("stage '{}'", stage_.config->id), 0, "docs");
    bool done = false;
    while (!done) {
      std::vector<RecordBuffer> window;
      while (window.size() < threads_ && !done) {
        RecordBuffer batch;
        done = read_source(batch);
        progress.advance(batch.size());
        if (batch.size() > 0) window.push_back(std::move(batch));
      }
      pass_down(window, 0);
    }
    for (size_t i = 0; i < transforms_.size(); ++i) flush(i);
    StatScope scope(stats_.steps.back().counters);
    auto t0 = Clock::now();
    throw_if_error(sink_->vtable<ds_sink_vtable>().commit(sink_->get()),
                   fmt::format("{} (sink {})", stage_.sink.where, sink_->label()));
    stats_.steps.back().seconds += since(t0);
    progress.finish();
    stats_.seconds = since(start);
    stats_.threads = threads_;
    return stats_;
  }

 private:
  // Returns true when the source is exhausted.
  bool read_source(RecordBuffer& batch) {
    int32_t done = 0;
    StepStats& src = stats_.steps.front();
    StatScope scope(src.counters);
    auto t0 = Clock::now();
    ds_error* err = source_->vtable<ds_source_vtable>().next(source_->get(), RecordBuffer::api(), batch.builder(),
                                                              static_cast<size_t>(stage_.config->batch_size), &done);
    src.seconds += since(t0);
    merge(src.dropped, batch.take_drops());
    throw_if_error(err, fmt::format("{} (source {})", stage_.source.where, source_->label()));
    src.records_out += batch.size();
    stats_.bytes_in += batch.text_bytes();
    return done != 0;
  }

  static CallResult call_process(ComponentInstance& inst, RecordBuffer& in, RecordBuffer& out) {
    CallResult r;
    StatScope scope(r.counters);
    auto t0 = Clock::now();
    r.error = inst.vtable<ds_transform_vtable>().process(inst.get(), &in.batch(), RecordBuffer::api(), out.builder());
    r.seconds = since(t0);
    r.dropped = out.take_drops();
    return r;
  }

  // Sends each batch of `window` through transforms[first..] and the sink.
  void pass_down(std::vector<RecordBuffer>& window, size_t first) {
    for (size_t i = first; i < transforms_.size() && !window.empty(); ++i) {
      TransformStep& step = transforms_[i];
      std::vector<RecordBuffer> out(window.size());
      std::vector<CallResult> results(window.size());
      if (step.parallel() && window.size() > 1) {
        std::vector<std::thread> workers;
        for (size_t b = 0; b < window.size(); ++b) {
          workers.emplace_back([&, b] { results[b] = call_process(*step.instances[b], window[b], out[b]); });
        }
        for (auto& w : workers) w.join();
      } else {
        for (size_t b = 0; b < window.size(); ++b) results[b] = call_process(*step.instances[0], window[b], out[b]);
      }
      StepStats& st = stats_.steps[i + 1];
      std::string first_error;
      for (size_t b = 0; b < window.size(); ++b) {
        st.records_in += window[b].size();
        st.records_out += out[b].size();
        st.seconds += results[b].seconds;
        merge(st.dropped, results[b].dropped);
        merge(st.counters, results[b].counters);
        if (results[b].error != nullptr) {
          std::string msg = take_error_message(results[b].error);
          if (first_error.empty()) first_error = msg;
        }
      }
      if (!first_error.empty()) {
        fail("{} (transform {}): {}", step.planned->where, step.instances[0]->label(), first_error);
      }
      window.clear();
      for (auto& o : out) {
        if (o.size() > 0) window.push_back(std::move(o));
      }
    }
    for (auto& batch : window) write(batch);
  }

  void flush(size_t i) {
    TransformStep& step = transforms_[i];
    if (step.vt().flush == nullptr) return;
    std::vector<RecordBuffer> out(1);
    StepStats& st = stats_.steps[i + 1];
    StatScope scope(st.counters);
    auto t0 = Clock::now();
    ds_error* err = step.vt().flush(step.instances[0]->get(), RecordBuffer::api(), out[0].builder());
    st.seconds += since(t0);
    merge(st.dropped, out[0].take_drops());
    throw_if_error(err, fmt::format("{} (transform {} flush)", step.planned->where, step.instances[0]->label()));
    st.records_out += out[0].size();
    if (out[0].size() > 0) pass_down(out, i + 1);
  }

  void write(RecordBuffer& batch) {
    StepStats& st = stats_.steps.back();
    st.records_in += batch.size();
    StatScope scope(st.counters);
    auto t0 = Clock::now();
    ds_error* err = sink_->vtable<ds_sink_vtable>().write(sink_->get(), &batch.batch());
    st.seconds += since(t0);
    throw_if_error(err, fmt::format("{} (sink {})", stage_.sink.where, sink_->label()));
    st.records_out += batch.size();
  }

  const PlannedStage& stage_;
  const size_t threads_;
  // Declared before the instances: destroyed after them.
  DataStageStats stats_;
  std::unique_ptr<ComponentInstance> source_;
  std::vector<TransformStep> transforms_;
  std::unique_ptr<ComponentInstance> sink_;
};

}  // namespace

nlohmann::json DataStageStats::to_json() const {
  nlohmann::json steps_json = nlohmann::json::array();
  for (const auto& s : steps) {
    steps_json.push_back({{"component", s.name}, {"records_in", s.records_in}, {"records_out", s.records_out},
                          {"dropped", s.dropped}, {"counters", s.counters}, {"seconds", s.seconds}});
  }
  return {{"stage", stage}, {"bytes_in", bytes_in}, {"seconds", seconds}, {"threads", threads}, {"steps", steps_json}};
}

DataStageStats run_data_stage(const PlannedStage& stage) {
  DataStageRunner runner(stage);
  DataStageStats stats = runner.run();
  for (const auto& s : stats.steps) {
    std::string drops;
    for (const auto& [reason, n] : s.dropped) drops += fmt::format("{}{} {}", drops.empty() ? "" : ", ", n, reason);
    std::string counters;
    for (const auto& [name, n] : s.counters) counters += fmt::format("{}{} {}", counters.empty() ? "" : ", ", n, name);
    log::info("dshost", fmt::format("  {:<14} in {:>9} out {:>9}{}{}", s.name, s.records_in, s.records_out,
                                    drops.empty() ? "" : "  dropped: " + drops,
                                    counters.empty() ? "" : "  (" + counters + ")"));
  }
  if (!stage.config->stats_path.empty()) {
    write_file_atomically(stage.config->stats_path, stats.to_json().dump(2) + "\n");
    log::info("dshost", fmt::format("  stats written to {}", stage.config->stats_path));
  }
  return stats;
}

}  // namespace dsforge
