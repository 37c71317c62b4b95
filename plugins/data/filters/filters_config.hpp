// filters_config.hpp: small settings helpers the filters share on top of
// common/config_get.hpp. Needs the host (ds::Config).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "dsforge/dsforge.hpp"

namespace dsforge::data {

// A number array setting ("/ratios").
std::vector<double> numbers(const ds::Config& cfg, const std::string& pointer);

// A number setting that must lie in [lo, hi]; the error names component,
// key and value.
double number_in(const ds::Config& cfg, const char* component, const char* key, double fallback,
                 double lo, double hi);

// A non-negative integer setting.
uint64_t count_or(const ds::Config& cfg, const char* component, const char* key,
                  uint64_t fallback);

// The whole content of a file a setting names. Throws ds::Error(DS_ERR_IO)
// naming component, key, path and the system error.
std::string read_setting_file(const std::string& path, const char* component, const char* key);

}  // namespace dsforge::data
