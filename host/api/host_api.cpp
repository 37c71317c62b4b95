// host_api.cpp: the functions behind ds_host_api. Each one is noexcept in
// effect: it catches everything so no exception crosses into a plugin.
#include "api/host_api.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <memory>
#include <new>

#include "api/abi_layout.hpp"
#include "common/log.hpp"
#include "common/progress.hpp"
#include "common/user_error.hpp"
#include "runtime/tensor_api.hpp"

// Progress handles are host Progress objects.
struct ds_progress {
  dsforge::Progress progress;
};

namespace dsforge {
namespace {

// --- errors --------------------------------------------------------------

ds_error* api_error_new(int32_t code, const char* message) {
  try {
    return new ds_error{code, message ? message : ""};
  } catch (...) {
    return nullptr;  // only std::bad_alloc; an allocation-free fallback would hide it
  }
}
int32_t api_error_code(const ds_error* e) { return e ? e->code : DS_OK; }
const char* api_error_message(const ds_error* e) { return e ? e->message.c_str() : ""; }
void api_error_free(ds_error* e) { delete e; }

// --- logging -------------------------------------------------------------

void api_log(int32_t level, const char* component, const char* message) {
  try {
    auto lvl = static_cast<log::Level>(std::clamp<int32_t>(level, DS_LOG_DEBUG, DS_LOG_ERROR));
    log::write(lvl, component ? component : "plugin", message ? message : "");
  } catch (...) {
  }
}

// --- config --------------------------------------------------------------

const nlohmann::json* lookup(const ds_config* cfg, const char* pointer) {
  if (cfg == nullptr || pointer == nullptr) return nullptr;
  try {
    nlohmann::json::json_pointer ptr(pointer);
    if (!cfg->value.contains(ptr)) return nullptr;
    return &cfg->value.at(ptr);
  } catch (...) {
    return nullptr;
  }
}

ds_error* missing(const char* pointer) {
  return make_error(DS_ERR_NOT_FOUND, fmt::format("config key '{}' not found", pointer ? pointer : "(null)"));
}
ds_error* wrong_type(const char* pointer, const char* expected, const nlohmann::json& v) {
  return make_error(DS_ERR_INVALID_ARGUMENT,
                    fmt::format("config key '{}': expected {}, got {}", pointer, expected, v.type_name()));
}

const char* api_config_json(const ds_config* cfg) { return cfg ? cfg->text.c_str() : "{}"; }
int32_t api_config_has(const ds_config* cfg, const char* pointer) { return lookup(cfg, pointer) != nullptr; }

ds_error* api_config_string(const ds_config* cfg, const char* pointer, ds_str* out) {
  const nlohmann::json* v = lookup(cfg, pointer);
  if (v == nullptr) return missing(pointer);
  if (!v->is_string()) return wrong_type(pointer, "a string", *v);
  const auto& s = v->get_ref<const std::string&>();
  *out = ds_str{s.data(), s.size()};
  return nullptr;
}
ds_error* api_config_int(const ds_config* cfg, const char* pointer, int64_t* out) {
  const nlohmann::json* v = lookup(cfg, pointer);
  if (v == nullptr) return missing(pointer);
  if (!v->is_number_integer()) return wrong_type(pointer, "an integer", *v);
  *out = v->get<int64_t>();
  return nullptr;
}
ds_error* api_config_double(const ds_config* cfg, const char* pointer, double* out) {
  const nlohmann::json* v = lookup(cfg, pointer);
  if (v == nullptr) return missing(pointer);
  if (!v->is_number()) return wrong_type(pointer, "a number", *v);
  *out = v->get<double>();
  return nullptr;
}
ds_error* api_config_bool(const ds_config* cfg, const char* pointer, int32_t* out) {
  const nlohmann::json* v = lookup(cfg, pointer);
  if (v == nullptr) return missing(pointer);
  if (!v->is_boolean()) return wrong_type(pointer, "a boolean", *v);
  *out = v->get<bool>() ? 1 : 0;
  return nullptr;
}
ds_error* api_config_array_size(const ds_config* cfg, const char* pointer, size_t* out) {
  const nlohmann::json* v = lookup(cfg, pointer);
  if (v == nullptr) return missing(pointer);
  if (!v->is_array()) return wrong_type(pointer, "an array", *v);
  *out = v->size();
  return nullptr;
}

// --- progress (1.1) ------------------------------------------------------

ds_progress* api_progress_begin(const char* label, uint64_t total, const char* unit) {
  try {
    return new ds_progress{Progress(label ? label : "work", total, unit ? unit : "items")};
  } catch (...) {
    return nullptr;
  }
}
void api_progress_advance(ds_progress* p, uint64_t delta) {
  if (p != nullptr) p->progress.advance(delta);
}
void api_progress_end(ds_progress* p) {
  if (p == nullptr) return;
  try {
    p->progress.finish();
  } catch (...) {
  }
  delete p;
}

// --- buffers (1.2) ------------------------------------------------------

ds_error* api_buffer_append(ds_buffer* b, const void* data, size_t size) {
  if (b == nullptr || (data == nullptr && size > 0))
    return make_error(DS_ERR_INVALID_ARGUMENT, "buffer_append: NULL buffer or data");
  try {
    b->bytes.append(static_cast<const char*>(data), size);
    return nullptr;
  } catch (const std::bad_alloc&) {
    return make_error(DS_ERR_OUT_OF_MEMORY, "buffer_append: out of memory");
  }
}

// --- statistics (1.2) ---------------------------------------------------

thread_local std::map<std::string, uint64_t>* t_counters = nullptr;

void api_stat_add(const char* name, uint64_t n) {
  if (t_counters == nullptr || name == nullptr) return;
  try {
    (*t_counters)[name] += n;
  } catch (...) {
  }
}

ds_host_api make_table() {
  ds_host_api t{};
  t.struct_size = sizeof(ds_host_api);
  t.abi_major = DS_ABI_MAJOR;
  t.abi_minor = DS_ABI_MINOR;
  t.error_new = &api_error_new;
  t.error_code = &api_error_code;
  t.error_message = &api_error_message;
  t.error_free = &api_error_free;
  t.log = &api_log;
  t.config_json = &api_config_json;
  t.config_has = &api_config_has;
  t.config_string = &api_config_string;
  t.config_int = &api_config_int;
  t.config_double = &api_config_double;
  t.config_bool = &api_config_bool;
  t.config_array_size = &api_config_array_size;
  t.tensor = tensor_api();
  t.progress_begin = &api_progress_begin;
  t.progress_advance = &api_progress_advance;
  t.progress_end = &api_progress_end;
  t.buffer_append = &api_buffer_append;
  t.stat_add = &api_stat_add;
  t.module = module_api();
  return t;
}

}  // namespace

size_t host_api_size(uint32_t minor) {
  switch (minor) {
    case 0: return abi::kHostApiSize_1_0;
    case 1: return abi::kHostApiSize_1_1;
    case 2: return abi::kHostApiSize_1_2;
    default: return abi::kHostApiSize_1_3;
  }
}

StatScope::StatScope(std::map<std::string, uint64_t>& counters) : previous_(t_counters) { t_counters = &counters; }
StatScope::~StatScope() { t_counters = previous_; }

const ds_host_api* host_api_for_minor(uint32_t minor) {
  // One table per released minor, each cut after that minor's last field.
  static const std::array<ds_host_api, DS_ABI_MINOR + 1> tables = [] {
    std::array<ds_host_api, DS_ABI_MINOR + 1> out{};
    for (uint32_t m = 0; m <= DS_ABI_MINOR; ++m) {
      out[m] = make_table();
      out[m].struct_size = host_api_size(m);
      out[m].abi_minor = m;
      out[m].tensor = tensor_api_for_minor(m);
    }
    return out;
  }();
  return &tables[std::min<uint32_t>(minor, DS_ABI_MINOR)];
}

std::string take_error_message(ds_error* e) {
  if (e == nullptr) return "";
  std::unique_ptr<ds_error> owned(e);
  return owned->message;
}

void throw_if_error(ds_error* e, const std::string& context) {
  if (e == nullptr) return;
  std::unique_ptr<ds_error> owned(e);
  throw UserError(fmt::format("{}: {} ({})", context, owned->message, status_name(owned->code)));
}

const char* status_name(int32_t code) {
  switch (code) {
    case DS_OK: return "ok";
    case DS_ERR_INVALID_ARGUMENT: return "invalid argument";
    case DS_ERR_NOT_FOUND: return "not found";
    case DS_ERR_UNSUPPORTED: return "unsupported";
    case DS_ERR_IO: return "I/O error";
    case DS_ERR_BAD_DATA: return "bad data";
    case DS_ERR_OUT_OF_MEMORY: return "out of memory";
    case DS_ERR_VERSION: return "version mismatch";
    case DS_ERR_CANCELLED: return "cancelled";
    default: return "internal error";
  }
}

}  // namespace dsforge
