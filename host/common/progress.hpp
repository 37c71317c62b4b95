// progress.hpp: progress of long work: items done, rate and ETA, redrawn at
// most a few times a second, and a one-line summary at the end. With the JSON
// log format it emits JSON lines instead of a bar; with --quiet only nothing.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

namespace dsforge {

class Progress {
 public:
  // `total` 0 means unknown (no percentage or ETA).
  Progress(std::string label, uint64_t total, std::string unit);
  ~Progress();  // no summary unless finish() was called
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  void advance(uint64_t delta);  // [thread-safe]
  void set_total(uint64_t total);
  // Prints the summary line ("label: N unit in T s (R unit/s)"); idempotent.
  void finish();

  uint64_t done() const;
  double elapsed_seconds() const;

 private:
  void draw(bool final_line);

  std::string label_;
  std::string unit_;
  uint64_t total_;
  uint64_t done_ = 0;
  bool finished_ = false;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
  mutable std::mutex mutex_;
};

// "1.2k", "3.4M": compact counts for progress lines.
std::string human_count(double value);
// "1m05s", "3.2s".
std::string human_duration(double seconds);

}  // namespace dsforge
