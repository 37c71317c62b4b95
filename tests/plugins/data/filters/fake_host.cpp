// fake_host.cpp: see fake_host.hpp.
#include "fake_host.hpp"

#include <stdexcept>

struct ds_error {
  int32_t code;
  std::string message;
};

struct ds_config {
  nlohmann::json value;
  std::string text;
};

struct ds_batch_builder {
  std::vector<fake::Record> records;
  std::map<std::string, uint64_t> drops;
};

namespace fake {
namespace {

std::vector<std::string>& log_lines() {
  static std::vector<std::string> lines;
  return lines;
}

ds_error* error_new(int32_t code, const char* message) { return new ds_error{code, message}; }
int32_t error_code(const ds_error* e) { return e->code; }
const char* error_message(const ds_error* e) { return e->message.c_str(); }
void error_free(ds_error* e) { delete e; }

void log(int32_t level, const char* component, const char* message) {
  static const char* const names[] = {"DEBUG", "INFO", "WARN", "ERROR"};
  log_lines().push_back(std::string(level >= 0 && level <= 3 ? names[level] : "?") + " " +
                        component + ": " + message);
}

const nlohmann::json* lookup(const ds_config* cfg, const char* pointer) {
  try {
    return &cfg->value.at(nlohmann::json::json_pointer(pointer));
  } catch (const nlohmann::json::exception&) {
    return nullptr;
  }
}

ds_error* missing(const char* pointer) {
  return error_new(DS_ERR_NOT_FOUND, (std::string("config key '") + pointer + "' not found").c_str());
}
ds_error* wrong(const char* pointer, const char* expected) {
  return error_new(DS_ERR_INVALID_ARGUMENT,
                   (std::string("config key '") + pointer + "': expected " + expected).c_str());
}

const char* config_json(const ds_config* cfg) { return cfg->text.c_str(); }
int32_t config_has(const ds_config* cfg, const char* pointer) { return lookup(cfg, pointer) != nullptr; }
ds_error* config_string(const ds_config* cfg, const char* pointer, ds_str* out) {
  const nlohmann::json* v = lookup(cfg, pointer);
  if (v == nullptr) return missing(pointer);
  if (!v->is_string()) return wrong(pointer, "a string");
  const std::string& s = v->get_ref<const std::string&>();
  *out = ds_str{s.data(), s.size()};
  return nullptr;
}
ds_error* config_int(const ds_config* cfg, const char* pointer, int64_t* out) {
  const nlohmann::json* v = lookup(cfg, pointer);
  if (v == nullptr) return missing(pointer);
  if (!v->is_number_integer()) return wrong(pointer, "an integer");
  *out = v->get<int64_t>();
  return nullptr;
}
ds_error* config_double(const ds_config* cfg, const char* pointer, double* out) {
  const nlohmann::json* v = lookup(cfg, pointer);
  if (v == nullptr) return missing(pointer);
  if (!v->is_number()) return wrong(pointer, "a number");
  *out = v->get<double>();
  return nullptr;
}
ds_error* config_bool(const ds_config* cfg, const char* pointer, int32_t* out) {
  const nlohmann::json* v = lookup(cfg, pointer);
  if (v == nullptr) return missing(pointer);
  if (!v->is_boolean()) return wrong(pointer, "a boolean");
  *out = v->get<bool>() ? 1 : 0;
  return nullptr;
}
ds_error* config_array_size(const ds_config* cfg, const char* pointer, size_t* out) {
  const nlohmann::json* v = lookup(cfg, pointer);
  if (v == nullptr) return missing(pointer);
  if (!v->is_array()) return wrong(pointer, "an array");
  *out = v->size();
  return nullptr;
}

ds_error* push(ds_batch_builder* b, const ds_record* r) {
  b->records.push_back(Record{std::string(ds::view(r->text)), std::string(ds::view(r->meta)),
                              std::string(ds::view(r->origin)), r->line});
  return nullptr;
}
void drop(ds_batch_builder* b, const char* reason, uint64_t n) { b->drops[reason] += n; }

const ds_builder_api kBuilderApi = {sizeof(ds_builder_api), &push, &drop};

ds_host_api make_host() {
  ds_host_api h{};
  // It implements the 1.0 table, so it says so: DS_HAS_FIELD is then false
  // for progress and stat_add, which components skip.
  h.struct_size = offsetof(ds_host_api, progress_begin);
  h.abi_major = DS_ABI_MAJOR;
  h.abi_minor = 0;
  h.error_new = &error_new;
  h.error_code = &error_code;
  h.error_message = &error_message;
  h.error_free = &error_free;
  h.log = &log;
  h.config_json = &config_json;
  h.config_has = &config_has;
  h.config_string = &config_string;
  h.config_int = &config_int;
  h.config_double = &config_double;
  h.config_bool = &config_bool;
  h.config_array_size = &config_array_size;
  return h;
}

}  // namespace

const ds_host_api* host_table() {
  static const ds_host_api host = make_host();
  return &host;
}
const ds_builder_api* builder_api() { return &kBuilderApi; }
std::string take_error(ds_error* e) {
  if (e == nullptr) return "";
  std::string msg = e->message;
  delete e;
  return msg;
}

Host::Host() {
  const ds_host_api& host = *host_table();
  if (ds::detail::host_slot() != nullptr) throw std::logic_error("fake::Host installed twice");
  ds::detail::host_slot() = &host;
  log_lines().clear();
}
Host::~Host() { ds::detail::host_slot() = nullptr; }
const std::vector<std::string>& Host::logs() const { return log_lines(); }
bool Host::logged(const std::string& needle) const {
  for (const std::string& l : log_lines())
    if (l.find(needle) != std::string::npos) return true;
  return false;
}

namespace {

// What dshost's schema check does to settings, minus type checks: unknown
// keys refused (every schema here says additionalProperties false), property
// defaults filled in, recursively into tables that are present.
void apply_schema(nlohmann::json& settings, const nlohmann::json& schema, const std::string& at) {
  if (!schema.contains("properties") || !settings.is_object()) return;
  const nlohmann::json& props = schema["properties"];
  for (auto& [key, value] : settings.items()) {
    if (!props.contains(key)) {
      if (schema.value("additionalProperties", true) == false)
        throw std::invalid_argument("unknown setting '" + at + key + "'");
      continue;
    }
    apply_schema(value, props[key], at + key + ".");
  }
  for (const auto& [key, prop] : props.items())
    if (!settings.contains(key) && prop.contains("default")) settings[key] = prop["default"];
}

}  // namespace

Settings::Settings(const char* schema_text, nlohmann::json settings) : cfg_(new ds_config) {
  apply_schema(settings, nlohmann::json::parse(schema_text), "");
  cfg_->value = std::move(settings);
  cfg_->text = cfg_->value.dump();
}
Settings::~Settings() { delete cfg_; }
ds::Config Settings::config() const { return ds::Config(cfg_); }
const nlohmann::json& Settings::json() const { return cfg_->value; }

Output::Output() : b_(new ds_batch_builder) {}
Output::~Output() { delete b_; }
ds::BatchWriter Output::writer() { return ds::BatchWriter(&kBuilderApi, b_); }
std::vector<Record>& Output::records() { return b_->records; }
std::map<std::string, uint64_t>& Output::drops() { return b_->drops; }
uint64_t Output::dropped(const std::string& reason) {
  const auto it = b_->drops.find(reason);
  return it == b_->drops.end() ? 0 : it->second;
}

BatchView::BatchView(const std::vector<Record>& records) {
  views_.reserve(records.size());
  for (const Record& r : records)
    views_.push_back(ds_record{ds::str(r.text), ds::str(r.meta), ds::str(r.origin), r.line});
  batch_ = ds_record_batch{sizeof(ds_record_batch), views_.data(), views_.size()};
}

std::vector<Record> texts(const std::vector<std::string>& texts) {
  std::vector<Record> out;
  for (const std::string& t : texts) out.push_back(Record{t, "", "", 0});
  return out;
}

}  // namespace fake
