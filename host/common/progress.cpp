// progress.cpp: drawing. A bar only on a terminal; otherwise (CI, pipes) a
// line every few seconds so logs stay short but show the run is alive.
#include "common/progress.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include <cstdio>

#include "common/log.hpp"

namespace dsforge {
namespace {

bool stderr_is_terminal() {
  static const bool tty = isatty(fileno(stderr)) != 0;
  return tty;
}

}  // namespace

std::string human_count(double v) {
  if (v >= 1e9) return fmt::format("{:.2f}G", v / 1e9);
  if (v >= 1e6) return fmt::format("{:.2f}M", v / 1e6);
  if (v >= 1e4) return fmt::format("{:.1f}k", v / 1e3);
  return fmt::format("{:.0f}", v);
}

std::string human_duration(double s) {
  if (s < 60) return fmt::format("{:.1f}s", s);
  auto total = static_cast<long>(s);
  if (total < 3600) return fmt::format("{}m{:02}s", total / 60, total % 60);
  return fmt::format("{}h{:02}m", total / 3600, (total % 3600) / 60);
}

Progress::Progress(std::string label, uint64_t total, std::string unit)
    : label_(std::move(label)),
      unit_(std::move(unit)),
      total_(total),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

// An unfinished Progress (the work threw) prints no summary: it would
// report a partial count as if the work were done.
Progress::~Progress() = default;

void Progress::advance(uint64_t delta) {
  std::lock_guard<std::mutex> lock(mutex_);
  done_ += delta;
  auto now = std::chrono::steady_clock::now();
  double since = std::chrono::duration<double>(now - last_draw_).count();
  double period = stderr_is_terminal() && log::format() == log::Format::text ? 0.2 : 5.0;
  if (since >= period) {
    last_draw_ = now;
    draw(false);
  }
}

void Progress::set_total(uint64_t total) {
  std::lock_guard<std::mutex> lock(mutex_);
  total_ = total;
}

void Progress::finish() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (finished_) return;
  finished_ = true;
  draw(true);
}

uint64_t Progress::done() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return done_;
}

double Progress::elapsed_seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void Progress::draw(bool final_line) {
  if (!log::enabled(log::Level::info)) return;
  double secs = elapsed_seconds();
  double rate = secs > 0 ? static_cast<double>(done_) / secs : 0.0;
  if (log::format() == log::Format::json) {
    nlohmann::json j = {{"event", final_line ? "progress_end" : "progress"},
                        {"label", label_}, {"done", done_}, {"total", total_},
                        {"unit", unit_}, {"seconds", secs}, {"rate", rate}};
    log::info("progress", j.dump());
    return;
  }
  std::string line;
  if (final_line) {
    line = fmt::format("{}: {} {} in {} ({} {}/s)", label_, human_count(double(done_)), unit_,
                       human_duration(secs), human_count(rate), unit_);
  } else if (total_ > 0) {
    double frac = std::min(1.0, double(done_) / double(total_));
    double eta = rate > 0 ? double(total_ - std::min(done_, total_)) / rate : 0.0;
    int filled = static_cast<int>(frac * 24);
    line = fmt::format("{} [{}{}] {:3.0f}% {}/{} {} {} {}/s ETA {}", label_,
                       std::string(filled, '#'), std::string(24 - filled, '.'), frac * 100,
                       human_count(double(done_)), human_count(double(total_)), unit_,
                       human_count(rate), unit_, human_duration(eta));
  } else {
    line = fmt::format("{}: {} {} {} {}/s", label_, human_count(double(done_)), unit_,
                       human_count(rate), unit_);
  }
  if (stderr_is_terminal()) {
    std::fprintf(stderr, "\r\033[2K%s%s", line.c_str(), final_line ? "\n" : "");
    std::fflush(stderr);
  } else {
    log::info("progress", line);
  }
}

}  // namespace dsforge
