// host_api.hpp: the ds_host_api table dshost serves to plugins, and the
// host-side helpers for the error and config objects that cross the ABI.
#pragma once

#include <dsforge/host_api.h>

#include <map>
#include <nlohmann/json.hpp>
#include <string>

// Definitions of the ABI's opaque types. Only host code sees them.
struct ds_error {
  int32_t code;
  std::string message;
};

struct ds_buffer {
  std::string bytes;
};

struct ds_config {
  nlohmann::json value;  // validated settings, defaults filled
  std::string text;      // value.dump(), for config_json
};

namespace dsforge {

// The table as a plugin that speaks `minor` sees it: its struct_size stops
// after the last field of that minor, so DS_HAS_FIELD is false for newer ones.
const ds_host_api* host_api_for_minor(uint32_t minor);

// Size of ds_host_api in a released minor.
size_t host_api_size(uint32_t minor);

// Inline so that runtime/ (a separate library) creates errors the same way.
inline ds_error* make_error(int32_t code, std::string message) { return new ds_error{code, std::move(message)}; }

// Takes ownership of `e` (may be NULL) and throws UserError
// "<context>: <message>" when it is an error.
void throw_if_error(ds_error* e, const std::string& context);

// Takes ownership of `e` and returns its message ("" for NULL).
std::string take_error_message(ds_error* e);

const char* status_name(int32_t code);

// While alive, stat_add() calls made by plugins on this thread add to
// `counters`. The runner opens one around every call into a component.
class StatScope {
 public:
  explicit StatScope(std::map<std::string, uint64_t>& counters);
  ~StatScope();
  StatScope(const StatScope&) = delete;
  StatScope& operator=(const StatScope&) = delete;

 private:
  std::map<std::string, uint64_t>* previous_;
};

}  // namespace dsforge
