// filters_config.cpp: see filters_config.hpp.
#include "filters_config.hpp"

#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>

#include "common/config_get.hpp"
#include "filters_transforms.hpp"

namespace dsforge::data {

std::vector<double> numbers(const ds::Config& cfg, const std::string& pointer) {
  // ds::Config has no array-size getter; elements are probed in order.
  std::vector<double> out;
  for (size_t i = 0;; ++i) {
    const std::string item = pointer + "/" + std::to_string(i);
    if (!cfg.has(item.c_str())) return out;
    out.push_back(cfg.number(item.c_str()));
  }
}

double number_in(const ds::Config& cfg, const char* component, const char* key, double fallback,
                 double lo, double hi) {
  const double v = cfg.has(key) ? cfg.number(key) : fallback;
  if (!std::isfinite(v) || v < lo || v > hi) {
    std::ostringstream msg;
    msg << component << ": " << (key + 1) << " must be in [" << lo << ", " << hi << "], got " << v;
    throw ds::Error(DS_ERR_INVALID_ARGUMENT, msg.str());
  }
  return v;
}

uint64_t count_or(const ds::Config& cfg, const char* component, const char* key,
                  uint64_t fallback) {
  if (!cfg.has(key)) return fallback;
  const int64_t v = cfg.integer(key);
  if (v < 0)
    throw ds::Error(DS_ERR_INVALID_ARGUMENT, std::string(component) + ": " + (key + 1) +
                                                 " must be >= 0, got " + std::to_string(v));
  return static_cast<uint64_t>(v);
}

std::string read_setting_file(const std::string& path, const char* component, const char* key) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int err = errno;
    throw ds::Error(DS_ERR_IO, std::string(component) + ": " + key + ": cannot open '" + path +
                                   "': " + std::strerror(err));
  }
  std::ostringstream content;
  content << in.rdbuf();
  if (in.bad())
    throw ds::Error(DS_ERR_IO, std::string(component) + ": " + key + ": cannot read '" + path + "'");
  return content.str();
}

std::string record_where(const ds_record& r) {
  return where(r.origin.size ? std::string(ds::view(r.origin)) : "<record>", r.line);
}

}  // namespace dsforge::data
